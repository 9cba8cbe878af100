using System.Net;
using System.Net.Http.Json;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Tests.Infrastructure;

namespace FlexRegistry.Tests.Assets;

/// <summary>
/// BUC.2 step 7, lifecycle changes: each transition of the published table, and the refused ones. Every transition is a
/// new version in the history, an event to every party and an audit record.
/// </summary>
public abstract class AssetLifecycleTests(RegistryApp app)
{
    [Fact]
    public async Task BUC2_Step7_TheLifecycleTable_IsPublished_AndEveryTransitionHasItsRouteAndEvent()
    {
        var (_, fsp) = await app.RegisterActiveAsync();
        using (fsp)
        {
            var table = await (await fsp.GetAsync("/api/v1/reference/asset-lifecycle")).Read<List<LifecycleTransitionDto>>();
            Assert.Equal(["commission", "change-owner", "move-meter-point", "upgrade", "decommission", "merge"], table.Select(t => t.Code));
            var types = await (await fsp.GetAsync("/api/v1/events/types")).Content.ReadAsStringAsync();
            var (asset, _) = await AssetApi.RegisterAsync(fsp);
            foreach (var transition in table)
            {
                Assert.Contains(transition.Event, types, StringComparison.Ordinal);
                Assert.NotEmpty(transition.Roles);
                Assert.NotEmpty(transition.From);
                if (transition.Endpoint.StartsWith($"POST /api/v1/assets/{{id}}/{transition.Code}", StringComparison.Ordinal))
                {
                    // The route exists and asks for the version the change is based on.
                    using var response = await AssetApi.TransitionAsync(fsp, asset.AssetId, transition.Code, new { reason = "probe" }, null);
                    await response.ReadProblem((HttpStatusCode)428, "resource.precondition_required");
                }
            }
            Assert.Equal(4, table.Count(t => t.Endpoint.StartsWith("POST /api/v1/assets/{id}/", StringComparison.Ordinal)));
        }
    }

    [Fact]
    public async Task BUC2_Step7_ChangeOfOwner_TheNewConsentReplacesTheOld_TheOwnersSwap_AndEveryPartyIsTold()
    {
        var (fsp, fspClient) = await AssetApi.ParticipantAsync(app, "fsp");
        var (oldOwner, oldClient) = await AssetApi.ParticipantAsync(app, "flex-owner");
        var (newOwner, newClient) = await AssetApi.ParticipantAsync(app, "flex-owner");
        var (installer, installerClient) = await AssetApi.ParticipantAsync(app, "installer");
        using (fspClient)
        using (oldClient)
        using (newClient)
        using (installerClient)
        {
            var (asset, _) = await AssetApi.RegisterAsync(fspClient);
            await AssetApi.AttachAsync(fspClient, oldClient, oldOwner, asset.AssetId, "owner");
            await AssetApi.AttachAsync(fspClient, installerClient, installer, asset.AssetId, "installer");
            var (_, etag) = await AssetApi.ReadAsync(oldClient, asset.AssetId);
            var consent = AssetApi.Consent("NEW-OWNER-CONSENT");

            // Refused: an installer does not change the owner; consent evidence is required; the new owner must hold flex-owner.
            using (var byInstaller = await AssetApi.TransitionAsync(installerClient, asset.AssetId, "change-owner",
                       new ChangeOwnerRequest { NewOwnerId = newOwner, OwnerConsent = consent }, etag))
                await byInstaller.ReadProblem(HttpStatusCode.Forbidden, "asset.transition_not_allowed");
            using (var noConsent = await AssetApi.TransitionAsync(oldClient, asset.AssetId, "change-owner",
                       new ChangeOwnerRequest { NewOwnerId = newOwner, OwnerConsent = new OwnerConsentDto { Reference = "X" } }, etag))
            {
                var problem = await noConsent.ReadProblem(HttpStatusCode.UnprocessableEntity, "asset.lifecycle_request_invalid");
                Assert.Equal(["ownerConsent.date", "ownerConsent.method"], problem.Errors!.Select(e => e.Field).Order());
            }
            using (var notAnOwner = await AssetApi.TransitionAsync(oldClient, asset.AssetId, "change-owner",
                       new ChangeOwnerRequest { NewOwnerId = installer, OwnerConsent = consent }, etag))
                await notAnOwner.ReadProblem(HttpStatusCode.UnprocessableEntity, "asset.lifecycle_request_invalid");

            var (changed, _) = await AssetApi.TransitionOkAsync(oldClient, asset.AssetId, "change-owner",
                new ChangeOwnerRequest { NewOwnerId = newOwner, OwnerConsent = consent, Reason = "House sold" }, etag);
            Assert.Equal(("NEW-OWNER-CONSENT", oldOwner, 2L), (changed.OwnerConsent!.Reference, changed.Provenance!["consent"].DeclaredBy, changed.Version));

            // The new owner reads and writes it now; the old one no longer sees it.
            var (seen, _) = await AssetApi.ReadAsync(newClient, asset.AssetId);
            Assert.Equal(asset.AssetId, seen.AssetId);
            await (await oldClient.GetAsync($"/api/v1/assets/{asset.AssetId}")).ReadProblem(HttpStatusCode.NotFound, "asset.not_found");
            var parties = await (await fspClient.GetAsync($"/api/v1/assets/{asset.AssetId}/parties?includeEnded=true")).Read<Page<AssetPartyResponse>>();
            Assert.Equal(newOwner, Assert.Single(parties.Items, p => p.Role == "owner" && p.Status == "active").ParticipantId);
            Assert.Single(parties.Items, p => p.Role == "owner" && p.Status == "ended" && p.ParticipantId == oldOwner);

            var events = await AssetApi.EventsAsync(app, asset.AssetId);
            var ownerChanged = Assert.Single(events, e => e.Type == "flexregistry.asset.owner_changed");
            Assert.All(new[] { fsp, oldOwner, newOwner, installer }, p => Assert.Contains($" {p} ", ownerChanged.Audience, StringComparison.Ordinal));
            Assert.Single(events, e => e.Type == "flexregistry.asset.party_detached" && e.Data.Contains(oldOwner, StringComparison.Ordinal));
            var entry = (await AssetApi.HistoryAsync(fspClient, asset.AssetId)).Items[^1];
            Assert.Equal(("asset.owner_changed", "House sold", oldOwner), (entry.Action, entry.Reason, entry.ParticipantId));
            Assert.Contains(entry.Changes, c => c.Field == "ownerConsent.reference" && c.New.GetString() == "NEW-OWNER-CONSENT");
            var audit = await (await fspClient.GetAsync($"/api/v1/audit?resource={asset.AssetId}")).Read<Page<AuditRecordResponse>>();
            Assert.Contains(audit.Items, r => r.Action == "asset.change_owner" && r.ActorParticipantId == oldOwner);
        }
    }

    [Fact]
    public async Task BUC2_Step7_MoveToANewMpan_TheExactKeyMovesWithTheAsset_AndStaysUnique()
    {
        var (_, fsp) = await app.RegisterActiveAsync();
        using (fsp)
        {
            var serial = TestData.Serial();
            var (a, aTag) = await AssetApi.RegisterAsync(fsp, TestData.Chargepoint(mpan: TestData.Mpan(12), serial: serial));
            // Another maker's device with the same serial at another meter point: a different asset.
            var (b, bTag) = await AssetApi.RegisterAsync(fsp, TestData.Chargepoint(mpan: TestData.Mpan(12), serial: serial) with { Manufacturer = "Hypervolt" });

            // B cannot move onto A's meter point: it would be the same device type and serial there (409 naming A); nothing changes.
            using (var clash = await AssetApi.TransitionAsync(fsp, b.AssetId, "move-meter-point", new MoveMeterPointRequest { Mpan = a.Mpan }, bTag))
                Assert.Equal(a.AssetId, (await clash.ReadProblem(HttpStatusCode.Conflict, "asset.duplicate")).ExistingAssetId);
            Assert.Equal(1, (await AssetApi.ReadAsync(fsp, b.AssetId)).Asset.Version);
            // Bad input: a malformed MPAN is a validation problem, and the same MPAN again is no move.
            using (var invalid = await AssetApi.TransitionAsync(fsp, a.AssetId, "move-meter-point", new MoveMeterPointRequest { Mpan = "1234" }, aTag))
                Assert.Equal("mpan", Assert.Single((await invalid.ReadProblem(HttpStatusCode.UnprocessableEntity, "asset.validation_failed")).Errors!).Field);
            using (var same = await AssetApi.TransitionAsync(fsp, a.AssetId, "move-meter-point", new MoveMeterPointRequest { Mpan = a.Mpan }, aTag))
                await same.ReadProblem(HttpStatusCode.UnprocessableEntity, "asset.lifecycle_request_invalid");

            // A moves to a new MPAN in another DNO area: the key and the area move with it, the ID stays.
            var newMpan = TestData.Mpan(14);
            var (moved, _) = await AssetApi.TransitionOkAsync(fsp, a.AssetId, "move-meter-point", new MoveMeterPointRequest { Mpan = newMpan, Reason = "Meter exchange" }, aTag);
            Assert.Equal((a.AssetId, newMpan, 2L, "provisional"), (moved.AssetId, moved.Mpan, moved.Version, moved.DataStatus));
            Assert.NotEqual(a.DnoArea, moved.DnoArea);
            // Its old meter point is free for B now; its new one is taken.
            var (bMoved, _) = await AssetApi.TransitionOkAsync(fsp, b.AssetId, "move-meter-point", new MoveMeterPointRequest { Mpan = a.Mpan }, bTag);
            Assert.Equal(a.Mpan, bMoved.Mpan);
            using var taken = await fsp.PostAsJsonAsync("/api/v1/assets", TestData.Chargepoint(mpan: newMpan, serial: serial) with { Manufacturer = "EO Charging" });
            Assert.Equal(a.AssetId, (await taken.ReadProblem(HttpStatusCode.Conflict, "asset.duplicate")).ExistingAssetId);

            var entry = (await AssetApi.HistoryAsync(fsp, a.AssetId)).Items[^1];
            Assert.Equal(("asset.meter_point_moved", "Meter exchange"), (entry.Action, entry.Reason));
            Assert.Contains(entry.Changes, c => c.Field == "mpan" && c.Old.GetString() == a.Mpan && c.New.GetString() == newMpan);
            Assert.Single(await AssetApi.EventsAsync(app, a.AssetId), e => e.Type == "flexregistry.asset.meter_point_moved");
        }
    }

    [Fact]
    public async Task BUC2_Step7_Upgrade_ChangesTheCapacity_AndTheTechnicalDataIsProvisionalUntilReconfirmed()
    {
        var (fsp, client) = await app.RegisterActiveAsync();
        using (client)
        {
            var (asset, etag) = await AssetApi.RegisterAsync(client);
            // Once commissioned, capacities and meter points change through their transitions, not a PATCH.
            using (var patch = await AssetApi.PatchAsync(client, asset.AssetId, """{"importCapacityKw":22}""", etag))
            {
                var body = await patch.Content.ReadAsStringAsync();
                Assert.Equal("importCapacityKw", Assert.Single((await patch.ReadProblem(HttpStatusCode.Conflict, "asset.transition_required")).Errors!).Field);
                Assert.Contains("\"transition\":\"upgrade\"", body, StringComparison.Ordinal);
            }
            using (var mpan = await AssetApi.PatchAsync(client, asset.AssetId, $$"""{"mpan":"{{TestData.Mpan()}}"}""", etag))
            {
                var body = await mpan.Content.ReadAsStringAsync();
                await mpan.ReadProblem(HttpStatusCode.Conflict, "asset.transition_required");
                Assert.Contains("\"transition\":\"move-meter-point\"", body, StringComparison.Ordinal);
            }
            using (var empty = await AssetApi.TransitionAsync(client, asset.AssetId, "upgrade", new UpgradeAssetRequest(), etag))
            {
                var problem = await empty.ReadProblem(HttpStatusCode.UnprocessableEntity, "asset.lifecycle_request_invalid");
                Assert.Equal(["importCapacityKw", "reason"], problem.Errors!.Select(e => e.Field).Order());
            }
            using (var outOfBounds = await AssetApi.TransitionAsync(client, asset.AssetId, "upgrade", new UpgradeAssetRequest { ImportCapacityKw = 90000m, Reason = "x" }, etag))
                await outOfBounds.ReadProblem(HttpStatusCode.UnprocessableEntity, "asset.validation_failed");

            var (upgraded, _) = await AssetApi.TransitionOkAsync(client, asset.AssetId, "upgrade",
                new UpgradeAssetRequest { ImportCapacityKw = 22m, Reason = "Three-phase charger fitted" }, etag);
            Assert.Equal((22m, "provisional", fsp.ParticipantId, 2L), (upgraded.ImportCapacityKw, upgraded.DataStatus, upgraded.Provenance!["technical"].DeclaredBy, upgraded.Version));
            var entry = (await AssetApi.HistoryAsync(client, asset.AssetId)).Items[^1];
            Assert.Equal(("asset.upgraded", "Three-phase charger fitted"), (entry.Action, entry.Reason));
            var change = Assert.Single(entry.Changes, c => c.Field == "importCapacityKw");
            Assert.Equal((7.4m, 22m), (change.Old.GetDecimal(), change.New.GetDecimal()));

            // A planned asset is not upgraded: it is still being declared, and a PATCH changes it.
            var (planned, plannedTag) = await AssetApi.RegisterAsync(client, AssetApi.Planned());
            using var notYet = await AssetApi.TransitionAsync(client, planned.AssetId, "upgrade", new UpgradeAssetRequest { ImportCapacityKw = 22m, Reason = "x" }, plannedTag);
            await notYet.ReadProblem(HttpStatusCode.Conflict, "asset.invalid_status_transition");
        }
    }

    [Fact]
    public async Task BUC2_Step7_Decommission_KeepsTheId_LeavesDefaultSearches_AndRefusesFurtherChangesAndParties()
    {
        var (fsp, client) = await AssetApi.ParticipantAsync(app, "fsp");
        var (_, installerClient) = await AssetApi.ParticipantAsync(app, "installer");
        using (client)
        using (installerClient)
        {
            var request = TestData.Chargepoint();
            var (asset, etag) = await AssetApi.RegisterAsync(client, request);
            var (kept, _) = await AssetApi.RegisterAsync(client);
            using (var noReason = await AssetApi.TransitionAsync(client, asset.AssetId, "decommission", new DecommissionAssetRequest(), etag))
                Assert.Equal("reason", Assert.Single((await noReason.ReadProblem(HttpStatusCode.UnprocessableEntity, "asset.lifecycle_request_invalid")).Errors!).Field);

            var (gone, goneTag) = await AssetApi.TransitionOkAsync(client, asset.AssetId, "decommission", new DecommissionAssetRequest { Reason = "Charger scrapped" }, etag);
            Assert.Equal(("decommissioned", 2L, asset.AssetId), (gone.Status, gone.Version, gone.AssetId));

            // It keeps its ID (and its data) for its parties, but default searches leave it out.
            var (read, _) = await AssetApi.ReadAsync(client, asset.AssetId);
            Assert.Equal(("decommissioned", request.Mpan), (read.Status, read.Mpan));
            var search = await (await client.GetAsync("/api/v1/assets")).Read<Page<AssetSummary>>();
            Assert.DoesNotContain(search.Items, i => i.AssetId == asset.AssetId);
            Assert.Contains(search.Items, i => i.AssetId == kept.AssetId);

            // No further changes, transitions or parties.
            using (var patch = await AssetApi.PatchAsync(client, asset.AssetId, """{"model":"x"}""", goneTag))
                await patch.ReadProblem(HttpStatusCode.Conflict, "asset.invalid_status_transition");
            using (var again = await AssetApi.TransitionAsync(client, asset.AssetId, "decommission", new DecommissionAssetRequest { Reason = "again" }, goneTag))
                await again.ReadProblem(HttpStatusCode.Conflict, "asset.invalid_status_transition");
            using (var move = await AssetApi.TransitionAsync(client, asset.AssetId, "move-meter-point", new MoveMeterPointRequest { Mpan = TestData.Mpan() }, goneTag))
                await move.ReadProblem(HttpStatusCode.Conflict, "asset.invalid_status_transition");
            using (var claim = await installerClient.PostAsJsonAsync($"/api/v1/assets/{asset.AssetId}/parties", new AssetPartyRequest { Role = "installer", Evidence = request.Mpan }))
                await claim.ReadProblem(HttpStatusCode.Conflict, "asset.invalid_status_transition");

            var entry = (await AssetApi.HistoryAsync(client, asset.AssetId)).Items[^1];
            Assert.Equal(("asset.decommissioned", "Charger scrapped", fsp), (entry.Action, entry.Reason, entry.ParticipantId));
            var decommissioned = Assert.Single(await AssetApi.EventsAsync(app, asset.AssetId), e => e.Type == "flexregistry.asset.decommissioned");
            Assert.Contains($" {fsp} ", decommissioned.Audience, StringComparison.Ordinal);
            var audit = await (await client.GetAsync($"/api/v1/audit?resource={asset.AssetId}")).Read<Page<AuditRecordResponse>>();
            Assert.Contains(audit.Items, r => r.Action == "asset.decommission");
        }
    }

    [Fact]
    public async Task BUC2_Step7_ATransitionOutsideTheWritersRoles_IsRefused_AndChangesNothing()
    {
        var (_, fspClient) = await AssetApi.ParticipantAsync(app, "fsp");
        var (installer, installerClient) = await AssetApi.ParticipantAsync(app, "installer");
        var (_, stranger) = await AssetApi.ParticipantAsync(app, "fsp");
        using (fspClient)
        using (installerClient)
        using (stranger)
        {
            var (asset, etag) = await AssetApi.RegisterAsync(fspClient);
            await AssetApi.AttachAsync(fspClient, installerClient, installer, asset.AssetId, "installer");
            using (var byInstaller = await AssetApi.TransitionAsync(installerClient, asset.AssetId, "decommission", new DecommissionAssetRequest { Reason = "x" }, etag))
            {
                var problem = await byInstaller.ReadProblem(HttpStatusCode.Forbidden, "asset.transition_not_allowed");
                Assert.Contains("registrant", problem.Detail!, StringComparison.Ordinal);
            }
            // Someone with no role on the asset hears that it does not exist.
            using (var byStranger = await AssetApi.TransitionAsync(stranger, asset.AssetId, "decommission", new DecommissionAssetRequest { Reason = "x" }, etag))
                await byStranger.ReadProblem(HttpStatusCode.NotFound, "asset.not_found");
            Assert.Equal(("commissioned", 1L), ((await AssetApi.ReadAsync(fspClient, asset.AssetId)).Asset.Status, (await AssetApi.ReadAsync(fspClient, asset.AssetId)).Asset.Version));
        }
    }
}

public sealed class AssetLifecycleTests_Sqlite(SqliteApp app) : AssetLifecycleTests(app), IClassFixture<SqliteApp>;

public sealed class AssetLifecycleTests_Postgres(PostgresApp app) : AssetLifecycleTests(app), IClassFixture<PostgresApp>;
