using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Tests.Infrastructure;

namespace FlexRegistry.Tests.Assets;

/// <summary>
/// BUC.2 step 7b: simultaneous divergent updates never silently overwrite each other. First writer wins; the others get
/// 412 with the current version to reconcile against; every accepted change is a version in the history.
/// </summary>
public abstract class AssetConcurrencyTests(RegistryApp app)
{
    [Fact]
    public async Task BUC2_Step7b_TwoWritersOfOneVersion_TheSecondGets412_WithTheCurrentETagRepresentationAndTheRule()
    {
        var (_, fsp) = await app.RegisterActiveAsync();
        using (fsp)
        {
            var (asset, etag) = await AssetApi.RegisterAsync(fsp);
            var (first, firstTag) = await AssetApi.PatchOkAsync(fsp, asset.AssetId, """{"address":{"line1":"14 Mill Lane"}}""", etag);
            Assert.Equal(2, first.Version);

            // The second writer read the same version 1 and changes another field: it is not merged in silently.
            using var second = await AssetApi.PatchAsync(fsp, asset.AssetId, """{"model":"zappi v2.1"}""", etag);
            var body = await second.Content.ReadAsStringAsync();
            await second.ReadProblem(HttpStatusCode.PreconditionFailed, "resource.precondition_failed");
            Assert.Equal(firstTag, second.Headers.ETag!.Tag);
            using var problem = JsonDocument.Parse(body);
            var root = problem.RootElement;
            Assert.Equal(2, root.GetProperty("currentVersion").GetInt64());
            Assert.Equal(firstTag, root.GetProperty("currentETag").GetString());
            var current = root.GetProperty("current").Deserialize<AssetResponse>(ApiExtensions.Json)!;
            Assert.Equal("14 Mill Lane", current.Address!.Line1);
            Assert.Equal(asset.Model, current.Model);
            Assert.Equal(2, current.Version);
            var rule = root.GetProperty("conflictRule").GetString()!;
            Assert.Contains("First writer wins", rule, StringComparison.Ordinal);

            // The rule is the one published beside the field ownership matrix.
            var published = await (await fsp.GetAsync("/api/v1/reference/field-ownership")).Read<FieldOwnershipResponse>();
            Assert.Equal(published.ConflictRule, rule);

            // Reconciling with the 412's ETag succeeds, and both changes are versions in the history.
            var (reconciled, _) = await AssetApi.PatchOkAsync(fsp, asset.AssetId, """{"model":"zappi v2.1"}""", root.GetProperty("currentETag").GetString()!);
            Assert.Equal(3, reconciled.Version);
            Assert.Equal(("14 Mill Lane", "zappi v2.1"), (reconciled.Address!.Line1, reconciled.Model));
            var history = await AssetApi.HistoryAsync(fsp, asset.AssetId);
            Assert.Equal([1L, 2L, 3L], history.Items.Select(i => i.Version));
        }
    }

    [Fact]
    public async Task BUC2_Step7b_IfMatchStar_OrNone_IsRefused_ChangesMustNameTheirVersion()
    {
        var (_, fsp) = await app.RegisterActiveAsync();
        using (fsp)
        {
            var (asset, _) = await AssetApi.RegisterAsync(fsp);
            using (var star = await AssetApi.PatchAsync(fsp, asset.AssetId, """{"model":"x"}""", "*"))
                await star.ReadProblem((HttpStatusCode)428, "resource.precondition_required");
            using (var none = await AssetApi.PatchAsync(fsp, asset.AssetId, """{"model":"x"}""", null))
                await none.ReadProblem((HttpStatusCode)428, "resource.precondition_required");
            using (var transition = await AssetApi.TransitionAsync(fsp, asset.AssetId, "decommission", new DecommissionAssetRequest { Reason = "x" }, "*"))
                await transition.ReadProblem((HttpStatusCode)428, "resource.precondition_required");
            var (after, _) = await AssetApi.ReadAsync(fsp, asset.AssetId);
            Assert.Equal((1L, asset.Model), (after.Version, after.Model));
        }
    }

    [Fact]
    public async Task BUC2_Step7_BadPatches_AreClearProblems_ListingEveryField_AndChangeNothing()
    {
        var (_, fsp) = await app.RegisterActiveAsync();
        using (fsp)
        {
            var (asset, etag) = await AssetApi.RegisterAsync(fsp);
            var cases = new (string Body, HttpStatusCode Status, string Code, string[] Fields)[]
            {
                // Unknown fields, top level and inside an object: every one named.
                ("""{"colour":"red","address":{"flat":"2"}}""", HttpStatusCode.BadRequest, "asset.field_unknown", ["address.flat", "colour"]),
                // Read-only fields (server-owned, or identity that never changes), with an unknown one beside them.
                ("""{"version":9,"registrantId":"FRP-X","dataStatus":"confirmed","colour":"red"}""", HttpStatusCode.BadRequest, "asset.field_not_patchable",
                    ["colour", "dataStatus", "registrantId", "version"]),
                ("""{"type":"heat-pump"}""", HttpStatusCode.BadRequest, "asset.field_not_patchable", ["type"]),
                // Malformed merge patches: not JSON, not an object, a value of the wrong kind.
                ("""{"model":""", HttpStatusCode.BadRequest, "request.malformed_json", []),
                ("""["model","x"]""", HttpStatusCode.BadRequest, "request.malformed_json", []),
                ("""{"importCapacityKw":"lots"}""", HttpStatusCode.BadRequest, "request.malformed_json", []),
                // Well-formed but invalid: every broken rule at once.
                ("""{"address":{"postcode":"NOT A POSTCODE"},"commissioningDate":"2999-01-01"}""", HttpStatusCode.UnprocessableEntity, "asset.validation_failed",
                    ["address.postcode", "commissioningDate"]),
            };
            foreach (var (body, status, code, fields) in cases)
            {
                using var response = await AssetApi.PatchAsync(fsp, asset.AssetId, body, etag);
                var problem = await response.ReadProblem(status, code);
                if (fields.Length > 0)
                    Assert.Equal(fields, problem.Errors!.Select(e => e.Field).Order(StringComparer.Ordinal));
            }
            using (var wrongMediaType = await fsp.PatchAsync($"/api/v1/assets/{asset.AssetId}", JsonContent.Create(new { model = "x" })))
                await wrongMediaType.ReadProblem(HttpStatusCode.UnsupportedMediaType, "request.unsupported_media_type");

            var (after, afterTag) = await AssetApi.ReadAsync(fsp, asset.AssetId);
            Assert.Equal((1L, etag, asset.Model), (after.Version, afterTag, after.Model));
            Assert.Single((await AssetApi.HistoryAsync(fsp, asset.AssetId)).Items);
            // A patch that changes nothing makes no version.
            var (same, sameTag) = await AssetApi.PatchOkAsync(fsp, asset.AssetId, $$"""{"model":" {{asset.Model}} ","importCapacityKw":7.40}""", etag);
            Assert.Equal((1L, etag), (same.Version, sameTag));
        }
    }

    /// <summary>
    /// The lost-update test: 32 writers each make 100 read-modify-write increments of one counter on one asset (the house
    /// number of its address), each based on the last version it saw — from its own success or from a 412. Whatever the
    /// interleaving: successes = final version − initial version, the counter grew by exactly the successes, and every
    /// success is in the history as the version it was answered with, with exactly the value it wrote.
    /// </summary>
    [Fact]
    public async Task BUC2_Step7b_ThirtyTwoWritersTimesAHundredReadModifyWrites_LoseNoUpdate()
    {
        const int writers = 32, rounds = 100;
        var (_, fsp) = await app.RegisterActiveAsync();
        using (fsp)
        {
            var (initial, initialTag) = await AssetApi.RegisterAsync(fsp, TestData.Chargepoint() with
            {
                Address = new AssetAddressDto { Line1 = "0 Mill Lane", Town = "Cambridge", Postcode = TestData.Postcode() },
            });
            var successes = new ConcurrentBag<(int Writer, long Version, string Line1)>();
            var refusals = 0;
            await Task.WhenAll(Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
            {
                var (seen, tag) = (initial, initialTag);
                for (var i = 0; i < rounds; i++)
                {
                    // Read-modify-write: the next house number after the one this writer last saw.
                    var number = int.Parse(seen.Address!.Line1!.Split(' ')[0], CultureInfo.InvariantCulture) + 1;
                    var line1 = $"{number} Mill Lane";
                    using var response = await AssetApi.PatchAsync(fsp, initial.AssetId, $$$"""{"address":{"line1":"{{{line1}}}"}}""", tag);
                    var body = await response.Content.ReadAsStringAsync();
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        seen = JsonSerializer.Deserialize<AssetResponse>(body, ApiExtensions.Json)!;
                        successes.Add((w, seen.Version!.Value, line1));
                    }
                    else
                    {
                        Assert.True(response.StatusCode == HttpStatusCode.PreconditionFailed, $"writer {w}: {(int)response.StatusCode} {body}");
                        Interlocked.Increment(ref refusals);
                        // The 412 carries the version to reconcile against: no extra read.
                        using var problem = JsonDocument.Parse(body);
                        seen = problem.RootElement.GetProperty("current").Deserialize<AssetResponse>(ApiExtensions.Json)!;
                    }
                    tag = response.Headers.ETag!.Tag;
                }
            }))).WaitAsync(TimeSpan.FromMinutes(8), TestContext.Current.CancellationToken);

            var (final, _) = await AssetApi.ReadAsync(fsp, initial.AssetId);
            Assert.Equal(writers * rounds, successes.Count + refusals);
            Assert.False(successes.IsEmpty);
            Assert.Equal(successes.Count, final.Version - initial.Version);
            Assert.Equal($"{successes.Count} Mill Lane", final.Address!.Line1);
            Assert.Equal(successes.Count, successes.Select(s => s.Version).Distinct().Count());

            var history = new List<AssetHistoryEntry>();
            string? cursor = null;
            do
            {
                var page = await AssetApi.HistoryAsync(fsp, initial.AssetId, "?limit=1000" + (cursor is null ? "" : "&after=" + cursor));
                history.AddRange(page.Items);
                cursor = page.NextCursor;
            }
            while (cursor is not null);
            Assert.Equal(Enumerable.Range(1, (int)final.Version!.Value).Select(v => (long)v), history.Select(h => h.Version));
            var written = history.Where(h => h.Version > initial.Version).ToDictionary(h => h.Version,
                h => Assert.Single(h.Changes, c => c.Field == "address.line1").New.GetString());
            Assert.All(successes, s => Assert.Equal(s.Line1, written[s.Version]));
        }
    }
}

public sealed class AssetConcurrencyTests_Sqlite(SqliteApp app) : AssetConcurrencyTests(app), IClassFixture<SqliteApp>;

public sealed class AssetConcurrencyTests_Postgres(PostgresApp app) : AssetConcurrencyTests(app), IClassFixture<PostgresApp>;
