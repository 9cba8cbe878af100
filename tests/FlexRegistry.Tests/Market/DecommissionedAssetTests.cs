using System.Net;
using System.Net.Http.Json;
using FlexRegistry.Assets;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Market;
using FlexRegistry.Participants;
using FlexRegistry.Persistence;
using FlexRegistry.Tests.Assets;
using FlexRegistry.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FlexRegistry.Tests.Market;

/// <summary>
/// BUC.2 step 7, decommissioning meets the market layer: a decommissioned asset takes no new operator claim, portfolio
/// membership or contract (the request is refused with <c>asset.decommissioned</c> and changes nothing; the database
/// refuses the row too), and the claims and memberships it held end when it is decommissioned.
/// </summary>
public abstract class DecommissionedAssetTests(RegistryApp app)
{
    private const string Dso = "dso-flexibility";

    [Fact]
    public async Task BUC2_Step7_Decommission_EndsTheAssetsClaimsAndMemberships_AndTheOperatorIsTold()
    {
        var (_, owner) = await app.RegisterActiveAsync();
        var (fsp, operatorClient) = await app.RegisterActiveAsync();
        using (owner)
        using (operatorClient)
        {
            var (asset, _) = await owner.RegisterChargepointAsync();
            var portfolio = await owner.RegisterPortfolioAsync();
            await owner.AddMembersAsync(portfolio, (asset, null));
            using (var current = await operatorClient.PostAsJsonAsync("/api/v1/operator-claims", MarketTestData.Claim(asset, Dso, MarketTestData.Now.AddMinutes(-1))))
                await current.ShouldHave(HttpStatusCode.Created);
            using (var future = await operatorClient.PostAsJsonAsync("/api/v1/operator-claims", MarketTestData.Claim(asset, "neso-reserve", MarketTestData.Now.AddDays(10))))
                await future.ShouldHave(HttpStatusCode.Created);

            var (_, etag) = await AssetApi.ReadAsync(owner, asset);
            await AssetApi.TransitionOkAsync(owner, asset, "decommission", new DecommissionAssetRequest { Reason = "Charger scrapped" }, etag);

            // The claim in force ended at the decommissioning, the one not yet begun never applies; both say why.
            var claims = (await (await owner.GetAsync($"/api/v1/operator-claims?asset={asset}")).Read<Page<OperatorClaimResponse>>()).Items;
            Assert.Equal(2, claims.Count);
            Assert.All(claims, c => Assert.Equal("asset-decommissioned", c.EndReason));
            Assert.Equal(["ended", "withdrawn"], claims.OrderBy(c => c.ServiceClass == Dso ? 0 : 1).Select(c => c.Status));
            Assert.Empty((await (await owner.GetAsync($"/api/v1/portfolios/{portfolio}/members")).Read<Page<PortfolioMemberResponse>>()).Items);
            var membership = Assert.Single((await (await owner.GetAsync($"/api/v1/portfolios/{portfolio}/members?all=true")).Read<Page<PortfolioMemberResponse>>()).Items);
            Assert.NotNull(membership.To);
            var portfolioNow = await (await owner.GetAsync($"/api/v1/portfolios/{portfolio}")).Read<PortfolioResponse>();
            Assert.Equal((0, 0m), (portfolioNow.CurrentMembers, portfolioNow.AggregateCapacityKw));

            // The operator hears that its claims ended, in the same commit as the decommissioning.
            var events = await AssetApi.EventsAsync(app, asset);
            Assert.Equal(2, events.Count(e => e.Type == "flexregistry.operator_claim.ended" && e.Audience.Contains(fsp.ParticipantId, StringComparison.Ordinal)));
            Assert.Contains(events, e => e.Type == "flexregistry.asset.decommissioned");
        }
    }

    [Fact]
    public async Task BUC2_Step7_ADecommissionedAsset_RefusesNewClaimsMembershipsAndContracts_AndNothingChanges()
    {
        var (_, owner) = await app.RegisterActiveAsync();
        var (_, operatorClient) = await app.RegisterActiveAsync();
        var (_, so) = await app.RegisterSystemOperatorAsync();
        using (owner)
        using (operatorClient)
        using (so)
        {
            var (asset, _) = await owner.RegisterChargepointAsync();
            var (live, _) = await owner.RegisterChargepointAsync();
            var portfolio = await owner.RegisterPortfolioAsync();
            var retired = await owner.RegisterPortfolioAsync();
            var product = await so.DefineProductAsync("dso-sustain");
            foreach (var id in new[] { asset, retired })
            {
                var (_, etag) = await AssetApi.ReadAsync(owner, id);
                await AssetApi.TransitionOkAsync(owner, id, "decommission", new DecommissionAssetRequest { Reason = "Out of service" }, etag);
            }

            // A claim on it.
            using (var refused = await operatorClient.PostAsJsonAsync("/api/v1/operator-claims", MarketTestData.Claim(asset, Dso, MarketTestData.Now)))
            {
                var problem = await refused.ReadProblem(HttpStatusCode.UnprocessableEntity, "operator_claim.validation_failed");
                Assert.Equal(("assetId", "asset.decommissioned"), (Assert.Single(problem.Errors!).Field, problem.Errors![0].Code));
            }

            // A membership: the decommissioned member is named, and the live one beside it is not added either.
            using (var refused = await owner.PostAsJsonAsync($"/api/v1/portfolios/{portfolio}/members", new AddPortfolioMembersRequest
            {
                Members = [new PortfolioMemberDto { AssetId = live }, new PortfolioMemberDto { AssetId = asset }],
            }))
            {
                var problem = await refused.ReadProblem(HttpStatusCode.UnprocessableEntity, "portfolio.members_invalid");
                Assert.Equal(("members[1].assetId", "asset.decommissioned"), (Assert.Single(problem.Errors!).Field, problem.Errors![0].Code));
            }
            // A decommissioned portfolio takes no member and no contract.
            using (var refused = await owner.PostAsJsonAsync($"/api/v1/portfolios/{retired}/members", new AddPortfolioMembersRequest
            {
                Members = [new PortfolioMemberDto { AssetId = live }],
            }))
                await refused.ReadProblem(HttpStatusCode.Conflict, "asset.decommissioned");
            using (var refused = await owner.PostAsJsonAsync("/api/v1/contracts", MarketTestData.Contract(retired, product)))
            {
                var problem = await refused.ReadProblem(HttpStatusCode.UnprocessableEntity, "contract.validation_failed");
                Assert.Contains(problem.Errors!, e => e is { Field: "portfolioId", Code: "asset.decommissioned" });
            }

            Assert.Empty((await (await owner.GetAsync($"/api/v1/operator-claims?asset={asset}")).Read<Page<OperatorClaimResponse>>()).Items);
            Assert.Empty((await (await owner.GetAsync($"/api/v1/portfolios/{portfolio}/members?all=true")).Read<Page<PortfolioMemberResponse>>()).Items);
            Assert.Empty((await (await owner.GetAsync($"/api/v1/contracts?portfolio={retired}")).Read<Page<ContractResponse>>()).Items);
        }
    }

    [Fact]
    public async Task BUC2_Step7_TheDatabaseRefusesAClaimMembershipOrContractRowForADecommissionedAsset()
    {
        var (registration, owner) = await app.RegisterActiveAsync();
        var (so, soClient) = await app.RegisterSystemOperatorAsync();
        using (owner)
        using (soClient)
        {
            var (asset, _) = await owner.RegisterChargepointAsync();
            var (live, _) = await owner.RegisterChargepointAsync();
            var portfolio = await owner.RegisterPortfolioAsync();
            var open = await owner.RegisterPortfolioAsync();
            var product = await soClient.DefineProductAsync("dso-sustain");
            foreach (var id in new[] { asset, portfolio })
            {
                var (_, etag) = await AssetApi.ReadAsync(owner, id);
                await AssetApi.TransitionOkAsync(owner, id, "decommission", new DecommissionAssetRequest { Reason = "Out of service" }, etag);
            }
            var by = ParticipantId.Parse(registration.ParticipantId);
            var now = MarketTestData.Now;

            // Written past the handlers' own checks, straight to the database: each row is refused by the rule.
            await RefusedAsync(db =>
            {
                db.OperatorClaims.Add(OperatorClaim.Accept(AssetId.Parse(asset), Dso, by, now, null,
                    new ConsentEvidence("OWNER-OK", "signed-contract", MarketTestData.Today), [], now));
                return Task.CompletedTask;
            });
            // A decommissioned member of a live portfolio, and a live member of a decommissioned portfolio.
            await RefusedAsync(async db => db.PortfolioMembers.Add(PortfolioMember.Add(AssetId.Parse(open),
                await db.Assets.AsNoTracking().FirstAsync(a => a.Id == AssetId.Parse(asset)), null, now, null, by, [], now)));
            await RefusedAsync(async db => db.PortfolioMembers.Add(PortfolioMember.Add(AssetId.Parse(portfolio),
                await db.Assets.AsNoTracking().FirstAsync(a => a.Id == AssetId.Parse(live)), null, now, null, by, [], now)));
            await RefusedAsync(db =>
            {
                db.Contracts.Add(Contract.Propose(ContractTerms.Validate(MarketTestData.Contract(portfolio, product)), by, ParticipantId.Parse(so.ParticipantId), by, now));
                return Task.CompletedTask;
            });

            // The same rows for live assets are written: the rule refuses only what it names.
            await using var scope = app.Services.CreateAsyncScope();
            var ok = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
            ok.PortfolioMembers.Add(PortfolioMember.Add(AssetId.Parse(open), await ok.Assets.AsNoTracking().FirstAsync(a => a.Id == AssetId.Parse(live)), null, now, null, by, [], now));
            ok.Contracts.Add(Contract.Propose(ContractTerms.Validate(MarketTestData.Contract(open, product)), by, ParticipantId.Parse(so.ParticipantId), by, now));
            DropEvents(ok);
            Assert.Equal(2, await ok.SaveChangesAsync());
        }

        async Task RefusedAsync(Func<RegistryDbContext, Task> add)
        {
            await using var scope = app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
            await add(db);
            DropEvents(db);
            var refused = await Assert.ThrowsAnyAsync<DbUpdateException>(() => db.SaveChangesAsync());
            Assert.True(refused.IsRuleViolation(MarketConfiguration.OperableAsset), refused.InnerException?.Message);
        }

        // The rows' events are not the point here (the context refuses to save a row whose events were not taken).
        static void DropEvents(RegistryDbContext db)
        {
            foreach (var entry in db.ChangeTracker.Entries<FlexRegistry.Events.EventSource>())
                entry.Entity.TakeEvents();
        }
    }

    [Fact]
    public async Task BUC2_Step7_DecommissioningWhileClaimsAndMembershipsAreAdded_LeavesNoneInForce()
    {
        var (_, owner) = await app.RegisterActiveAsync();
        using (owner)
        {
            var operators = new List<HttpClient>();
            for (var i = 0; i < 5; i++)
                operators.Add((await app.RegisterActiveAsync()).Client);
            var (asset, _) = await owner.RegisterChargepointAsync();
            var portfolios = new List<string>();
            for (var i = 0; i < 5; i++)
                portfolios.Add(await owner.RegisterPortfolioAsync());
            var (_, etag) = await AssetApi.ReadAsync(owner, asset);
            string[] classes = ["dso-flexibility", "neso-reserve", "balancing-mechanism", "demand-flexibility", "supplier-flexibility"];

            using var start = new SemaphoreSlim(0);
            var claims = classes.Select(async (serviceClass, i) =>
            {
                await start.WaitAsync();
                using var response = await operators[i].PostAsJsonAsync("/api/v1/operator-claims", MarketTestData.Claim(asset, serviceClass, MarketTestData.Now));
                return response.StatusCode;
            }).ToList();
            var memberships = portfolios.Select(async portfolio =>
            {
                await start.WaitAsync();
                using var response = await owner.PostAsJsonAsync($"/api/v1/portfolios/{portfolio}/members", new AddPortfolioMembersRequest
                {
                    Members = [new PortfolioMemberDto { AssetId = asset }],
                });
                return response.StatusCode;
            }).ToList();
            var decommission = Task.Run(async () =>
            {
                await start.WaitAsync();
                using var response = await AssetApi.TransitionAsync(owner, asset, "decommission", new DecommissionAssetRequest { Reason = "Scrapped" }, etag);
                return response.StatusCode;
            });
            start.Release(claims.Count + memberships.Count + 1);

            Assert.Equal(HttpStatusCode.OK, await decommission);
            // Each add either went in before the decommissioning (and was ended by it) or was refused; none failed otherwise.
            Assert.All(await Task.WhenAll(claims), s => Assert.Contains(s, new[] { HttpStatusCode.Created, HttpStatusCode.UnprocessableEntity, HttpStatusCode.Conflict }));
            Assert.All(await Task.WhenAll(memberships), s => Assert.Contains(s, new[] { HttpStatusCode.OK, HttpStatusCode.UnprocessableEntity, HttpStatusCode.Conflict }));

            var now = MarketTestData.Now;
            var held = (await (await owner.GetAsync($"/api/v1/operator-claims?asset={asset}")).Read<Page<OperatorClaimResponse>>()).Items;
            Assert.All(held, c => Assert.Equal(("asset-decommissioned", true), (c.EndReason, c.To <= now)));
            foreach (var portfolio in portfolios)
            {
                var members = (await (await owner.GetAsync($"/api/v1/portfolios/{portfolio}/members?all=true")).Read<Page<PortfolioMemberResponse>>()).Items;
                Assert.All(members, m => Assert.True(m.To <= now));
            }
            foreach (var client in operators)
                client.Dispose();
        }
    }
}

public sealed class DecommissionedAssetTests_Sqlite(SqliteApp app) : DecommissionedAssetTests(app), IClassFixture<SqliteApp>;

public sealed class DecommissionedAssetTests_Postgres(PostgresApp app) : DecommissionedAssetTests(app), IClassFixture<PostgresApp>;
