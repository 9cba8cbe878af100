using System.Net;
using System.Text.Json;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Tests.Infrastructure;

namespace FlexRegistry.Tests.Assets;

/// <summary>BUC.2 step 7: every version of an asset is kept (who, when, which fields old → new, source) and "as of" reads return it as it was.</summary>
public abstract class AssetHistoryTests(RegistryApp app)
{
    [Fact]
    public async Task BUC2_Step7_History_KeepsEveryVersion_WithWhoWhenWhichFieldsOldToNewAndSource()
    {
        var (fsp, fspClient) = await AssetApi.ParticipantAsync(app, "fsp");
        var (owner, ownerClient) = await AssetApi.ParticipantAsync(app, "flex-owner");
        using (fspClient)
        using (ownerClient)
        {
            var (asset, etag) = await AssetApi.RegisterAsync(fspClient);
            await AssetApi.AttachAsync(fspClient, ownerClient, owner, asset.AssetId, "owner");
            var (v2, tag2) = await AssetApi.PatchOkAsync(ownerClient, asset.AssetId, """{"address":{"line1":"3 New Road","town":"Ely"}}""", etag);
            var (v3, _) = await AssetApi.PatchOkAsync(fspClient, asset.AssetId, """{"marketQualifications":["DFS"]}""", tag2);
            Assert.Equal((2L, 3L), (v2.Version, v3.Version));

            var history = await AssetApi.HistoryAsync(fspClient, asset.AssetId);
            Assert.Equal(asset.AssetId, history.AssetId);
            Assert.Equal(3, history.CurrentVersion);
            Assert.Null(history.NextCursor);
            Assert.Collection(history.Items,
                registered =>
                {
                    Assert.Equal((1L, "asset.registered", "party", fsp), (registered.Version, registered.Action, registered.Source, registered.ParticipantId));
                    Assert.Equal(asset.RegisteredAt, registered.At);
                    Assert.Equal(["registrant"], registered.Roles);
                },
                byOwner =>
                {
                    Assert.Equal((2L, "asset.updated", "party", owner), (byOwner.Version, byOwner.Action, byOwner.Source, byOwner.ParticipantId));
                    Assert.Equal(["owner"], byOwner.Roles);
                    Assert.Equal(v2.UpdatedAt, byOwner.At);
                    var line1 = Assert.Single(byOwner.Changes, c => c.Field == "address.line1");
                    Assert.Equal((asset.Address!.Line1, "3 New Road"), (line1.Old.GetString(), line1.New.GetString()));
                    var town = Assert.Single(byOwner.Changes, c => c.Field == "address.town");
                    Assert.Equal(("Cambridge", "Ely"), (town.Old.GetString(), town.New.GetString()));
                    // The location group is now declared by the owner.
                    var declared = Assert.Single(byOwner.Changes, c => c.Field == "provenance.location.declaredBy");
                    Assert.Equal((fsp, owner), (declared.Old.GetString(), declared.New.GetString()));
                },
                byFsp =>
                {
                    Assert.Equal((3L, fsp, "registrant"), (byFsp.Version, byFsp.ParticipantId, Assert.Single(byFsp.Roles)));
                    var q = Assert.Single(byFsp.Changes);
                    Assert.Equal("marketQualifications", q.Field);
                    Assert.Equal(JsonValueKind.Array, q.Old.ValueKind);
                    Assert.Equal(["DFS"], q.New.EnumerateArray().Select(e => e.GetString()));
                });

            // The owner reads the same history; the registry operator too; anyone else hears 404 as for a missing asset.
            Assert.Equal(3, (await AssetApi.HistoryAsync(ownerClient, asset.AssetId)).Items.Count);
            using var op = await app.OperatorAsync();
            Assert.Equal(3, (await AssetApi.HistoryAsync(op, asset.AssetId)).Items.Count);
            var (_, stranger) = await app.RegisterActiveAsync();
            using (stranger)
            {
                await (await stranger.GetAsync($"/api/v1/assets/{asset.AssetId}/history")).ReadProblem(HttpStatusCode.NotFound, "asset.not_found");
                await (await stranger.GetAsync($"/api/v1/assets/{asset.AssetId}?asOf={Uri.EscapeDataString(asset.RegisteredAt!.Value.ToString("O"))}"))
                    .ReadProblem(HttpStatusCode.NotFound, "asset.not_found");
            }
        }
    }

    [Fact]
    public async Task BUC2_Step7_HistoryAndAsOf_ShowEachPartyOnlyTheFieldGroupsTheVisibilityRuleShowsItToday()
    {
        var (_, fspClient) = await AssetApi.ParticipantAsync(app, "fsp");
        var (owner, ownerClient) = await AssetApi.ParticipantAsync(app, "flex-owner");
        var (installer, installerClient) = await AssetApi.ParticipantAsync(app, "installer");
        using (fspClient)
        using (ownerClient)
        using (installerClient)
        {
            var (asset, etag) = await AssetApi.RegisterAsync(fspClient);
            var (upgraded, _) = await AssetApi.TransitionOkAsync(fspClient, asset.AssetId, "upgrade",
                new UpgradeAssetRequest { ImportCapacityKw = 11m, Reason = "Upgraded after the survey" }, etag);
            await AssetApi.AttachAsync(fspClient, ownerClient, owner, asset.AssetId, "owner");
            await AssetApi.AttachAsync(fspClient, installerClient, installer, asset.AssetId, "installer");

            // The published rule decides: an owner (and an installer, who holds the owner's column) sees every group the
            // owner column shows; a change's reason belongs to the registrant's working notes ("registration").
            var rule = await (await fspClient.GetAsync("/api/v1/reference/visibility")).Read<VisibilityResponse>();
            var groups = rule.Resources.Single(r => r.Resource == "asset").FieldGroups;
            var withheldFromOwner = groups.Where(g => g.Access["owner"] != "shown").Select(g => g.Code).ToList();
            Assert.Contains("registration", withheldFromOwner);

            var full = await AssetApi.HistoryAsync(fspClient, asset.AssetId);
            Assert.Empty(full.WithheldGroups);
            var upgrade = full.Items.Single(i => i.Version == upgraded.Version);
            Assert.Equal("Upgraded after the survey", upgrade.Reason);
            foreach (var reader in new[] { ownerClient, installerClient })
            {
                var history = await AssetApi.HistoryAsync(reader, asset.AssetId);
                Assert.Equal(withheldFromOwner, history.WithheldGroups);
                Assert.Equal(full.Items.Select(i => i.Version), history.Items.Select(i => i.Version));
                var seen = history.Items.Single(i => i.Version == upgraded.Version);
                Assert.Null(seen.Reason);
                // The capacity change is technical data, which the owner column shows: it stays, old → new.
                Assert.Contains(seen.Changes, c => c.Field == "importCapacityKw" && c.New.GetDecimal() == 11m);
                Assert.All(history.Items.SelectMany(i => i.Changes), c => Assert.DoesNotContain(
                    groups.Single(g => g.Fields.Any(f => c.Field == f || c.Field.StartsWith(f + ".", StringComparison.Ordinal))).Code, withheldFromOwner));

                // An as-of read withholds the same groups as a read of the asset now.
                var asOf = await (await reader.GetAsync($"/api/v1/assets/{asset.AssetId}?asOf={Uri.EscapeDataString(upgraded.UpdatedAt!.Value.ToString("O"))}"))
                    .Read<AssetResponse>();
                Assert.Equal(withheldFromOwner, asOf.WithheldGroups);
                Assert.Equal((upgraded.Version, 11m, (string?)null), (asOf.Version, asOf.ImportCapacityKw, asOf.ConfirmationNote));
            }
        }
    }

    [Fact]
    public async Task BUC2_Step7_AsOf_ReturnsTheAssetAsItWasAtEachVersion()
    {
        var (_, fsp) = await app.RegisterActiveAsync();
        using (fsp)
        {
            var (v1, etag) = await AssetApi.RegisterAsync(fsp, AssetApi.Planned());
            await Task.Delay(20, TestContext.Current.CancellationToken);
            var (v2, tag2) = await AssetApi.PatchOkAsync(fsp, v1.AssetId,
                """{"status":"commissioned","commissioningDate":"2025-02-01","importCapacityKw":7.2}""", etag);
            await Task.Delay(20, TestContext.Current.CancellationToken);
            var newMpan = TestData.Mpan(14);
            var (v3, tag3) = await AssetApi.TransitionOkAsync(fsp, v1.AssetId, "move-meter-point", new MoveMeterPointRequest { Mpan = newMpan, Reason = "Meter exchanged" }, tag2);
            await Task.Delay(20, TestContext.Current.CancellationToken);
            var (v4, _) = await AssetApi.PatchOkAsync(fsp, v1.AssetId, """{"address":{"line1":"2 New Road"},"location":{"latitude":52.2,"longitude":0.12}}""", tag3);
            Assert.Equal(4, v4.Version);

            async Task<AssetResponse> AsOf(DateTimeOffset at)
            {
                using var response = await fsp.GetAsync($"/api/v1/assets/{v1.AssetId}?asOf={Uri.EscapeDataString(at.ToString("O"))}");
                Assert.False(response.Headers.Contains("ETag"), "A past version has no ETag: it cannot be changed.");
                return await response.Read<AssetResponse>();
            }

            // Each version, read back at its own instant and just before the next, equals what was answered then.
            foreach (var (expected, at) in new[] { (v1, v1.RegisteredAt), (v2, v2.UpdatedAt), (v3, v3.UpdatedAt), (v4, v4.UpdatedAt) })
            {
                var asOf = await AsOf(at!.Value);
                // The note of the last confirmation attempt is not versioned; the instants are stored to the microsecond.
                Assert.Equivalent(expected with { ConfirmationNote = null, UpdatedAt = default }, asOf with { ConfirmationNote = null, UpdatedAt = default }, strict: true);
                Assert.True((expected.UpdatedAt!.Value - asOf.UpdatedAt!.Value).Duration() < TimeSpan.FromMilliseconds(1));
            }
            var between = await AsOf(v2.UpdatedAt!.Value + (v3.UpdatedAt!.Value - v2.UpdatedAt!.Value) / 2);
            Assert.Equal((2L, "commissioned", v1.Mpan, 7.2m), (between.Version, between.Status, between.Mpan, between.ImportCapacityKw));
            Assert.Equal(v1.DnoArea, between.DnoArea);
            Assert.NotEqual(v1.DnoArea, v3.DnoArea); // the new MPAN is in another DNO area, derived again at the move
            var first = await AsOf(v1.RegisteredAt!.Value);
            Assert.Equal(("planned", v1.Address!.Line1, (LocationDto?)null), (first.Status, first.Address!.Line1, first.Location));
        }
    }

    [Theory]
    [InlineData("yesterday-ish", "asset.as_of_invalid")]
    [InlineData("2999-01-01T00:00:00Z", "asset.as_of_in_future")]
    [InlineData("2001-01-01T00:00:00Z", "asset.as_of_before_registration")]
    public async Task AsOf_OutsideTheAssetsLife_IsAClearProblem_AndNothingChanges(string asOf, string code)
    {
        var (_, fsp) = await app.RegisterActiveAsync();
        using (fsp)
        {
            var (asset, _) = await AssetApi.RegisterAsync(fsp);
            using var response = await fsp.GetAsync($"/api/v1/assets/{asset.AssetId}?asOf={Uri.EscapeDataString(asOf)}");
            var problem = await response.ReadProblem(HttpStatusCode.BadRequest, "asset.as_of_invalid");
            Assert.Equal(("asOf", code), (Assert.Single(problem.Errors!).Field, problem.Errors![0].Code));
            var (after, _) = await AssetApi.ReadAsync(fsp, asset.AssetId);
            Assert.Equal(1, after.Version);
        }
    }

    [Fact]
    public async Task History_CopiesEachStoredValueAsJson_StringsNumbersNullsAndArrays_AndAPageOfOneHoldsTheRegistration()
    {
        var (_, fsp) = await app.RegisterActiveAsync();
        using (fsp)
        {
            // Planned, so that its capacities change by patch (on a commissioned asset only through an upgrade).
            var (asset, etag) = await AssetApi.RegisterAsync(fsp, AssetApi.Planned());
            (_, etag) = await AssetApi.PatchOkAsync(fsp, asset.AssetId, """{"model":"Zappi \"2\" <é> & co","importCapacityKw":7.25}""", etag);
            var exportMpan = TestData.Mpan();
            (_, etag) = await AssetApi.PatchOkAsync(fsp, asset.AssetId, $$"""{"marketQualifications":["DFS","BM"],"exportMpan":"{{exportMpan}}"}""", etag);

            // The history as sent: each old and new value is the JSON the asset was written with, escaped as any other answer.
            using var response = await fsp.GetAsync($"/api/v1/assets/{asset.AssetId}/history");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
            var items = body.RootElement.GetProperty("items").EnumerateArray().ToList();
            Assert.Equal([1L, 2L, 3L], items.Select(i => i.GetProperty("version").GetInt64()));
            JsonElement Change(int item, string field) =>
                Assert.Single(items[item].GetProperty("changes").EnumerateArray(), c => c.GetProperty("field").GetString() == field);
            Assert.Equal((asset.Model, "Zappi \"2\" <é> & co"), (Change(1, "model").GetProperty("old").GetString(), Change(1, "model").GetProperty("new").GetString()));
            Assert.Equal(7.25m, Change(1, "importCapacityKw").GetProperty("new").GetDecimal());
            Assert.Equal(7.4m, Change(1, "importCapacityKw").GetProperty("old").GetDecimal());
            Assert.Equal((JsonValueKind.Null, exportMpan), (Change(2, "exportMpan").GetProperty("old").ValueKind, Change(2, "exportMpan").GetProperty("new").GetString()));
            Assert.Equal(["DFS", "BM"], Change(2, "marketQualifications").GetProperty("new").EnumerateArray().Select(e => e.GetString()));
            Assert.Equal(JsonValueKind.Array, items[0].GetProperty("changes").ValueKind);
            Assert.Empty(items[0].GetProperty("changes").EnumerateArray());
            Assert.Equal(JsonValueKind.Null, body.RootElement.GetProperty("nextCursor").ValueKind);

            // A page of one holds the registration alone and points past it; the next page starts at version 2.
            var first = await AssetApi.HistoryAsync(fsp, asset.AssetId, "?limit=1");
            Assert.Equal((1L, "1"), (Assert.Single(first.Items).Version, first.NextCursor));
            var second = await AssetApi.HistoryAsync(fsp, asset.AssetId, "?limit=1&after=1");
            Assert.Equal((2L, "2"), (Assert.Single(second.Items).Version, second.NextCursor));
        }
    }

    [Fact]
    public async Task History_IsPaged_OldestFirst_ByVersionCursor()
    {
        var (_, fsp) = await app.RegisterActiveAsync();
        using (fsp)
        {
            var (asset, etag) = await AssetApi.RegisterAsync(fsp);
            for (var i = 1; i <= 6; i++)
                (_, etag) = await AssetApi.PatchOkAsync(fsp, asset.AssetId, $$"""{"model":"zappi rev {{i}}"}""", etag);

            var seen = new List<long>();
            string? cursor = null;
            do
            {
                var page = await AssetApi.HistoryAsync(fsp, asset.AssetId, "?limit=3" + (cursor is null ? "" : "&after=" + cursor));
                Assert.True(page.Items.Count <= 3);
                seen.AddRange(page.Items.Select(i => i.Version));
                cursor = page.NextCursor;
            }
            while (cursor is not null);
            Assert.Equal([1L, 2L, 3L, 4L, 5L, 6L, 7L], seen);
            await (await fsp.GetAsync($"/api/v1/assets/{asset.AssetId}/history?limit=1001")).ReadProblem(HttpStatusCode.BadRequest, "request.validation_failed");
            await (await fsp.GetAsync($"/api/v1/assets/{asset.AssetId}/history?after=x")).ReadProblem(HttpStatusCode.BadRequest, "request.validation_failed");
        }
    }

    [Fact]
    public async Task BUC2_Step7_History_OfAnImportedAsset_NamesTheImportAsItsSource()
    {
        var (_, fsp) = await app.RegisterActiveAsync();
        using (fsp)
        {
            var row = TestData.Chargepoint();
            using var upload = await AssetImportTests.PostAsync(fsp, JsonSerializer.Serialize(row, ApiExtensions.Json) + "\n", "application/x-ndjson");
            var started = await upload.Read<AssetImportStatus>(HttpStatusCode.Accepted);
            await AssetImportTests.WaitAsync(fsp, started.ImportId);
            var results = await AssetImportTests.ResultsAsync(fsp, started.ImportId);
            var assetId = Assert.Single(results).AssetId!;
            var history = await AssetApi.HistoryAsync(fsp, assetId);
            var registered = Assert.Single(history.Items);
            Assert.Equal(("asset.registered", "import", 1L), (registered.Action, registered.Source, registered.Version));
        }
    }
}

public sealed class AssetHistoryTests_Sqlite(SqliteApp app) : AssetHistoryTests(app), IClassFixture<SqliteApp>;

public sealed class AssetHistoryTests_Postgres(PostgresApp app) : AssetHistoryTests(app), IClassFixture<PostgresApp>;
