using System.Net;
using System.Net.Http.Json;
using FlexRegistry.Assets;
using FlexRegistry.Auth;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Participants;
using FlexRegistry.Persistence;
using FlexRegistry.Tests.Assets;
using FlexRegistry.Tests.Infrastructure;
using FlexRegistry.Tests.Market;
using FlexRegistry.Visibility;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FlexRegistry.Tests.Reads;

/// <summary>
/// The assets-by-area chart of the dashboard and the search page (<see cref="AssetQueries.CountByAreaAsync(Caller, CancellationToken)"/>) counts by
/// index-usable parts of the visibility rule. Its numbers must be exactly those of a direct count, for every kind of
/// reader: built through the API (registrations, an attached installer, current, future and ended operator claims, a
/// reviewed merge across registrants, a decommissioning), then compared with the relationships the visibility rule
/// reads asset by asset (<see cref="AssetRelations.PartiesAsync(IReadOnlyList{Asset}, CancellationToken)"/>) and with the one-predicate count it replaced.
/// </summary>
public abstract class AssetQueriesCountByAreaTests(RegistryApp app)
{
    private static Caller CallerOf(string participant, params string[] roles) =>
        new(ParticipantId.Parse(participant), "test", roles.ToHashSet(), new HashSet<string> { Scopes.AssetsRead });

    [Fact]
    public async Task AssetsByArea_ForEachKindOfReader_MatchADirectCount()
    {
        var (registrant, a) = await app.FspAsync();
        var (installer, b) = await AssetApi.ParticipantAsync(app, "installer");
        var (operating, c) = await app.FspAsync();
        var (merged, d) = await app.FspAsync();
        var (none, e) = await app.FspAsync();
        var (so, s) = await app.MarketOperatorAsync("system-operator");
        using (a)
        using (b)
        using (c)
        using (d)
        using (e)
        using (s)
        {
            // The registrant: two in area 10, one in 12, one in 14 that is then decommissioned (still counted).
            var (in10, _) = await AssetApi.RegisterAsync(a, TestData.Chargepoint(mpan: TestData.Mpan(10)));
            await AssetApi.RegisterAsync(a, TestData.Chargepoint(mpan: TestData.Mpan(10)));
            var original = TestData.Chargepoint(mpan: TestData.Mpan(12));
            var (in12, _) = await AssetApi.RegisterAsync(a, original);
            var (in14, tag14) = await AssetApi.RegisterAsync(a, TestData.Chargepoint(mpan: TestData.Mpan(14)));

            // An installer attached to the asset in area 10.
            await AssetApi.AttachAsync(a, b, installer, in10.AssetId, "installer");

            // An operator with a current claim on the asset in 12 (and on its own asset in 13), a future claim on the one in
            // 10 and an ended one on the one in 14; the registrant also operates its own asset in 12 (counted once).
            var (own13, _) = await AssetApi.RegisterAsync(c, TestData.Chargepoint(mpan: TestData.Mpan(13)));
            var now = MarketTestData.Now;
            foreach (var (client, claim) in new[]
            {
                (c, MarketTestData.Claim(in12.AssetId, "dso-flexibility", now.AddDays(-1))),
                (c, MarketTestData.Claim(own13.AssetId, "dso-flexibility", now.AddDays(-1))),
                (c, MarketTestData.Claim(in10.AssetId, "dso-flexibility", now.AddDays(10))),
                (c, MarketTestData.Claim(in14.AssetId, "demand-flexibility", now.AddDays(-10), now.AddDays(-5))),
                (a, MarketTestData.Claim(in12.AssetId, "demand-flexibility", now.AddDays(-1))),
            })
            {
                using var response = await client.PostAsJsonAsync("/api/v1/operator-claims", claim);
                Assert.True(response.StatusCode is HttpStatusCode.Created, $"{claim.AssetId}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }

            await AssetApi.TransitionOkAsync(a, in14.AssetId, "decommission", new DecommissionAssetRequest { Reason = "Charger scrapped" }, tag14);

            // Another registrant's near duplicate of the asset in 12, merged into it by the registry operator: that
            // registrant becomes a party of the survivor; the merged record is counted by nobody.
            var near = await (await d.PostAsJsonAsync("/api/v1/assets", TestData.NearDuplicateOf(original))).Read<RegisterAssetResponse>(HttpStatusCode.Created);
            Assert.NotNull(near.DuplicateCaseId);
            using (var op = await app.OperatorAsync())
            using (var merge = await op.PostAsJsonAsync($"/api/v1/duplicate-cases/{near.DuplicateCaseId}/merge", new MergeDuplicateRequest { Reason = "Same chargepoint" }))
                await merge.ShouldHave(HttpStatusCode.OK);
            // It also registered one of its own in area 11.
            await AssetApi.RegisterAsync(d, TestData.Chargepoint(mpan: TestData.Mpan(11)));

            var readers = new (string Kind, Caller Caller, Dictionary<int, long>? Expected)[]
            {
                ("registrant", CallerOf(registrant), new() { [10] = 2, [12] = 1, [14] = 1 }),
                ("party (installer)", CallerOf(installer), new() { [10] = 1 }),
                ("operator", CallerOf(operating), new() { [12] = 1, [13] = 1 }),
                ("registrant of a merged duplicate", CallerOf(merged), new() { [11] = 1, [12] = 1 }),
                ("system operator", CallerOf(so, ParticipantRole.SystemOperator), new()),
                ("no relationship", CallerOf(none), new()),
                ("registry operator", CallerOf(registrant, ParticipantRole.RegistryOperator), null),
            };
            await using var scope = app.Services.CreateAsyncScope();
            var queries = scope.ServiceProvider.GetRequiredService<AssetQueries>();
            var relations = scope.ServiceProvider.GetRequiredService<AssetRelations>();
            var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
            var all = await db.Assets.AsNoTracking().ToListAsync(TestContext.Current.CancellationToken);
            var parties = await relations.PartiesAsync(all, TestContext.Current.CancellationToken);
            Assert.Contains(all, x => x.Status == AssetStatus.Merged);
            foreach (var (kind, caller, expected) in readers)
            {
                var counted = (await queries.CountByAreaAsync(caller, TestContext.Current.CancellationToken))
                    .ToDictionary(x => x.DistributorId ?? -1, x => x.Count);

                // Direct: every asset, its relationships as the visibility rule reads them record by record.
                var direct = all
                    .Where(x => x.Status != AssetStatus.Merged
                        && (caller.IsRegistryOperator || (parties.RelationsOf(x.Id, caller.ParticipantId) & Relations.Parties) != 0))
                    .GroupBy(x => x.DnoDistributorId ?? -1).ToDictionary(g => g.Key, g => g.LongCount());
                Assert.True(Same(direct, counted), $"{kind}: counted {Show(counted)}, direct {Show(direct)}");

                // The one predicate the count used before it was split into parts.
                var oneQuery = db.Assets.AsNoTracking().Where(x => x.Status != AssetStatus.Merged);
                if (!caller.IsRegistryOperator)
                    oneQuery = oneQuery.Where(relations.Holding(caller.ParticipantId, Relations.Parties));
                var before = (await oneQuery.Select(x => x.DnoDistributorId).ToListAsync(TestContext.Current.CancellationToken))
                    .GroupBy(x => x ?? -1).ToDictionary(g => g.Key, g => g.LongCount());
                Assert.True(Same(before, counted), $"{kind}: counted {Show(counted)}, one predicate {Show(before)}");

                if (expected is not null)
                    Assert.True(Same(expected, counted), $"{kind}: counted {Show(counted)}, expected {Show(expected)}");
                else
                    Assert.Equal(all.Count(x => x.Status != AssetStatus.Merged), counted.Values.Sum());
            }
        }
    }

    private static bool Same(Dictionary<int, long> x, Dictionary<int, long> y) =>
        x.Count == y.Count && x.All(kv => y.TryGetValue(kv.Key, out var v) && v == kv.Value);

    private static string Show(Dictionary<int, long> counts) =>
        "{" + string.Join(", ", counts.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}: {kv.Value}")) + "}";
}

public sealed class AssetQueriesCountByAreaTests_Sqlite(SqliteApp app) : AssetQueriesCountByAreaTests(app), IClassFixture<SqliteApp>;

public sealed class AssetQueriesCountByAreaTests_Postgres(PostgresApp app) : AssetQueriesCountByAreaTests(app), IClassFixture<PostgresApp>;
