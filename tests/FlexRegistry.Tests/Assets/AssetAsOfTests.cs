using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using FlexRegistry.Assets;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Persistence;
using FlexRegistry.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FlexRegistry.Tests.Assets;

/// <summary>
/// BUC.2 step 7, as-of reads from checkpoints: every <see cref="AssetChange.CheckpointInterval"/>-th change keeps the
/// asset's whole state before it, and an as-of read rolls back from the nearest one after the instant instead of from the
/// current version. The answers must be exactly those of the roll-back from the current version (what assets changed
/// before checkpoints existed still get): each asset's life below is read at every version and between every two, then
/// its checkpoints are removed from the database and every read made again, byte for byte.
/// </summary>
public abstract class AssetAsOfTests(RegistryApp app)
{
    [Fact]
    public async Task BUC2_Step7_AsOf_FromCheckpoints_AnswersByteForByteAsTheRollBackFromTheCurrentVersion_OverALifeOfPatchesTransitionsAndPartyChanges()
    {
        var ct = TestContext.Current.CancellationToken;
        var (_, fsp) = await AssetApi.ParticipantAsync(app, "fsp");
        var (owner1, owner1Client) = await AssetApi.ParticipantAsync(app, "flex-owner");
        var (owner2, owner2Client) = await AssetApi.ParticipantAsync(app, "flex-owner");
        using (fsp)
        using (owner1Client)
        using (owner2Client)
        {
            // Planned, so that its capacities change by patch; commissioned at version 20; decommissioned last.
            var (registered, etag) = await AssetApi.RegisterAsync(fsp, AssetApi.Planned());
            var id = registered.AssetId;
            var life = new List<AssetResponse> { registered };
            async Task Write(Func<string, Task<(AssetResponse Asset, string ETag)>> change)
            {
                var (asset, tag) = await change(etag);
                Assert.Equal(life[^1].Version + 1, asset.Version);
                life.Add(asset);
                etag = tag;
            }

            // Party changes are not versions: an owner attached early, replaced twice by change of owner below.
            await AssetApi.AttachAsync(fsp, owner1Client, owner1, id, "owner");
            string[] qualifications = ["[]", """["DFS"]""", """["DFS","BM"]"""];
            for (var v = 2; v <= 19; v++)
            {
                var patch = (v % 5) switch
                {
                    0 => $$"""{"model":"zappi rev {{v}}"}""",
                    1 => $$$"""{"address":{"line1":"{{{v}}} New Road","town":"Ely"},"location":{"latitude":52.{{{v}}},"longitude":0.{{{v}}}}}""",
                    2 => $$"""{"importCapacityKw":{{(7 + v / 10m).ToString(CultureInfo.InvariantCulture)}}}""",
                    3 => $$"""{"marketQualifications":{{qualifications[(v / 5 + 1) % 3]}}}""",
                    _ => v % 2 == 0 ? $$"""{"exportMpan":"{{TestData.Mpan()}}"}""" : """{"exportMpan":null}""",
                };
                await Write(tag => AssetApi.PatchOkAsync(fsp, id, patch, tag));
            }
            await Write(tag => AssetApi.PatchOkAsync(fsp, id, """{"status":"commissioned","commissioningDate":"2025-02-01"}""", tag));
            for (var v = 21; v <= 49; v++)
            {
                var n = v;
                await Write((n % 6) switch
                {
                    0 => tag => AssetApi.TransitionOkAsync(fsp, id, "upgrade", new UpgradeAssetRequest { ImportCapacityKw = 7 + n / 10m, Reason = $"Upgrade {n}" }, tag),
                    1 => tag => AssetApi.TransitionOkAsync(fsp, id, "move-meter-point", new MoveMeterPointRequest { Mpan = TestData.Mpan(10 + n % 14), Reason = "Meter exchanged" }, tag),
                    2 => tag => AssetApi.TransitionOkAsync(fsp, id, "change-owner",
                        new ChangeOwnerRequest { NewOwnerId = n % 4 == 0 ? owner1 : owner2, OwnerConsent = AssetApi.Consent(), Reason = "House sold" }, tag),
                    3 => tag => AssetApi.PatchOkAsync(fsp, id, $$"""{"marketQualifications":{{qualifications[(n / 6 + 2) % 3]}}}""", tag),
                    4 => tag => AssetApi.PatchOkAsync(fsp, id, $$$"""{"address":{"line1":"{{{n}}} Old Road"},"location":{"latitude":51.{{{n}}},"longitude":-1.{{{n}}}}}""", tag),
                    _ => tag => AssetApi.PatchOkAsync(fsp, id, $$"""{"model":"zappi rev {{n}}"}""", tag),
                });
            }
            await Write(tag => AssetApi.TransitionOkAsync(fsp, id, "decommission", new DecommissionAssetRequest { Reason = "Charger scrapped" }, tag));
            Assert.Equal(50, life[^1].Version);

            await AssertCheckpointsAnswerAsTheRollBackAsync(fsp, life, [16, 32, 48], ct);
        }
    }

    [Fact]
    public async Task BUC2_Step7_AsOf_FromCheckpoints_OfAMergedAsset_AnswersByteForByteAsTheRollBackFromTheCurrentVersion()
    {
        var ct = TestContext.Current.CancellationToken;
        var (_, a) = await app.RegisterAsync();
        var (_, b) = await app.RegisterAsync();
        using (a)
        using (b)
        {
            // B registers a near duplicate of A's asset (a duplicate case), changes it version after version, then merges
            // it into A's: the merge is B's last version, and A gains a party (not a version of A).
            var original = TestData.Chargepoint();
            var existing = await (await a.PostAsJsonAsync("/api/v1/assets", original, ct)).Read<RegisterAssetResponse>(HttpStatusCode.Created);
            var near = original with
            {
                SerialNumber = TestData.Transposed(original.SerialNumber!),
                Address = original.Address! with { Line1 = original.Address.Line1!.Replace("Lane", "Ln.", StringComparison.Ordinal) },
                ImportCapacityKw = 7.2m,
                Manufacturer = "myenergi",
                OwnerConsent = original.OwnerConsent! with { Reference = "B-" + original.OwnerConsent.Reference },
            };
            var flagged = await (await b.PostAsJsonAsync("/api/v1/assets", near, ct)).Read<RegisterAssetResponse>(HttpStatusCode.Created);
            Assert.NotNull(flagged.DuplicateCaseId);
            var (registered, etag) = await AssetApi.ReadAsync(b, flagged.AssetId);
            var life = new List<AssetResponse> { registered };
            for (var v = 2; v <= 18; v++)
            {
                var (changed, tag) = await AssetApi.PatchOkAsync(b, flagged.AssetId, v % 2 == 0 ? $$"""{"model":"zappi rev {{v}}"}""" : $$$"""{"address":{"town":"Ely {{{v}}}"}}""", etag);
                Assert.Equal(v, changed.Version);
                life.Add(changed);
                etag = tag;
            }
            using (var merge = await b.PostAsJsonAsync($"/api/v1/duplicate-cases/{flagged.DuplicateCaseId}/merge",
                       new MergeDuplicateRequest { Reason = "Same chargepoint.", SurvivorId = existing.AssetId }, ct))
                Assert.Equal("merged", (await merge.Read<DuplicateCaseResponse>()).Status);
            var (merged, _) = await AssetApi.ReadAsync(b, flagged.AssetId);
            Assert.Equal(("merged", existing.AssetId, 19L), (merged.Status, merged.MergedInto, merged.Version));
            life.Add(merged);

            await AssertCheckpointsAnswerAsTheRollBackAsync(b, life, [16], ct);
        }
    }

    /// <summary>
    /// Reads the asset as of every version's instant, the middle of every two and now, checks each version against what
    /// its write answered, removes the asset's checkpoints and reads every instant again: byte-identical answers.
    /// </summary>
    private async Task AssertCheckpointsAnswerAsTheRollBackAsync(HttpClient client, List<AssetResponse> life, long[] checkpoints, CancellationToken ct)
    {
        var id = life[0].AssetId;
        var times = life.Select((a, i) => i == 0 ? a.RegisteredAt!.Value : a.UpdatedAt!.Value).ToList();
        var instants = new List<DateTimeOffset>();
        for (var i = 0; i < times.Count; i++)
        {
            instants.Add(times[i]);
            instants.Add(i + 1 < times.Count ? times[i] + (times[i + 1] - times[i]) / 2 : TimeProvider.System.GetUtcNow());
        }

        async Task<List<string>> ReadAllAsync()
        {
            var answers = new List<string>();
            foreach (var at in instants)
            {
                using var response = await client.GetAsync($"/api/v1/assets/{id}?asOf={Uri.EscapeDataString(at.ToString("O", CultureInfo.InvariantCulture))}", ct);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                answers.Add(await response.Content.ReadAsStringAsync(ct));
            }
            return answers;
        }

        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        var assetId = AssetId.Parse(id);
        Assert.Equal(checkpoints, await db.AssetChanges.Where(c => c.AssetId == assetId && c.Checkpoint != null).OrderBy(c => c.Version).Select(c => c.Version).ToListAsync(ct));

        var fromCheckpoints = await ReadAllAsync();
        // Each version, read at its own instant, is what its write answered (but for the note of the last confirmation
        // attempt, which is not versioned, and the instant, stored to the millisecond); a version sharing its millisecond
        // with the next is that one's.
        for (var i = 0; i < life.Count; i++)
        {
            if (i + 1 < life.Count && times[i + 1] == times[i])
                continue;
            var asOf = System.Text.Json.JsonSerializer.Deserialize<AssetResponse>(fromCheckpoints[2 * i], ApiExtensions.Json)!;
            Assert.Equivalent(life[i] with { ConfirmationNote = null, UpdatedAt = default }, asOf with { ConfirmationNote = null, UpdatedAt = default }, strict: true);
        }

        // An asset changed before checkpoints were kept has none: the roll-back from the current version answers.
        Assert.Equal(checkpoints.Length, await db.AssetChanges.Where(c => c.AssetId == assetId && c.Checkpoint != null)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.Checkpoint, (string?)null), ct));
        var fromCurrent = await ReadAllAsync();
        for (var i = 0; i < instants.Count; i++)
            Assert.True(fromCheckpoints[i] == fromCurrent[i], $"as of {instants[i]:O}: from checkpoints {fromCheckpoints[i]} but from the current version {fromCurrent[i]}");
    }
}

public sealed class AssetAsOfTests_Sqlite(SqliteApp app) : AssetAsOfTests(app), IClassFixture<SqliteApp>;

public sealed class AssetAsOfTests_Postgres(PostgresApp app) : AssetAsOfTests(app), IClassFixture<PostgresApp>;
