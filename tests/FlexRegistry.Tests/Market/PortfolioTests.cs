using System.Net;
using System.Net.Http.Json;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Events;
using FlexRegistry.Tests.Events;
using FlexRegistry.Tests.Infrastructure;

namespace FlexRegistry.Tests.Market;

/// <summary>Portfolios (assets of type portfolio) with dated members; only the owner changes them.</summary>
public abstract class PortfolioTests(RegistryApp app)
{
    [Fact]
    public async Task Members_AreDated_Evented_AndTheAggregateCapacityIsDerivedFromTheCurrentOnes()
    {
        var (fsp, client) = await app.RegisterActiveAsync();
        using (client)
        {
            var portfolio = await client.RegisterPortfolioAsync();
            var (a, _) = await client.RegisterChargepointAsync(7.4m);
            var (b, _) = await client.RegisterChargepointAsync(22m);
            var (c, _) = await client.RegisterChargepointAsync(11m);
            var added = await client.AddMembersAsync(portfolio, (a, null), (b, 10m));
            Assert.Equal((2, 17.4m, 29.4m), (added.Portfolio.CurrentMembers, added.Portfolio.AggregateCapacityKw, added.Portfolio.AggregateImportCapacityKw));
            // A member from next month does not count yet.
            await client.AddMembersFromAsync(portfolio, MarketTestData.Now.AddDays(30), (c, null));
            var now = await (await client.GetAsync($"/api/v1/portfolios/{portfolio}")).Read<PortfolioResponse>();
            Assert.Equal((fsp.ParticipantId, 2, 17.4m), (now.OwnerId, now.CurrentMembers, now.AggregateCapacityKw));
            var asOf = Uri.EscapeDataString(MarketTestData.Now.AddDays(31).ToString("O"));
            var later = await (await client.GetAsync($"/api/v1/portfolios/{portfolio}/members?asOf={asOf}")).Read<Page<PortfolioMemberResponse>>();
            Assert.Equal(new HashSet<string> { a, b, c }, later.Items.Select(m => m.AssetId).ToHashSet());

            using (var removed = await client.PostAsJsonAsync($"/api/v1/portfolios/{portfolio}/members/remove", new RemovePortfolioMembersRequest { AssetIds = [b] }))
                Assert.Equal((1, 7.4m), ((await removed.Read<PortfolioMembersChangedResponse>()).Portfolio.CurrentMembers, (await (await client.GetAsync($"/api/v1/portfolios/{portfolio}")).Read<PortfolioResponse>()).AggregateCapacityKw));
            var history = await (await client.GetAsync($"/api/v1/portfolios/{portfolio}/members?all=true")).Read<Page<PortfolioMemberResponse>>();
            Assert.NotNull(Assert.Single(history.Items, m => m.AssetId == b).To);

            // Each change is an event about the portfolio naming the member: what a subscription filtered by the portfolio matches.
            var (feed, _) = await client.ReadFeedAsync(types: "flexregistry.portfolio.member_added,flexregistry.portfolio.member_removed");
            Assert.Equal(4, feed.Count);
            Assert.All(feed, e => Assert.Equal(portfolio, e.Subject));
            var filter = new SubscriptionFilter(new SubscriptionFiltersDto { PortfolioIds = [portfolio] });
            Assert.All(feed, e => Assert.True(filter.Matches(EventRecord.From(
                new DomainEvent(e.Type["flexregistry.".Length..], e.Subject, new Dictionary<string, object?>(), [fsp.ParticipantId]), MarketTestData.Now, e.Data.GetRawText()))));
            Assert.Contains(feed, e => e.Type == "flexregistry.portfolio.member_removed" && e.Data.GetProperty("assetId").GetString() == b);

            // Audited.
            using var op = await app.OperatorAsync();
            var audit = await (await op.GetAsync($"/api/v1/audit?resource={portfolio}")).Read<Page<AuditRecordResponse>>();
            Assert.Contains(audit.Items, r => r.Action == "portfolio.members.add");
            Assert.Contains(audit.Items, r => r.Action == "portfolio.members.remove");
        }
    }

    [Fact]
    public async Task OnlyThePortfoliosOwnerChangesItsMembers_OthersSeeNothing_ABuyerSeesButCannotChange()
    {
        var (_, owner) = await app.RegisterActiveAsync();
        var (_, other) = await app.RegisterActiveAsync();
        var (_, so) = await app.RegisterSystemOperatorAsync();
        using (owner)
        using (other)
        using (so)
        {
            var portfolio = await owner.RegisterPortfolioAsync();
            var (asset, _) = await owner.RegisterChargepointAsync();
            var (theirs, _) = await other.RegisterChargepointAsync();
            var add = new AddPortfolioMembersRequest { Members = [new PortfolioMemberDto { AssetId = theirs }] };
            using (var byOther = await other.PostAsJsonAsync($"/api/v1/portfolios/{portfolio}/members", add))
                await byOther.ReadProblem(HttpStatusCode.NotFound, "portfolio.not_found");
            await (await other.GetAsync($"/api/v1/portfolios/{portfolio}")).ReadProblem(HttpStatusCode.NotFound, "portfolio.not_found");

            // A buyer with a contract on the portfolio sees it and its members, and cannot change them.
            await owner.AddMembersAsync(portfolio, (asset, null));
            var product = await so.DefineProductAsync("dso-sustain");
            await owner.ProposeAsync(MarketTestData.Contract(portfolio, product));
            var members = await (await so.GetAsync($"/api/v1/portfolios/{portfolio}/members")).Read<Page<PortfolioMemberResponse>>();
            Assert.Equal(asset, Assert.Single(members.Items).AssetId);
            using (var bySo = await so.PostAsJsonAsync($"/api/v1/portfolios/{portfolio}/members/remove", new RemovePortfolioMembersRequest { AssetIds = [asset] }))
                Assert.Equal(HttpStatusCode.Forbidden, bySo.StatusCode);

            // The owner cannot add an asset it neither is a party to nor operates: it answers as a missing one.
            using var notVisible = await owner.PostAsJsonAsync($"/api/v1/portfolios/{portfolio}/members", add);
            var problem = await notVisible.ReadProblem(HttpStatusCode.UnprocessableEntity, "portfolio.members_invalid");
            Assert.Equal(("members[0].assetId", "portfolio.member_not_found"), (problem.Errors![0].Field, problem.Errors[0].Code));
        }
    }

    [Fact]
    public async Task BadInput_MissingPortfolioOrMergedMembers_Repeats_Overlaps_InvertedPeriods_AreAllListed_AndNothingIsStored()
    {
        var (_, client) = await app.RegisterActiveAsync();
        using (client)
        {
            var portfolio = await client.RegisterPortfolioAsync();
            var otherPortfolio = await client.RegisterPortfolioAsync();
            var (member, _) = await client.RegisterChargepointAsync();
            var (fresh, _) = await client.RegisterChargepointAsync();
            await client.AddMembersAsync(portfolio, (member, null));

            // A merged asset: a near duplicate merged into its original.
            var original = TestData.Chargepoint();
            using (var first = await client.PostAsJsonAsync("/api/v1/assets", original))
                await first.ShouldHave(HttpStatusCode.Created);
            var near = TestData.NearDuplicateOf(original);
            var nearOne = await (await client.PostAsJsonAsync("/api/v1/assets", near)).Read<RegisterAssetResponse>(HttpStatusCode.Created);
            using (var merged = await client.PostAsJsonAsync($"/api/v1/duplicate-cases/{nearOne.DuplicateCaseId}/merge", new MergeDuplicateRequest { Reason = "Same chargepoint" }))
                await merged.ShouldHave(HttpStatusCode.OK);

            var missing = FlexRegistry.Assets.AssetId.New(FlexRegistry.Assets.AssetType.Find("heat-pump")!).Value;
            using var response = await client.PostAsJsonAsync($"/api/v1/portfolios/{portfolio}/members", new AddPortfolioMembersRequest
            {
                Members =
                [
                    new PortfolioMemberDto { AssetId = missing },
                    new PortfolioMemberDto { AssetId = nearOne.AssetId },
                    new PortfolioMemberDto { AssetId = otherPortfolio },
                    new PortfolioMemberDto { AssetId = member },
                    new PortfolioMemberDto { AssetId = fresh, CapacityKw = 100m },
                    new PortfolioMemberDto { AssetId = fresh },
                    new PortfolioMemberDto { AssetId = "not-an-id" },
                ],
            });
            var problem = await response.ReadProblem(HttpStatusCode.UnprocessableEntity, "portfolio.members_invalid");
            Assert.Equal(
                new HashSet<(string, string)>
                {
                    ("members[0].assetId", "portfolio.member_not_found"), ("members[1].assetId", "portfolio.member_merged"),
                    ("members[2].assetId", "portfolio.member_is_portfolio"), ("members[3].assetId", "portfolio.member_period_overlaps"),
                    ("members[4].capacityKw", "portfolio.member_capacity_exceeds_asset"), ("members[5].assetId", "portfolio.member_repeated"),
                    ("members[6].assetId", "asset.id_invalid"),
                },
                problem.Errors!.Select(e => (e.Field, e.Code)).ToHashSet());

            var inverted = new AddPortfolioMembersRequest { Members = [new PortfolioMemberDto { AssetId = fresh }], From = MarketTestData.Now, To = MarketTestData.Now.AddDays(-1) };
            var periods = await (await client.PostAsJsonAsync($"/api/v1/portfolios/{portfolio}/members", inverted)).ReadProblem(HttpStatusCode.UnprocessableEntity, "portfolio.members_invalid");
            Assert.Contains(periods.Errors!, e => e is { Field: "to", Code: "period.inverted" });
            var past = await (await client.PostAsJsonAsync($"/api/v1/portfolios/{portfolio}/members/remove", new RemovePortfolioMembersRequest { AssetIds = [member, fresh], At = MarketTestData.Now.AddDays(-1) }))
                .ReadProblem(HttpStatusCode.UnprocessableEntity, "portfolio.members_invalid");
            Assert.Equal(new HashSet<string> { "at", "assetIds[1]" }, past.Errors!.Select(e => e.Field).ToHashSet());
            await (await client.GetAsync($"/api/v1/portfolios/{FlexRegistry.Assets.AssetId.New(FlexRegistry.Assets.AssetType.Find("portfolio")!).Value}"))
                .ReadProblem(HttpStatusCode.NotFound, "portfolio.not_found");

            var members = await (await client.GetAsync($"/api/v1/portfolios/{portfolio}/members?all=true")).Read<Page<PortfolioMemberResponse>>();
            Assert.Equal(member, Assert.Single(members.Items).AssetId);
        }
    }

    [Fact]
    public async Task ConcurrentAddsOfOneAsset_ForOverlappingPeriods_StoreExactlyOneMembership()
    {
        var (_, client) = await app.RegisterActiveAsync();
        using (client)
        {
            var portfolio = await client.RegisterPortfolioAsync();
            var (asset, _) = await client.RegisterChargepointAsync();
            using var start = new SemaphoreSlim(0);
            var attempts = Enumerable.Range(0, 12).Select(async i =>
            {
                await start.WaitAsync();
                using var response = await client.PostAsJsonAsync($"/api/v1/portfolios/{portfolio}/members", new AddPortfolioMembersRequest
                {
                    Members = [new PortfolioMemberDto { AssetId = asset }],
                    From = MarketTestData.Now.AddHours(i),
                });
                return response.StatusCode;
            }).ToList();
            start.Release(12);
            var results = await Task.WhenAll(attempts);
            Assert.Single(results, s => s == HttpStatusCode.OK);
            Assert.All(results.Where(s => s != HttpStatusCode.OK), s => Assert.Contains(s, new[] { HttpStatusCode.Conflict, HttpStatusCode.UnprocessableEntity }));
            var members = await (await client.GetAsync($"/api/v1/portfolios/{portfolio}/members?all=true")).Read<Page<PortfolioMemberResponse>>();
            Assert.Single(members.Items);
        }
    }
}

public sealed class PortfolioTests_Sqlite(SqliteApp app) : PortfolioTests(app), IClassFixture<SqliteApp>;

public sealed class PortfolioTests_Postgres(PostgresApp app) : PortfolioTests(app), IClassFixture<PostgresApp>;
