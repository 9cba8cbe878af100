using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Tests.Events;
using FlexRegistry.Tests.Infrastructure;

namespace FlexRegistry.Tests.Market;

/// <summary>
/// The flex owner's view (seed 003: owners "lose track of who is representing their assets for which service"): a
/// householder proves control of an asset, or a registered flex owner signs in, and sees who operates it for what.
/// </summary>
public abstract class OwnerViewTests(RegistryApp app)
{
    private HttpClient Householder(string token)
    {
        var client = app.Anonymous();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("OwnerAccess", token);
        return client;
    }

    private async Task<HttpResponseMessage> ProveAsync(string? assetId, string? mpan, string? consentReference)
    {
        using var anonymous = app.Anonymous();
        return await anonymous.PostAsJsonAsync("/api/v1/owner-access", new OwnerAccessRequest { AssetId = assetId, Mpan = mpan, ConsentReference = consentReference });
    }

    [Fact]
    public async Task Householder_ProvesControl_SeesWhoOperatesItForWhatSinceWhen_ItsCommitmentsAndReaders_AndWithdrawsConsent()
    {
        var (fsp1Id, fsp1) = await app.RegisterActiveAsync();
        var (fsp2Id, fsp2) = await app.RegisterActiveAsync();
        var (soId, so) = await app.RegisterSystemOperatorAsync();
        using (fsp1)
        using (fsp2)
        using (so)
        {
            var (asset, data) = await fsp1.RegisterChargepointAsync();
            var (otherAsset, _) = await fsp1.RegisterChargepointAsync();
            using (var c1 = await fsp1.PostAsJsonAsync("/api/v1/operator-claims", MarketTestData.Claim(asset, "dso-flexibility", MarketTestData.Now.AddDays(-1))))
                await c1.ShouldHave(HttpStatusCode.Created);
            var claim2 = MarketTestData.Claim(asset, "demand-flexibility", MarketTestData.Now.AddDays(-1));
            var second = await (await fsp2.PostAsJsonAsync("/api/v1/operator-claims", claim2)).Read<ClaimAcceptedResponse>(HttpStatusCode.Created);
            var portfolio = await fsp1.RegisterPortfolioAsync();
            await fsp1.AddMembersAsync(portfolio, (asset, null));
            var product = await so.DefineProductAsync("dso-sustain");
            await MarketTestData.ContractAsync(fsp1, so, portfolio, product, 5m);
            using (var op = await app.OperatorAsync())
                await (await op.GetAsync($"/api/v1/assets/{asset}")).ShouldHave(HttpStatusCode.OK);

            // Asset ID + MPAN (in any formatting) + the consent reference the householder was given by the operator.
            var mpan = data.Mpan!;
            using var proved = await ProveAsync(asset.ToLowerInvariant(), $"{mpan[..2]} {mpan[2..6]} {mpan[6..]}", claim2.Consent!.Reference);
            var access = await proved.Read<OwnerAccessResponse>(HttpStatusCode.Created);
            Assert.Equal(asset, access.AssetId);
            Assert.InRange(access.ExpiresAt - MarketTestData.Now, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(16));
            using var householder = Householder(access.Token);

            var mine = await (await householder.GetAsync("/api/v1/owner-view/assets")).Read<Page<OwnerAssetSummary>>();
            var summary = Assert.Single(mine.Items);
            Assert.Equal((asset, 2), (summary.AssetId, summary.CurrentOperators));

            var view = await (await householder.GetAsync($"/api/v1/owner-view/assets/{asset}")).Read<OwnerViewResponse>();
            Assert.Equal(
                new HashSet<(string, string)> { (fsp1Id.ParticipantId, "dso-flexibility"), (fsp2Id.ParticipantId, "demand-flexibility") },
                view.Operators.Select(o => (o.OperatorId, o.ServiceClass)).ToHashSet());
            Assert.All(view.Operators, o => Assert.Equal("current", o.Status));
            Assert.All(view.Operators, o => Assert.False(string.IsNullOrEmpty(o.OperatorName)));
            var commitment = Assert.Single(view.Commitments);
            Assert.Equal((portfolio, fsp1Id.ParticipantId, product, soId.ParticipantId, "dso-flexibility"),
                (commitment.PortfolioId, commitment.PortfolioOwnerId, commitment.ProductId, commitment.BuyerId, commitment.ServiceClass));
            Assert.Empty(view.Conflicts);
            Assert.Contains(view.Reads, r => r.Count >= 1);
            // No contract terms in the owner's view.
            var raw = await (await householder.GetAsync($"/api/v1/owner-view/assets/{asset}")).Content.ReadAsStringAsync();
            Assert.DoesNotContain("contractedCapacityKw", raw, StringComparison.OrdinalIgnoreCase);

            // The token covers that one asset only.
            await (await householder.GetAsync($"/api/v1/owner-view/assets/{otherAsset}")).ReadProblem(HttpStatusCode.NotFound, "owner_view.not_found");

            // Withdrawing consent ends FSP-2's claim now, and FSP-2 is told.
            using var withdrawn = await householder.PostAsJsonAsync($"/api/v1/owner-view/assets/{asset}/claims/{second.Claim.ClaimId}/withdraw-consent",
                new WithdrawConsentRequest { Reason = "I never agreed to this" });
            var ended = await withdrawn.Read<OperatorClaimResponse>();
            Assert.Equal(("ended", "consent-withdrawn"), (ended.Status, ended.EndReason));
            var (feed, _) = await fsp2.ReadFeedAsync(types: "flexregistry.operator_claim.consent_withdrawn");
            Assert.Equal(second.Claim.ClaimId, Assert.Single(feed).Data.GetProperty("claimId").GetString());
            var after = await (await householder.GetAsync("/api/v1/owner-view/assets")).Read<Page<OwnerAssetSummary>>();
            Assert.Equal(1, Assert.Single(after.Items).CurrentOperators);
            // The consent reference of an ended claim no longer proves anything.
            using var stale = await ProveAsync(asset, mpan, claim2.Consent!.Reference);
            await stale.ReadProblem(HttpStatusCode.UnprocessableEntity, "owner_access.not_proven");
        }
    }

    [Fact]
    public async Task OwnerAccess_EveryMismatchAnswersTheSame_WhetherTheAssetExistsOrNot_AndRepeatedFailuresLockTheId()
    {
        var (_, fsp) = await app.RegisterActiveAsync();
        using (fsp)
        {
            var (asset, data) = await fsp.RegisterChargepointAsync();
            var missing = FlexRegistry.Assets.AssetId.New(FlexRegistry.Assets.AssetType.Find("ev-chargepoint")!).Value;
            var answers = new List<Problem>();
            foreach (var (id, mpan, reference) in new[]
                     {
                         (asset, TestData.Mpan(), data.OwnerConsent!.Reference!), (asset, data.Mpan!, "CONSENT-GUESS"), (missing, data.Mpan!, data.OwnerConsent!.Reference!),
                         ("FRA-EV-NOTANID", data.Mpan!, data.OwnerConsent!.Reference!),
                     })
            {
                using var response = await ProveAsync(id, mpan, reference);
                answers.Add(await response.ReadProblem(HttpStatusCode.UnprocessableEntity, "owner_access.not_proven"));
            }
            Assert.Single(answers.Select(a => (a.Title, a.Detail)).Distinct());

            // Three more failures on this asset ID lock it, from every address, even for the right proof — as they lock an ID that does not exist.
            for (var i = 0; i < 3; i++)
            {
                using var guess = await ProveAsync(asset, data.Mpan, $"GUESS-{i}");
                await guess.ReadProblem(HttpStatusCode.UnprocessableEntity, "owner_access.not_proven");
            }
            using var locked = await ProveAsync(asset, data.Mpan, data.OwnerConsent!.Reference);
            await locked.ReadProblem(HttpStatusCode.TooManyRequests, "owner_access.too_many_attempts");
            for (var i = 0; i < 4; i++)
                await (await ProveAsync(missing, data.Mpan, $"GUESS-{i}")).ReadProblem(HttpStatusCode.UnprocessableEntity, "owner_access.not_proven");
            await (await ProveAsync(missing, data.Mpan, "GUESS")).ReadProblem(HttpStatusCode.TooManyRequests, "owner_access.too_many_attempts");

            // Fields missing: every one listed.
            using var empty = await ProveAsync(null, " ", null);
            var problem = await empty.ReadProblem(HttpStatusCode.BadRequest, "request.validation_failed");
            Assert.Equal(new HashSet<string> { "assetId", "mpan", "consentReference" }, problem.Errors!.Select(e => e.Field).ToHashSet());

            // A forged or missing token is refused; an API client without the flex-owner role has no owner's view.
            using var forged = Householder("fro_forged");
            Assert.Equal(HttpStatusCode.Unauthorized, (await forged.GetAsync($"/api/v1/owner-view/assets/{asset}")).StatusCode);
            using var anonymous = app.Anonymous();
            Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/owner-view/assets")).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await fsp.GetAsync("/api/v1/owner-view/assets")).StatusCode);
        }
    }

    [Fact]
    public async Task RegisteredFlexOwner_SeesTheAssetsItIsAPartyTo()
    {
        var (_, owner) = await app.RegisterActiveAsync(TestData.Registration(roles: "flex-owner"));
        var (_, fsp) = await app.RegisterActiveAsync();
        using (owner)
        using (fsp)
        {
            var (asset, _) = await owner.RegisterChargepointAsync();
            var (notTheirs, _) = await fsp.RegisterChargepointAsync();
            using (var claim = await fsp.PostAsJsonAsync("/api/v1/operator-claims", MarketTestData.Claim(asset, "supplier-flexibility", MarketTestData.Now)))
                await claim.ShouldHave(HttpStatusCode.Created);
            var mine = await (await owner.GetAsync("/api/v1/owner-view/assets")).Read<Page<OwnerAssetSummary>>();
            Assert.Equal((asset, 1), (Assert.Single(mine.Items).AssetId, mine.Items[0].CurrentOperators));
            var view = await (await owner.GetAsync($"/api/v1/owner-view/assets/{asset}")).Read<OwnerViewResponse>();
            Assert.Equal("supplier-flexibility", Assert.Single(view.Operators).ServiceClass);
            await (await owner.GetAsync($"/api/v1/owner-view/assets/{notTheirs}")).ReadProblem(HttpStatusCode.NotFound, "owner_view.not_found");
        }
    }
}

public sealed class OwnerViewTests_Sqlite(SqliteApp app) : OwnerViewTests(app), IClassFixture<SqliteApp>;

public sealed class OwnerViewTests_Postgres(PostgresApp app) : OwnerViewTests(app), IClassFixture<PostgresApp>;
