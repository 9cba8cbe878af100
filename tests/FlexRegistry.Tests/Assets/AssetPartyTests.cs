using System.Net;
using System.Net.Http.Json;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Tests.Infrastructure;

namespace FlexRegistry.Tests.Assets;

/// <summary>
/// BUC.2 steps 1c, 7a and 7c: an asset's data comes from several access points — the registrant FSP, its owner, its
/// installer — each a participant attached in a role, each writing through the same rules, and the asset keeps its
/// one ID.
/// </summary>
public abstract class AssetPartyTests(RegistryApp app)
{
    [Fact]
    public async Task BUC2_Step1c_InstallerClaimsAPlannedAsset_TheRegistrantAccepts_TheInstallerCommissionsIt_UnderTheSameId()
    {
        var (fsp, fspClient) = await AssetApi.ParticipantAsync(app, "fsp");
        var (installer, installerClient) = await AssetApi.ParticipantAsync(app, "installer");
        using (fspClient)
        using (installerClient)
        {
            var request = AssetApi.Planned();
            var (asset, _) = await AssetApi.RegisterAsync(fspClient, request);

            // The installer names the device (its MPAN) and claims the installer role; until accepted it sees nothing.
            var claim = await AssetApi.RequestPartyAsync(installerClient, asset.AssetId, new AssetPartyRequest { Role = "installer", Evidence = request.Mpan });
            Assert.Equal(("pending", "claim", installer, installer), (claim.Status, claim.Initiative, claim.ParticipantId, claim.RequestedBy));
            await (await installerClient.GetAsync($"/api/v1/assets/{asset.AssetId}")).ReadProblem(HttpStatusCode.NotFound, "asset.not_found");
            // It is told the claim waits; the registrant sees it among the asset's parties.
            var parties = await (await fspClient.GetAsync($"/api/v1/assets/{asset.AssetId}/parties")).Read<Page<AssetPartyResponse>>();
            Assert.Contains(parties.Items, p => p.PartyId == claim.PartyId && p.Status == "pending");
            Assert.Contains(parties.Items, p => p.ParticipantId == fsp && p.Role == "registrant");
            // An installer cannot accept its own claim.
            using (var self = await AssetApi.DecideAsync(installerClient, asset.AssetId, claim.PartyId!, "accept", new AcceptAssetPartyRequest()))
                await self.ReadProblem(HttpStatusCode.Forbidden, "asset.party_decision_not_allowed");

            using (var accepted = await AssetApi.DecideAsync(fspClient, asset.AssetId, claim.PartyId!, "accept", new AcceptAssetPartyRequest()))
                Assert.Equal("active", (await accepted.Read<AssetPartyResponse>()).Status);

            // The same asset, the same ID, now read and written from the installer's access point: it commissions it.
            var (seen, etag) = await AssetApi.ReadAsync(installerClient, asset.AssetId);
            Assert.Equal(asset.AssetId, seen.AssetId);
            var (commissioned, tag2) = await AssetApi.PatchOkAsync(installerClient, asset.AssetId,
                """{"status":"commissioned","commissioningDate":"2025-03-03","importCapacityKw":7.2,"serialNumber":"INSTALLED-1"}""", etag);
            Assert.Equal(("commissioned", 7.2m, asset.AssetId), (commissioned.Status, commissioned.ImportCapacityKw, commissioned.AssetId));
            Assert.Equal(installer, commissioned.Provenance!["technical"].DeclaredBy);

            // Its technical data is written at commissioning only: afterwards the installer is refused (and an upgrade is how it changes).
            using (var late = await AssetApi.PatchAsync(installerClient, asset.AssetId, """{"importCapacityKw":7.0}""", tag2))
            {
                var problem = await late.ReadProblem(HttpStatusCode.Forbidden, "asset.field_not_owned");
                Assert.Equal("importCapacityKw", Assert.Single(problem.Errors!).Field);
            }
            var (upgraded, _) = await AssetApi.TransitionOkAsync(installerClient, asset.AssetId, "upgrade",
                new UpgradeAssetRequest { ImportCapacityKw = 11m, Reason = "Three-phase supply fitted" }, tag2);
            Assert.Equal(3, upgraded.Version);

            var history = await AssetApi.HistoryAsync(fspClient, asset.AssetId);
            Assert.Equal([("asset.commissioned", "installer"), ("asset.upgraded", "installer")], history.Items.Skip(1).Select(h => (h.Action, h.Roles.Single())));
            var events = await AssetApi.EventsAsync(app, asset.AssetId);
            var attached = Assert.Single(events, e => e.Type == "flexregistry.asset.party_attached");
            Assert.Contains($" {installer} ", attached.Audience, StringComparison.Ordinal);
            Assert.Contains($" {fsp} ", attached.Audience, StringComparison.Ordinal);
            // The commissioning and the upgrade reach every party: the registrant and the installer.
            Assert.All(events.Where(e => e.Type is "flexregistry.asset.commissioned" or "flexregistry.asset.upgraded"), e =>
            {
                Assert.Contains($" {installer} ", e.Audience, StringComparison.Ordinal);
                Assert.Contains($" {fsp} ", e.Audience, StringComparison.Ordinal);
            });
        }
    }

    [Fact]
    public async Task BUC2_Step1c_AClaimThatCannotNameTheDevice_IsAnsweredAsForAMissingAsset()
    {
        var (_, fspClient) = await AssetApi.ParticipantAsync(app, "fsp");
        var (_, installerClient) = await AssetApi.ParticipantAsync(app, "installer");
        using (fspClient)
        using (installerClient)
        {
            var request = TestData.Chargepoint();
            var (asset, _) = await AssetApi.RegisterAsync(fspClient, request);
            var missing = FlexRegistry.Assets.AssetId.New(FlexRegistry.Assets.AssetType.Find("ev-chargepoint")!).Value;
            foreach (var (id, evidence) in new[] { (asset.AssetId, (string?)null), (asset.AssetId, TestData.Mpan()), (asset.AssetId, "SN-WRONG"), (missing, request.Mpan) })
            {
                using var response = await installerClient.PostAsJsonAsync($"/api/v1/assets/{id}/parties", new AssetPartyRequest { Role = "installer", Evidence = evidence });
                await response.ReadProblem(HttpStatusCode.NotFound, "asset.not_found");
            }
            // The serial number, in any formatting, names it too.
            var claim = await AssetApi.RequestPartyAsync(installerClient, asset.AssetId,
                new AssetPartyRequest { Role = "installer", Evidence = " " + request.SerialNumber!.ToLowerInvariant().Replace("-", " ", StringComparison.Ordinal) });
            Assert.Equal("pending", claim.Status);
            // A second open claim for the same role is refused, naming the first.
            using var again = await installerClient.PostAsJsonAsync($"/api/v1/assets/{asset.AssetId}/parties", new AssetPartyRequest { Role = "installer", Evidence = request.Mpan });
            await again.ReadProblem(HttpStatusCode.Conflict, "asset.party_exists");
        }
    }

    [Fact]
    public async Task BUC2_Step7a_AHouseholdOwner_IsAttachedWithItsConsentEvidence_AndWritesItsOwnFieldGroupsOnly()
    {
        var (fsp, fspClient) = await AssetApi.ParticipantAsync(app, "fsp");
        var (owner, ownerClient) = await AssetApi.ParticipantAsync(app, "flex-owner", individual: true);
        var (_, otherFsp) = await AssetApi.ParticipantAsync(app, "fsp");
        using (fspClient)
        using (ownerClient)
        using (otherFsp)
        {
            var (asset, _) = await AssetApi.RegisterAsync(fspClient);
            // Only a holder of the flex-owner role can be an owner.
            using (var wrongRole = await fspClient.PostAsJsonAsync($"/api/v1/assets/{asset.AssetId}/parties",
                       new AssetPartyRequest { Role = "owner", ParticipantId = (await app.RegisterActiveAsync()).Registration.ParticipantId }))
                await wrongRole.ReadProblem(HttpStatusCode.UnprocessableEntity, "asset.party_invalid");
            var invitation = await AssetApi.RequestPartyAsync(fspClient, asset.AssetId, new AssetPartyRequest { Role = "owner", ParticipantId = owner });
            Assert.Equal(("pending", "invitation"), (invitation.Status, invitation.Initiative));
            // A household's attachment needs its consent evidence.
            using (var noConsent = await AssetApi.DecideAsync(ownerClient, asset.AssetId, invitation.PartyId!, "accept", new AcceptAssetPartyRequest()))
            {
                var problem = await noConsent.ReadProblem(HttpStatusCode.UnprocessableEntity, "asset.party_invalid");
                Assert.Equal("ownerConsent", Assert.Single(problem.Errors!).Field);
            }
            // Another FSP cannot answer the invitation (nor see it).
            using (var stranger = await AssetApi.DecideAsync(otherFsp, asset.AssetId, invitation.PartyId!, "accept", new AcceptAssetPartyRequest()))
                await stranger.ReadProblem(HttpStatusCode.NotFound, "asset.party_not_found");
            var consent = AssetApi.Consent();
            using (var accepted = await AssetApi.DecideAsync(ownerClient, asset.AssetId, invitation.PartyId!, "accept", new AcceptAssetPartyRequest { OwnerConsent = consent }))
            {
                var party = await accepted.Read<AssetPartyResponse>();
                Assert.Equal(("active", consent.Reference), (party.Status, party.OwnerConsent!.Reference));
                Assert.NotNull(party.From);
            }

            // The owner writes the location; the operational group is not its to write: refused whole, naming the group and the rule.
            var (_, etag) = await AssetApi.ReadAsync(ownerClient, asset.AssetId);
            using (var refused = await AssetApi.PatchAsync(ownerClient, asset.AssetId, """{"address":{"line1":"1 Owner Way"},"marketQualifications":["DFS"]}""", etag))
            {
                var problem = await refused.ReadProblem(HttpStatusCode.Forbidden, "asset.field_not_owned");
                var error = Assert.Single(problem.Errors!);
                Assert.Equal(("marketQualifications", "asset.field_not_owned"), (error.Field, error.Code));
                Assert.Contains("operational", error.Message, StringComparison.Ordinal);
                Assert.Contains("operating-fsp", error.Message, StringComparison.Ordinal);
            }
            var (unchanged, _) = await AssetApi.ReadAsync(fspClient, asset.AssetId);
            Assert.Equal((1L, asset.Address!.Line1), (unchanged.Version, unchanged.Address!.Line1));
            var (moved, _) = await AssetApi.PatchOkAsync(ownerClient, asset.AssetId, """{"address":{"line1":"1 Owner Way"}}""", etag);
            Assert.Equal(owner, moved.Provenance!["location"].DeclaredBy);

            // Detached by the registrant: dated, evented to both, and the owner loses its access point.
            using (var ended = await AssetApi.DecideAsync(fspClient, asset.AssetId, invitation.PartyId!, "end", new AssetPartyDecisionRequest { Reason = "Sold the house" }))
            {
                var party = await ended.Read<AssetPartyResponse>();
                Assert.Equal(("ended", "Sold the house"), (party.Status, party.EndReason));
                Assert.NotNull(party.EndedAt);
            }
            await (await ownerClient.GetAsync($"/api/v1/assets/{asset.AssetId}")).ReadProblem(HttpStatusCode.NotFound, "asset.not_found");
            var detached = Assert.Single(await AssetApi.EventsAsync(app, asset.AssetId), e => e.Type == "flexregistry.asset.party_detached");
            Assert.Contains($" {owner} ", detached.Audience, StringComparison.Ordinal);
            Assert.Contains($" {fsp} ", detached.Audience, StringComparison.Ordinal);
            var all = await (await fspClient.GetAsync($"/api/v1/assets/{asset.AssetId}/parties?includeEnded=true")).Read<Page<AssetPartyResponse>>();
            Assert.Contains(all.Items, p => p.PartyId == invitation.PartyId && p.Status == "ended");
        }
    }

    /// <summary>One owner at a time is a rule of the database: of many owner claims accepted at once exactly one wins.</summary>
    [Fact]
    public async Task BUC2_Step7a_ManyOwnerClaimsAcceptedAtOnce_LeaveExactlyOneOwner()
    {
        const int claimants = 12;
        var (_, fspClient) = await AssetApi.ParticipantAsync(app, "fsp");
        using (fspClient)
        {
            var request = TestData.Chargepoint();
            var (asset, _) = await AssetApi.RegisterAsync(fspClient, request);
            var claims = new List<AssetPartyResponse>();
            for (var i = 0; i < claimants; i++)
            {
                var (_, client) = await AssetApi.ParticipantAsync(app, "flex-owner");
                using (client)
                    claims.Add(await AssetApi.RequestPartyAsync(client, asset.AssetId, new AssetPartyRequest { Role = "owner", Evidence = request.Mpan }));
            }
            var answers = await Task.WhenAll(claims.Select(async c =>
            {
                using var response = await AssetApi.DecideAsync(fspClient, asset.AssetId, c.PartyId!, "accept", new AcceptAssetPartyRequest());
                var body = await response.Content.ReadAsStringAsync();
                return (response.StatusCode, body);
            }));
            Assert.Equal(1, answers.Count(a => a.StatusCode == HttpStatusCode.OK));
            Assert.All(answers.Where(a => a.StatusCode != HttpStatusCode.OK), a =>
            {
                Assert.Equal(HttpStatusCode.Conflict, a.StatusCode);
                Assert.True(a.body.Contains("asset.owner_exists", StringComparison.Ordinal) || a.body.Contains("resource.concurrency_conflict", StringComparison.Ordinal), a.body);
            });
            var parties = await (await fspClient.GetAsync($"/api/v1/assets/{asset.AssetId}/parties")).Read<Page<AssetPartyResponse>>();
            Assert.Single(parties.Items, p => p.Role == "owner" && p.Status == "active");
        }
    }

    [Fact]
    public async Task BUC2_Step7c_UpdatesFromEveryAccessPoint_KeepTheOneIdAndReachEveryParty()
    {
        var (fsp, fspClient) = await AssetApi.ParticipantAsync(app, "fsp");
        var (owner, ownerClient) = await AssetApi.ParticipantAsync(app, "flex-owner");
        var (installer, installerClient) = await AssetApi.ParticipantAsync(app, "installer");
        using (fspClient)
        using (ownerClient)
        using (installerClient)
        {
            var (asset, _) = await AssetApi.RegisterAsync(fspClient, AssetApi.Planned());
            await AssetApi.AttachAsync(fspClient, ownerClient, owner, asset.AssetId, "owner");
            await AssetApi.AttachAsync(fspClient, installerClient, installer, asset.AssetId, "installer");

            var (_, etag) = await AssetApi.ReadAsync(ownerClient, asset.AssetId);
            (_, etag) = await AssetApi.PatchOkAsync(ownerClient, asset.AssetId, """{"ownerConsent":{"reference":"OWN-2"}}""", etag);
            (_, etag) = await AssetApi.PatchOkAsync(installerClient, asset.AssetId, """{"status":"commissioned","commissioningDate":"2025-01-10"}""", etag);
            var (last, _) = await AssetApi.PatchOkAsync(fspClient, asset.AssetId, """{"marketQualifications":["ESO Quick Reserve"]}""", etag);

            // One asset, one ID, one version sequence, whoever wrote.
            foreach (var client in new[] { fspClient, ownerClient, installerClient })
            {
                var (seen, _) = await AssetApi.ReadAsync(client, asset.AssetId);
                Assert.Equal((asset.AssetId, 4L, "OWN-2", "commissioned"), (seen.AssetId, seen.Version, seen.OwnerConsent!.Reference, seen.Status));
            }
            var history = await AssetApi.HistoryAsync(ownerClient, asset.AssetId);
            Assert.Equal([fsp, owner, installer, fsp], history.Items.Select(h => h.ParticipantId));
            var search = await (await fspClient.GetAsync("/api/v1/assets")).Read<Page<AssetSummary>>();
            Assert.Single(search.Items, i => i.AssetId == asset.AssetId);
            Assert.Equal(4, last.Version);

            // Each change reached every party, whichever access point it came from.
            var updates = (await AssetApi.EventsAsync(app, asset.AssetId)).Where(e => e.Type == "flexregistry.asset.updated").ToList();
            Assert.Equal(3, updates.Count);
            Assert.All(updates, e => Assert.All(new[] { fsp, owner, installer }, p => Assert.Contains($" {p} ", e.Audience, StringComparison.Ordinal)));
        }
    }
}

public sealed class AssetPartyTests_Sqlite(SqliteApp app) : AssetPartyTests(app), IClassFixture<SqliteApp>;

public sealed class AssetPartyTests_Postgres(PostgresApp app) : AssetPartyTests(app), IClassFixture<PostgresApp>;
