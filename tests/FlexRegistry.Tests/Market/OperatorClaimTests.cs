using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Tests.Events;
using FlexRegistry.Tests.Infrastructure;

namespace FlexRegistry.Tests.Market;

/// <summary>BUC.2 step 3: operator claims with the owner's consent, one operator per asset, service class and moment.</summary>
public abstract class OperatorClaimTests(RegistryApp app)
{
    private const string Dso = "dso-flexibility";

    [Fact]
    public async Task BUC2_Step3_ClaimWithConsent_IsAccepted_SeenByItsOperatorAndTheAssetsParties_NotByOthers()
    {
        var (_, owner) = await app.RegisterActiveAsync();
        var (fsp, operatorClient) = await app.RegisterActiveAsync();
        var (_, stranger) = await app.RegisterActiveAsync();
        using (owner)
        using (operatorClient)
        using (stranger)
        {
            var (asset, _) = await owner.RegisterChargepointAsync();
            var request = MarketTestData.Claim(asset, Dso, MarketTestData.Now);
            using var created = await operatorClient.PostAsJsonAsync("/api/v1/operator-claims", request);
            var accepted = await created.Read<ClaimAcceptedResponse>(HttpStatusCode.Created);
            Assert.Equal((asset, Dso, fsp.ParticipantId, "current"), (accepted.Claim.AssetId, accepted.Claim.ServiceClass, accepted.Claim.OperatorId, accepted.Claim.Status));
            Assert.Equal(request.Consent!.Reference, accepted.Claim.Consent!.Reference);
            Assert.Empty(accepted.Replaced);

            // The asset's party (its registrant) sees who operates it for what, without the consent evidence; a stranger sees nothing.
            var forOwner = await (await owner.GetAsync($"/api/v1/operator-claims?asset={asset}")).Read<Page<OperatorClaimResponse>>();
            var seen = Assert.Single(forOwner.Items);
            Assert.Equal(fsp.ParticipantId, seen.OperatorId);
            Assert.Null(seen.Consent);
            var mine = await (await operatorClient.GetAsync("/api/v1/operator-claims")).Read<Page<OperatorClaimResponse>>();
            Assert.Equal(accepted.Claim.ClaimId, Assert.Single(mine.Items).ClaimId);
            Assert.Empty((await (await stranger.GetAsync($"/api/v1/operator-claims?asset={asset}")).Read<Page<OperatorClaimResponse>>()).Items);
            await (await stranger.GetAsync($"/api/v1/operator-claims/{accepted.Claim.ClaimId}")).ReadProblem(HttpStatusCode.NotFound, "operator_claim.not_found");

            // The claim is an event for the operator and the asset's parties.
            var (feed, _) = await owner.ReadFeedAsync(types: "flexregistry.operator_claim.accepted");
            Assert.Contains(feed, e => e.Subject == asset);
        }
    }

    [Fact]
    public async Task BUC2_Step3_CompetingClaim_IsRefusedWithTheHeldPeriodOnly_AndBothOperatorsGetANotice()
    {
        var (_, owner) = await app.RegisterActiveAsync();
        var (first, holder) = await app.RegisterActiveAsync();
        var (second, challenger) = await app.RegisterActiveAsync();
        using (owner)
        using (holder)
        using (challenger)
        {
            var (asset, _) = await owner.RegisterChargepointAsync();
            var from = MarketTestData.Now.AddMinutes(-5);
            var held = MarketTestData.Claim(asset, Dso, from, from.AddDays(90));
            using (var ok = await holder.PostAsJsonAsync("/api/v1/operator-claims", held))
                await ok.ShouldHave(HttpStatusCode.Created);

            using var competing = await challenger.PostAsJsonAsync("/api/v1/operator-claims", MarketTestData.Claim(asset, Dso, MarketTestData.Now.AddDays(1)));
            Assert.Equal(HttpStatusCode.Conflict, competing.StatusCode);
            var text = await competing.Content.ReadAsStringAsync();
            var body = JsonDocument.Parse(text).RootElement;
            Assert.Equal("operator_claim.conflict", body.GetProperty("code").GetString());
            Assert.Equal(from.UtcDateTime, body.GetProperty("conflictingFrom").GetDateTimeOffset().UtcDateTime, TimeSpan.FromMilliseconds(1));
            Assert.True(body.TryGetProperty("conflictingTo", out _));
            Assert.Contains("notice", body.GetProperty("detail").GetString(), StringComparison.Ordinal);
            // Only the period: not who holds it, nor on what consent.
            Assert.DoesNotContain(first.ParticipantId, text, StringComparison.Ordinal);
            Assert.DoesNotContain(held.Consent!.Reference!, text, StringComparison.Ordinal);

            // Both operators have a notice to resolve it; the holder learns who contests.
            var forHolder = Assert.Single(await holder.NoticesAsync(), n => n.Kind == "operator-claim-contested");
            var forChallenger = Assert.Single(await challenger.NoticesAsync(), n => n.Kind == "operator-claim-contested");
            Assert.Equal(forHolder.NoticeId, forChallenger.NoticeId);
            Assert.Contains(second.ParticipantId, forHolder.Action, StringComparison.Ordinal);
            Assert.DoesNotContain(first.ParticipantId, forChallenger.Action, StringComparison.Ordinal);

            // Nothing of the competing claim was stored; another service class is free.
            var claims = await (await owner.GetAsync($"/api/v1/operator-claims?asset={asset}")).Read<Page<OperatorClaimResponse>>();
            Assert.Equal(first.ParticipantId, Assert.Single(claims.Items).OperatorId);
            using var otherClass = await challenger.PostAsJsonAsync("/api/v1/operator-claims", MarketTestData.Claim(asset, "balancing-mechanism", MarketTestData.Now));
            await otherClass.ShouldHave(HttpStatusCode.Created);

            // The holder ends its claim: the overlap is gone and so are both notices.
            var heldId = claims.Items[0].ClaimId;
            using (var ended = await holder.PostAsJsonAsync($"/api/v1/operator-claims/{heldId}/end", new EndClaimRequest()))
                Assert.Equal("ended", (await ended.Read<OperatorClaimResponse>()).Status);
            Assert.DoesNotContain(await holder.NoticesAsync(), n => n.Kind == "operator-claim-contested");
            Assert.DoesNotContain(await challenger.NoticesAsync(), n => n.Kind == "operator-claim-contested");
        }
    }

    [Fact]
    public async Task BUC2_Step3_Switch_ClaimFromAFutureDate_TrimsTheOldClaim_AndTellsTheOldAndNewOperatorAndTheOwner()
    {
        var (owner, ownerClient) = await app.RegisterActiveAsync();
        var (oldOp, oldClient) = await app.RegisterActiveAsync();
        var (newOp, newClient) = await app.RegisterActiveAsync();
        using (ownerClient)
        using (oldClient)
        using (newClient)
        {
            var (asset, _) = await ownerClient.RegisterChargepointAsync();
            using (var held = await oldClient.PostAsJsonAsync("/api/v1/operator-claims", MarketTestData.Claim(asset, Dso, MarketTestData.Now.AddDays(-10))))
                await held.ShouldHave(HttpStatusCode.Created);

            var switchAt = MarketTestData.Now.AddDays(20);
            using var switched = await newClient.PostAsJsonAsync("/api/v1/operator-claims", MarketTestData.Claim(asset, Dso, switchAt));
            var accepted = await switched.Read<ClaimAcceptedResponse>(HttpStatusCode.Created);
            var replaced = Assert.Single(accepted.Replaced);
            Assert.Equal(switchAt.UtcDateTime, replaced.EndsAt.UtcDateTime, TimeSpan.FromMilliseconds(1));
            Assert.Equal("future", accepted.Claim.Status);

            // The old claim now ends where the new one starts; both are on record, one operator at every moment.
            var claims = (await (await ownerClient.GetAsync($"/api/v1/operator-claims?asset={asset}")).Read<Page<OperatorClaimResponse>>()).Items;
            var old = Assert.Single(claims, c => c.OperatorId == oldOp.ParticipantId);
            Assert.Equal(switchAt.UtcDateTime, old.To!.Value.UtcDateTime, TimeSpan.FromMilliseconds(1));
            Assert.Equal("switched", old.EndReason);
            var now = await (await ownerClient.GetAsync($"/api/v1/operator-claims?asset={asset}&at={Uri.EscapeDataString(MarketTestData.Now.ToString("O"))}"))
                .Read<Page<OperatorClaimResponse>>();
            Assert.Equal(oldOp.ParticipantId, Assert.Single(now.Items).OperatorId);
            var later = await (await ownerClient.GetAsync($"/api/v1/operator-claims?asset={asset}&at={Uri.EscapeDataString(switchAt.AddDays(1).ToString("O"))}"))
                .Read<Page<OperatorClaimResponse>>();
            Assert.Equal(newOp.ParticipantId, Assert.Single(later.Items).OperatorId);

            // The old operator, the new one and the owner are told of the switch.
            foreach (var client in new[] { oldClient, newClient, ownerClient })
            {
                var (feed, _) = await client.ReadFeedAsync(types: "flexregistry.operator_claim.switched");
                var e = Assert.Single(feed, e => e.Subject == asset);
                Assert.Equal(newOp.ParticipantId, e.Data.GetProperty("newOperatorId").GetString());
            }
            Assert.NotEqual(owner.ParticipantId, oldOp.ParticipantId);

            // Too little notice is no switch: a competing claim.
            var (_, third) = await app.RegisterActiveAsync();
            using (third)
            {
                using var tooSoon = await third.PostAsJsonAsync("/api/v1/operator-claims", MarketTestData.Claim(asset, Dso, MarketTestData.Now.AddDays(2)));
                await tooSoon.ReadProblem(HttpStatusCode.Conflict, "operator_claim.conflict");
            }
        }
    }

    [Fact]
    public async Task BUC2_Step3_ManyConcurrentClaims_ForOneAssetServiceClassAndPeriod_ExactlyOneWins()
    {
        var (_, owner) = await app.RegisterActiveAsync();
        using (owner)
        {
            var (asset, _) = await owner.RegisterChargepointAsync();
            var operators = new List<HttpClient>();
            for (var i = 0; i < 16; i++)
                operators.Add((await app.RegisterActiveAsync()).Client);
            try
            {
                var from = MarketTestData.Now;
                using var start = new SemaphoreSlim(0);
                var attempts = operators.Select(async client =>
                {
                    await start.WaitAsync();
                    using var response = await client.PostAsJsonAsync("/api/v1/operator-claims", MarketTestData.Claim(asset, Dso, from, from.AddDays(30)));
                    return (response.StatusCode, Code: response.StatusCode == HttpStatusCode.Created ? null : (await response.ReadProblem(response.StatusCode, "operator_claim.conflict")).Code);
                }).ToList();
                start.Release(operators.Count);
                var results = await Task.WhenAll(attempts);
                Assert.Single(results, r => r.StatusCode == HttpStatusCode.Created);
                Assert.All(results.Where(r => r.StatusCode != HttpStatusCode.Created), r => Assert.Equal((HttpStatusCode.Conflict, "operator_claim.conflict"), (r.StatusCode, r.Code)));
                var claims = await (await owner.GetAsync($"/api/v1/operator-claims?asset={asset}")).Read<Page<OperatorClaimResponse>>();
                Assert.Single(claims.Items);
            }
            finally
            {
                foreach (var client in operators)
                    client.Dispose();
            }
        }
    }

    [Fact]
    public async Task BUC2_Step3_BadInput_InvertedPeriodNoConsentUnknownClassOrPortfolio_IsOneProblemListingEveryRule_AndStoresNothing()
    {
        var (_, fsp) = await app.RegisterActiveAsync();
        using (fsp)
        {
            var (asset, _) = await fsp.RegisterChargepointAsync();
            var now = MarketTestData.Now;
            using var bad = await fsp.PostAsJsonAsync("/api/v1/operator-claims", new OperatorClaimRequest
            {
                AssetId = asset,
                ServiceClass = "everything",
                From = now.AddDays(5),
                To = now.AddDays(1),
            });
            var problem = await bad.ReadProblem(HttpStatusCode.UnprocessableEntity, "operator_claim.validation_failed");
            Assert.Equal(
                new HashSet<(string, string)> { ("serviceClass", "field.invalid"), ("to", "period.inverted"), ("consent", "operator_claim.consent_required") },
                problem.Errors!.Select(e => (e.Field, e.Code)).ToHashSet());

            var noEvidence = MarketTestData.Claim(asset, Dso, now) with { Consent = new ConsentEvidenceDto { Reference = " ", Method = "a wink", Date = MarketTestData.Today.AddDays(3) } };
            var evidence = await (await fsp.PostAsJsonAsync("/api/v1/operator-claims", noEvidence)).ReadProblem(HttpStatusCode.UnprocessableEntity, "operator_claim.validation_failed");
            Assert.Equal(
                new HashSet<(string, string)> { ("consent.reference", "field.required"), ("consent.method", "field.invalid"), ("consent.date", "field.out_of_range") },
                evidence.Errors!.Select(e => (e.Field, e.Code)).ToHashSet());

            var beforeConsent = MarketTestData.Claim(asset, Dso, now.AddDays(-60));
            var early = await (await fsp.PostAsJsonAsync("/api/v1/operator-claims", beforeConsent)).ReadProblem(HttpStatusCode.UnprocessableEntity, "operator_claim.validation_failed");
            Assert.Contains(early.Errors!, e => e is { Field: "from", Code: "operator_claim.before_consent" });

            var portfolio = await fsp.RegisterPortfolioAsync();
            var onPortfolio = await (await fsp.PostAsJsonAsync("/api/v1/operator-claims", MarketTestData.Claim(portfolio, Dso, now)))
                .ReadProblem(HttpStatusCode.UnprocessableEntity, "operator_claim.validation_failed");
            Assert.Contains(onPortfolio.Errors!, e => e is { Field: "assetId", Code: "operator_claim.asset_is_portfolio" });
            var missing = FlexRegistry.Assets.AssetId.New(FlexRegistry.Assets.AssetType.Find("heat-pump")!).Value;
            var unknown = await (await fsp.PostAsJsonAsync("/api/v1/operator-claims", MarketTestData.Claim(missing, Dso, now)))
                .ReadProblem(HttpStatusCode.UnprocessableEntity, "operator_claim.validation_failed");
            Assert.Contains(unknown.Errors!, e => e is { Field: "assetId", Code: "asset.not_found" });

            Assert.Empty((await (await fsp.GetAsync("/api/v1/operator-claims")).Read<Page<OperatorClaimResponse>>()).Items);
        }
    }

    [Fact]
    public async Task BUC2_Step3_OnlyFspsAndAggregatorsClaim_AndOnlyTheOperatorEndsItsClaim()
    {
        var (_, owner) = await app.RegisterActiveAsync();
        var (_, so) = await app.RegisterSystemOperatorAsync();
        var (_, fsp) = await app.RegisterActiveAsync();
        using (owner)
        using (so)
        using (fsp)
        {
            var (asset, _) = await owner.RegisterChargepointAsync();
            using (var refused = await so.PostAsJsonAsync("/api/v1/operator-claims", MarketTestData.Claim(asset, Dso, MarketTestData.Now)))
                Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            using var created = await fsp.PostAsJsonAsync("/api/v1/operator-claims", MarketTestData.Claim(asset, Dso, MarketTestData.Now));
            var claim = (await created.Read<ClaimAcceptedResponse>(HttpStatusCode.Created)).Claim;
            // The asset's registrant sees the claim but cannot end it (the owner withdraws consent in the owner's view).
            using var byOwner = await owner.PostAsJsonAsync($"/api/v1/operator-claims/{claim.ClaimId}/end", new EndClaimRequest());
            await byOwner.ReadProblem(HttpStatusCode.Forbidden, "operator_claim.not_operator");
            using var past = await fsp.PostAsJsonAsync($"/api/v1/operator-claims/{claim.ClaimId}/end", new EndClaimRequest { At = MarketTestData.Now.AddDays(-1) });
            await past.ReadProblem(HttpStatusCode.UnprocessableEntity, "operator_claim.end_invalid");
        }
    }

    [Fact]
    public async Task BUC2_Step3_TheOperatingFsp_ReadsTheAssetAsTheVisibilityRuleShowsItsColumn_OnlyWhileItsClaimHolds()
    {
        var (_, owner) = await app.RegisterActiveAsync();
        var (_, fspClient) = await app.RegisterActiveAsync();
        using (owner)
        using (fspClient)
        {
            var (asset, request) = await owner.RegisterChargepointAsync();
            var rule = await (await fspClient.GetAsync("/api/v1/reference/visibility")).Read<VisibilityResponse>();
            var shown = rule.Resources.Single(r => r.Resource == "asset").FieldGroups
                .Where(g => g.Access["operating-fsp"] == "shown").Select(g => g.Code).ToList();
            Assert.Contains("identifiers", shown);

            // Before its claim the FSP is no party to the asset: the meter point is not shown to it.
            Assert.Null(await MpanSeenAsync(fspClient, asset));

            using var created = await fspClient.PostAsJsonAsync("/api/v1/operator-claims", MarketTestData.Claim(asset, Dso, MarketTestData.Now));
            var claim = (await created.Read<ClaimAcceptedResponse>(HttpStatusCode.Created)).Claim;
            using (var read = await fspClient.GetAsync($"/api/v1/assets/{asset}"))
            {
                var seen = await read.Read<AssetResponse>();
                Assert.Equal(request.Mpan, seen.Mpan);
                Assert.Empty((seen.WithheldGroups ?? []).Intersect(shown));
            }

            // Once the claim has ended, the relationship is gone.
            using (var ended = await fspClient.PostAsJsonAsync($"/api/v1/operator-claims/{claim.ClaimId}/end", new EndClaimRequest()))
                await ended.ShouldHave(HttpStatusCode.OK);
            Assert.Null(await MpanSeenAsync(fspClient, asset));
        }

        static async Task<string?> MpanSeenAsync(HttpClient client, string asset)
        {
            using var read = await client.GetAsync($"/api/v1/assets/{asset}");
            return read.StatusCode == HttpStatusCode.NotFound ? null : (await read.Read<AssetResponse>()).Mpan;
        }
    }
}

public sealed class OperatorClaimTests_Sqlite(SqliteApp app) : OperatorClaimTests(app), IClassFixture<SqliteApp>;

public sealed class OperatorClaimTests_Postgres(PostgresApp app) : OperatorClaimTests(app), IClassFixture<PostgresApp>;
