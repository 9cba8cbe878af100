using System.Net;
using System.Net.Http.Json;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Persistence;
using FlexRegistry.Tests.Infrastructure;
using FlexRegistry.Tests.Participants;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FlexRegistry.Tests.Reads;

/// <summary>
/// BUC.4 steps 4 and 6: data-sharing grants are honoured field by field — a named participant or a role, asset field
/// groups of named assets or all of the grantor's, commercial-information sections, one purpose, a validity period —
/// and revocation and expiry take effect on the very next request. Every read under a grant is access-logged.
/// </summary>
public abstract class GrantReadTests(RegistryApp app)
{
    [Fact]
    public async Task BUC4_Step4_ReadUnderAGrant_ShowsExactlyTheGrantedFields_ForTheGrantsPurposeOnly()
    {
        var (fspId, fsp) = await app.FspAsync();
        var (moId, mo) = await app.MarketOperatorAsync();
        using (fsp)
        using (mo)
        {
            var request = ReadTestData.FullChargepoint();
            var assetId = await fsp.RegisterAssetAsync(request);
            await fsp.GrantAsync(fspId, "asset.address", "qualification", grantee: moId);

            var granted = await mo.ReadAssetAsync(assetId, "qualification");
            Assert.Equal(request.Address!.Postcode, granted.Address!.Postcode);
            Assert.Equal(request.Location!.Latitude, granted.Location!.Latitude);
            Assert.Null(granted.Mpan); // identifiers: not granted
            Assert.Null(granted.OwnerConsent);
            Assert.Equal(["identifiers", "consent", "registration"], granted.WithheldGroups);

            // Another purpose: the grant does not cover it.
            var procurement = await mo.ReadAssetAsync(assetId, "procurement");
            Assert.Null(procurement.Address);
            Assert.Equal(["address", "identifiers", "consent", "registration"], procurement.WithheldGroups);

            var log = await fsp.AccessLogAsync($"/api/v1/assets/{assetId}/access-log");
            Assert.Equal([["identity", "technical", "coarse-location"], ["identity", "technical", "coarse-location", "address"]],
                log.Select(e => e.FieldGroups));
        }
    }

    [Fact]
    public async Task BUC4_Step4_GrantOfNamedAssets_CoversThoseOnly_AGrantToARole_CoversEveryHolder_AGranteeWithoutARoleFindsOnlyGrantedAssets()
    {
        var (fspId, fsp) = await app.FspAsync();
        var (moId, mo) = await app.MarketOperatorAsync();
        var (aggregatorId, aggregator) = await app.FspAsync();
        using (fsp)
        using (mo)
        using (aggregator)
        {
            var named = await fsp.RegisterAssetAsync(ReadTestData.FullChargepoint());
            var other = await fsp.RegisterAssetAsync(ReadTestData.FullChargepoint());
            await fsp.GrantAsync(fspId, "asset.identifiers", grantee: moId, assetIds: [named]);
            Assert.NotNull((await mo.ReadAssetAsync(named)).Mpan);
            Assert.Null((await mo.ReadAssetAsync(other)).Mpan);

            // A role grant: every market operator, including one registered after the grant.
            await fsp.GrantAsync(fspId, "asset.consent", role: "market-operator");
            var (_, later) = await app.MarketOperatorAsync();
            using (later)
                Assert.NotNull((await later.ReadAssetAsync(other)).OwnerConsent);

            // An FSP (no market role) granted identity of one asset finds that one, and nothing else of the grantor's.
            await fsp.GrantAsync(fspId, "asset.identity", "dispatch", grantee: aggregatorId, assetIds: [named]);
            var seen = await aggregator.ReadAssetAsync(named, "dispatch");
            Assert.Equal("Myenergi Ltd", seen.Manufacturer);
            Assert.Null(seen.Status);
            Assert.Equal(["technical", "coarse-location", "address", "identifiers", "consent", "registration"], seen.WithheldGroups);
            using (var notGranted = await aggregator.GetAsync($"/api/v1/assets/{other}?purpose=dispatch"))
                await notGranted.ReadProblem(HttpStatusCode.NotFound, "asset.not_found");
            using (var withoutPurpose = await aggregator.GetAsync($"/api/v1/assets/{named}"))
                await withoutPurpose.ReadProblem(HttpStatusCode.BadRequest, "read.purpose_required");
            var page = await (await aggregator.GetAsync("/api/v1/assets?purpose=dispatch&limit=200")).Read<Page<AssetSummary>>();
            var hit = Assert.Single(page.Items);
            Assert.Equal(named, hit.AssetId);
            Assert.Equal(fspId, hit.RegistrantId);
            Assert.Null(hit.DnoArea); // coarse location is not granted
            // A filter on a group it may not see never selects the asset.
            Assert.Empty((await (await aggregator.GetAsync("/api/v1/assets?purpose=dispatch&dnoArea=10")).Read<Page<AssetSummary>>()).Items);
            Assert.Empty((await (await aggregator.GetAsync("/api/v1/assets?purpose=dispatch&dnoArea=12")).Read<Page<AssetSummary>>()).Items);

            // Only one's own assets can be granted.
            var (_, stranger) = await app.FspAsync();
            using (stranger)
            {
                var theirs = await stranger.RegisterAssetAsync(ReadTestData.FullChargepoint());
                using var foreign = await fsp.PostAsJsonAsync($"/api/v1/participants/{fspId}/data-sharing-grants", new GiveGrantRequest
                {
                    GranteeParticipantId = moId,
                    Part = "asset.address",
                    Purpose = "procurement",
                    AssetIds = [theirs],
                    ExpiresAt = TimeProvider.System.GetUtcNow().AddDays(1),
                });
                Assert.Equal("grant.asset_unknown", Assert.Single((await foreign.ReadProblem(HttpStatusCode.BadRequest, "request.validation_failed")).Errors!).Code);
            }
        }
    }

    [Fact]
    public async Task BUC4_Step4_AReadJustAfterRevocation_IsRefused_AndJustAfterExpiry_Too()
    {
        var (fspId, fsp) = await app.FspAsync();
        var (moId, mo) = await app.MarketOperatorAsync();
        var (granteeId, grantee) = await app.FspAsync();
        using (fsp)
        using (mo)
        using (grantee)
        {
            var assetId = await fsp.RegisterAssetAsync(ReadTestData.FullChargepoint());
            var address = await fsp.GrantAsync(fspId, "asset.address", grantee: moId);
            Assert.NotNull((await mo.ReadAssetAsync(assetId)).Address);
            await fsp.RevokeAsync(fspId, address.GrantId);
            Assert.Null((await mo.ReadAssetAsync(assetId)).Address); // the very next request

            // A grantee with nothing but the grant: revoked, the asset is gone for it.
            var identity = await fsp.GrantAsync(fspId, "asset.identity", grantee: granteeId);
            await grantee.ReadAssetAsync(assetId);
            await fsp.RevokeAsync(fspId, identity.GrantId);
            using (var refused = await grantee.GetAsync($"/api/v1/assets/{assetId}?purpose=procurement"))
                await refused.ReadProblem(HttpStatusCode.NotFound, "asset.not_found");

            // Expiry: the same, at the instant it passes.
            var expiring = await fsp.GrantAsync(fspId, "asset.identity", grantee: granteeId);
            await grantee.ReadAssetAsync(assetId);
            await using (var scope = app.Services.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
                var id = Guid.Parse(expiring.GrantId);
                var past = TimeProvider.System.GetUtcNow().AddSeconds(-1);
                await db.DataSharingGrants.Where(g => g.Id == id).ExecuteUpdateAsync(g => g.SetProperty(x => x.ExpiresAt, past));
            }
            using (var expired = await grantee.GetAsync($"/api/v1/assets/{assetId}?purpose=procurement"))
                await expired.ReadProblem(HttpStatusCode.NotFound, "asset.not_found");
        }
    }

    [Fact]
    public async Task BUC4_Step6_MarketOperator_ReadsTheFspsPreAuthorisedCommercialInformation_ExactlyTheGrantedSections_AndTheFspSeesTheRead()
    {
        var (fspId, fsp) = await app.FspAsync();
        var (moId, mo) = await app.MarketOperatorAsync();
        var (_, otherMo) = await app.MarketOperatorAsync();
        using (fsp)
        using (mo)
        using (otherMo)
        {
            var information = CommercialInformationTests.ValidForFsp();
            await (await fsp.PutAsJsonAsync($"/api/v1/participants/{fspId}/commercial-information", information)).ShouldHave(HttpStatusCode.OK);
            var contacts = await fsp.GrantAsync(fspId, "commercial-information.contacts", "onboarding", grantee: moId);
            await fsp.GrantAsync(fspId, "commercial-information.insurance", "onboarding", grantee: moId);

            var read = await (await mo.GetAsync($"/api/v1/participants/{fspId}/commercial-information?purpose=onboarding")).Read<CommercialInformationResponse>();
            Assert.Equal(information.Contacts, read.Information.Contacts);
            Assert.Equal(information.Insurance, read.Information.Insurance);
            Assert.Null(read.Information.BankDetails);
            Assert.Null(read.Information.TradingNames);
            Assert.Null(read.Information.IcoRegistrationNumber);
            Assert.Null(read.UpdatedBy);
            Assert.Empty(read.Requirements);
            Assert.Equal(["commercial-information.trading-names", "commercial-information.bank-details", "commercial-information.ico-registration"],
                read.WithheldGroups);

            // Without the grant's purpose: a clear problem; another market operator: nothing, like a missing participant.
            using (var noPurpose = await mo.GetAsync($"/api/v1/participants/{fspId}/commercial-information"))
                await noPurpose.ReadProblem(HttpStatusCode.BadRequest, "read.purpose_required");
            using (var otherPurpose = await mo.GetAsync($"/api/v1/participants/{fspId}/commercial-information?purpose=settlement"))
                await otherPurpose.ReadProblem(HttpStatusCode.NotFound, "participant.not_found");
            using (var notGranted = await otherMo.GetAsync($"/api/v1/participants/{fspId}/commercial-information?purpose=onboarding"))
                await notGranted.ReadProblem(HttpStatusCode.NotFound, "participant.not_found");

            // The FSP sees the read, what was read and why.
            var entry = Assert.Single(await fsp.AccessLogAsync($"/api/v1/participants/{fspId}/access-log"));
            Assert.Equal(moId, entry.ReaderId);
            Assert.Equal("commercial_information.read", entry.Action);
            Assert.Equal("onboarding", entry.Purpose);
            Assert.Equal(["commercial-information.contacts", "commercial-information.insurance"], entry.FieldGroups);
            // Its audit trail names it too (the read concerned its data alone).
            var audit = await (await fsp.GetAsync($"/api/v1/audit?resource={entry.EntryId}")).Read<Page<AuditRecordResponse>>();
            Assert.Equal("access_log.commercial_information.read", Assert.Single(audit.Items).Action);

            // Revoked: the next read shows the section no more.
            await fsp.RevokeAsync(fspId, contacts.GrantId);
            var after = await (await mo.GetAsync($"/api/v1/participants/{fspId}/commercial-information?purpose=onboarding")).Read<CommercialInformationResponse>();
            Assert.Null(after.Information.Contacts);
            Assert.NotNull(after.Information.Insurance);
        }
    }

    [Fact]
    public async Task BUC4_Step4_GrantInput_PurposeAndAssetsAreChecked_EveryErrorAtOnce()
    {
        var (fspId, fsp) = await app.FspAsync();
        var (moId, mo) = await app.MarketOperatorAsync();
        using (fsp)
        using (mo)
        {
            using var invalid = await fsp.PostAsJsonAsync($"/api/v1/participants/{fspId}/data-sharing-grants", new GiveGrantRequest
            {
                GranteeParticipantId = moId,
                Part = "commercial-information.contacts",
                Purpose = "marketing",
                AssetIds = ["FRA-XX-NOTANID"],
                ExpiresAt = TimeProvider.System.GetUtcNow().AddDays(1),
            });
            var problem = await invalid.ReadProblem(HttpStatusCode.BadRequest, "request.validation_failed");
            Assert.Equal(["assetIds", "assetIds[0]", "purpose"], problem.Errors!.Select(e => e.Field).Order(StringComparer.Ordinal));
            Assert.Contains(problem.Errors!, e => e.Code == "grant.assets_not_applicable");
            Assert.Contains(problem.Errors!, e => e.Code == "read.purpose_unknown");

            // The same part for two purposes is two grants; the same part, purpose and assets again is one.
            await fsp.GrantAsync(fspId, "asset.address", "procurement", grantee: moId);
            await fsp.GrantAsync(fspId, "asset.address", "settlement", grantee: moId);
            using var again = await fsp.PostAsJsonAsync($"/api/v1/participants/{fspId}/data-sharing-grants", new GiveGrantRequest
            {
                GranteeParticipantId = moId,
                Part = "asset.address",
                Purpose = "procurement",
                ExpiresAt = TimeProvider.System.GetUtcNow().AddDays(1),
            });
            await again.ReadProblem(HttpStatusCode.Conflict, "participant.grant_exists");
        }
    }
}

public sealed class GrantReadTests_Sqlite(SqliteApp app) : GrantReadTests(app), IClassFixture<SqliteApp>;

public sealed class GrantReadTests_Postgres(PostgresApp app) : GrantReadTests(app), IClassFixture<PostgresApp>;
