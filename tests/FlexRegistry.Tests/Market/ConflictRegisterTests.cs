using System.Net;
using System.Net.Http.Json;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Tests.Assets;
using FlexRegistry.Tests.Events;
using FlexRegistry.Tests.Infrastructure;

namespace FlexRegistry.Tests.Market;

/// <summary>
/// Seed 003's FO–FSP common register, end to end: "Asset-1 is part of Portfolio-1 delivering Product-1 to SO-1 under
/// Contract-1. It is also part of Portfolio-2 delivering Product-2 to SO-2 under Contract-2. These contracts mean that
/// there will be overlaps … The product definitions mean that these services are / are not stackable."
/// </summary>
public abstract class ConflictRegisterTests(RegistryApp app)
{
    /// <summary>Everyone in seed 003's example, built over the API: FSP-1 registers Asset-1 and operates it for DSO services; FSP-2 operates it for NESO reserve.</summary>
    private sealed record Seed(
        RegisterParticipantResponse Fsp1Id, HttpClient Fsp1, RegisterParticipantResponse Fsp2Id, HttpClient Fsp2,
        RegisterParticipantResponse So1Id, HttpClient So1, RegisterParticipantResponse So2Id, HttpClient So2,
        string Asset1, RegisterAssetRequest Asset1Data, string Portfolio1, string Portfolio2, string Product1, string Product2) : IDisposable
    {
        public void Dispose()
        {
            Fsp1.Dispose();
            Fsp2.Dispose();
            So1.Dispose();
            So2.Dispose();
        }
    }

    /// <summary>
    /// Tomorrow 00:00 UTC (00:00 or 01:00 GB time): memberships that start then begin outside every test window, so the
    /// first overlap is a whole window whatever the time of day the test runs.
    /// </summary>
    private static DateTimeOffset FromTomorrow => new(MarketTestData.Now.UtcDateTime.Date.AddDays(1), TimeSpan.Zero);

    private async Task<Seed> SeedAsync(string template1, ServiceWindowDto window1, string template2, ServiceWindowDto window2,
        decimal? share1 = null, decimal? share2 = null, DateTimeOffset? membersFrom = null)
    {
        var (fsp1Id, fsp1) = await app.RegisterActiveAsync();
        var (fsp2Id, fsp2) = await app.RegisterActiveAsync();
        var (so1Id, so1) = await app.RegisterSystemOperatorAsync();
        var (so2Id, so2) = await app.RegisterSystemOperatorAsync();
        var (asset1, data) = await fsp1.RegisterChargepointAsync(7.4m);
        var portfolio1 = await fsp1.RegisterPortfolioAsync();
        var portfolio2 = await fsp2.RegisterPortfolioAsync();
        // FSP-2 operates Asset-1 for NESO reserve under the owner's consent, which lets it put Asset-1 in Portfolio-2.
        using (var claim = await fsp2.PostAsJsonAsync("/api/v1/operator-claims", MarketTestData.Claim(asset1, "neso-reserve", MarketTestData.Now.AddDays(-2))))
            await claim.ShouldHave(HttpStatusCode.Created);
        var product1 = await so1.DefineProductAsync(template1, window1);
        var product2 = await so2.DefineProductAsync(template2, window2);
        await fsp1.AddMembersFromAsync(portfolio1, membersFrom ?? MarketTestData.Now.AddDays(-1), (asset1, share1));
        await fsp2.AddMembersFromAsync(portfolio2, membersFrom ?? MarketTestData.Now.AddDays(-1), (asset1, share2));
        return new Seed(fsp1Id, fsp1, fsp2Id, fsp2, so1Id, so1, so2Id, so2, asset1, data, portfolio1, portfolio2, product1, product2);
    }

    [Fact]
    public async Task Seed003_NotStackable_Asset1UnderContract1AndContract2_IsOneConflictNamingTheOverlapAndTheRule_ForEveryParty()
    {
        using var s = await SeedAsync("dso-secure", MarketTestData.WinterPeak, "neso-quick-reserve", MarketTestData.EveningAllYear,
            membersFrom: FromTomorrow);
        var contract1 = await MarketTestData.ContractAsync(s.Fsp1, s.So1, s.Portfolio1, s.Product1, 5m);
        Assert.Empty(contract1.Conflicts);

        // Proposing Contract-2 already shows what accepting it would create; accepting records it in the register.
        var proposal = await s.Fsp2.ProposeAsync(MarketTestData.Contract(s.Portfolio2, s.Product2, 5m));
        var potential = Assert.Single(proposal.Conflicts);
        Assert.Equal(("potential", "not-stackable"), (potential.Status, potential.Rule));
        Assert.Empty(await s.Fsp1.ConflictsAsync());
        var accepted = await s.So2.AcceptAsync(proposal.Contract.ContractId);
        var detected = Assert.Single(accepted.Conflicts);

        // FSP-1's view: the asset, both products and buyers, the overlapping windows, the rule; its own contract and portfolio only.
        var forFsp1 = Assert.Single(await s.Fsp1.ConflictsAsync($"?asset={s.Asset1}"));
        Assert.Equal(detected.ConflictId, forFsp1.ConflictId);
        Assert.Equal((s.Asset1, "not-stackable", "open"), (forFsp1.AssetId, forFsp1.Rule, forFsp1.Status));
        var (own, other) = forFsp1.A.ProductId == s.Product1 ? (forFsp1.A, forFsp1.B) : (forFsp1.B, forFsp1.A);
        Assert.Equal((s.Product1, "dso-secure", s.So1Id.ParticipantId, contract1.Contract.ContractId, s.Portfolio1, s.Fsp1Id.ParticipantId),
            (own.ProductId, own.Template, own.BuyerId, own.ContractId, own.PortfolioId, own.SellerId));
        Assert.Equal((s.Product2, "neso-quick-reserve", s.So2Id.ParticipantId), (other.ProductId, other.Template, other.BuyerId));
        Assert.Equal((null, null, null, null), (other.ContractId, other.PortfolioId, other.SellerId, other.CommittedCapacityKw));
        Assert.Contains("not stackable", forFsp1.Explanation, StringComparison.Ordinal);
        // The windows meet on weekdays 17:00–19:00 GB time in December and January.
        var first = TimeZoneInfo.ConvertTime(forFsp1.Overlap.FirstStart, TimeZoneInfo.FindSystemTimeZoneById("Europe/London"));
        Assert.Equal((17, 0), (first.Hour, first.Minute));
        Assert.Contains(first.Month, new[] { 12, 1 });
        Assert.InRange(first.DayOfWeek, DayOfWeek.Monday, DayOfWeek.Friday);
        Assert.Equal(TimeSpan.FromHours(2), forFsp1.Overlap.FirstEnd - forFsp1.Overlap.FirstStart);
        Assert.True(forFsp1.Overlap.Occurrences > 10);

        // Every party has it (each with its own side), and a notice raised as an event; the registry operator sees both sides.
        foreach (var (client, participant) in new[] { (s.Fsp2, s.Fsp2Id), (s.So1, s.So1Id), (s.So2, s.So2Id) })
        {
            var seen = Assert.Single(await client.ConflictsAsync());
            Assert.Equal(detected.ConflictId, seen.ConflictId);
            // The feed waits for earlier commits to be sequenced; the notice then names the event that raised it.
            var (feed, _) = await client.ReadFeedAsync(types: "flexregistry.conflict.detected");
            var notice = Assert.Single(await client.NoticesAsync(), n => n.Kind == "conflict");
            Assert.Equal(notice.EventId, Assert.Single(feed).Id);
            Assert.NotNull(participant);
        }
        using var op = await app.OperatorAsync();
        var full = await (await op.GetAsync($"/api/v1/conflicts/{detected.ConflictId}")).Read<ConflictResponse>();
        Assert.All(new[] { full.A, full.B }, side => Assert.NotNull(side.ContractId));
        Assert.Equal(detected.ConflictId, Assert.Single(await op.ConflictsAsync($"?participant={s.Fsp2Id.ParticipantId}")).ConflictId);

        // Contract-2 ends: the overlap is gone, the register clears the conflict and every notice goes.
        using (var ended = await s.Fsp2.PostAsJsonAsync($"/api/v1/contracts/{proposal.Contract.ContractId}/terminate", new TerminateContractRequest()))
            await ended.ShouldHave(HttpStatusCode.OK);
        Assert.Empty(await s.Fsp1.ConflictsAsync());
        Assert.Equal("cleared", Assert.Single(await s.Fsp1.ConflictsAsync("?status=all")).Status);
        Assert.DoesNotContain(await s.So1.NoticesAsync(), n => n.Kind == "conflict");
    }

    [Fact]
    public async Task Seed003_Stackable_Asset1UnderContract1AndContract2_OverlapsButIsNoConflict()
    {
        using var s = await SeedAsync("dso-sustain", MarketTestData.WinterPeak, "demand-flexibility-service", MarketTestData.EveningAllYear);
        await MarketTestData.ContractAsync(s.Fsp1, s.So1, s.Portfolio1, s.Product1, 7m);
        var contract2 = await MarketTestData.ContractAsync(s.Fsp2, s.So2, s.Portfolio2, s.Product2, 7m);
        Assert.Empty(contract2.Conflicts);
        Assert.Empty(await s.Fsp1.ConflictsAsync("?status=all"));
        var rules = await (await s.Fsp1.GetAsync("/api/v1/reference/stacking-rules")).Read<List<StackingRuleResponse>>();
        Assert.Contains(rules, r => r is { TemplateA: "dso-sustain", TemplateB: "demand-flexibility-service", Rule: "stackable" });
    }

    [Fact]
    public async Task Seed003_CapacitySplit_FitsInTheAsset_IsNoConflict_ExceedingItIs()
    {
        // Product-1 (DSO Sustain) and Product-2 (NESO Quick Reserve) are stackable only with the capacity split.
        using (var fits = await SeedAsync("dso-sustain", MarketTestData.WinterPeak, "neso-quick-reserve", MarketTestData.EveningAllYear, share1: 4m, share2: 3m))
        {
            // Shares of 4 and 3 kW of a 7.4 kW asset: however large the contracts, 7 kW is committed.
            await MarketTestData.ContractAsync(fits.Fsp1, fits.So1, fits.Portfolio1, fits.Product1, 10m);
            var contract2 = await MarketTestData.ContractAsync(fits.Fsp2, fits.So2, fits.Portfolio2, fits.Product2, 10m);
            Assert.Empty(contract2.Conflicts);
        }

        using var s = await SeedAsync("dso-sustain", MarketTestData.WinterPeak, "neso-quick-reserve", MarketTestData.EveningAllYear);
        var contract1 = await MarketTestData.ContractAsync(s.Fsp1, s.So1, s.Portfolio1, s.Product1, 4m);
        var small = await MarketTestData.ContractAsync(s.Fsp2, s.So2, s.Portfolio2, s.Product2, 3m);
        Assert.Empty(small.Conflicts);
        // A further 5 kW to SO-2 through Portfolio-2: at the winter peak Contract-1, the 3 kW and the 5 kW contract together
        // commit 12 kW of a 7.4 kW asset. The capacity rule sums everything committed at a moment, so every pair of the
        // three is in conflict — Contract-1 and the 3 kW contract too, though 7 kW on their own would fit.
        var large = await MarketTestData.ContractAsync(s.Fsp2, s.So2, s.Portfolio2, s.Product2, 5m);
        Assert.Equal(3, large.Conflicts.Count);
        Assert.All(large.Conflicts, c => Assert.Equal(("capacity-exceeded", 7.4m), (c.Rule, c.AssetCapacityKw)));

        // FSP-1 (Asset-1's registrant) sees all three; in the two with Contract-1 it sees its own 4 kW and nothing of the other side's.
        var forFsp1 = await s.Fsp1.ConflictsAsync();
        Assert.Equal(3, forFsp1.Count);
        var withOwn = forFsp1.Where(c => c.A.ContractId == contract1.Contract.ContractId || c.B.ContractId == contract1.Contract.ContractId).ToList();
        Assert.Equal(2, withOwn.Count);
        foreach (var conflict in withOwn)
        {
            var own = conflict.A.ContractId == contract1.Contract.ContractId ? conflict.A : conflict.B;
            var other = ReferenceEquals(own, conflict.A) ? conflict.B : conflict.A;
            Assert.Equal(4m, own.CommittedCapacityKw);
            Assert.Equal((null, null), (other.CommittedCapacityKw, other.ContractId));
            Assert.Contains("your side commits 4 kW", conflict.Explanation, StringComparison.Ordinal);
            Assert.DoesNotContain("5 kW", conflict.Explanation, StringComparison.Ordinal);
            Assert.DoesNotContain("3 kW", conflict.Explanation, StringComparison.Ordinal);
        }
        var between = Assert.Single(forFsp1, c => !withOwn.Contains(c));
        Assert.All(new[] { between.A, between.B }, side => Assert.Equal((null, null), (side.ContractId, side.CommittedCapacityKw)));
    }

    [Fact]
    public async Task CapacitySplit_ThreeContractsThatFitPairByPair_ExceedTheAssetTogether_AndEveryPairOfThemConflicts()
    {
        // Asset-1 is rated 7.4 kW; three 3 kW contracts: any two commit 6 kW, which fits; all three at the winter peak commit 9 kW.
        using var s = await SeedAsync("dso-sustain", MarketTestData.WinterPeak, "neso-quick-reserve", MarketTestData.EveningAllYear,
            membersFrom: FromTomorrow);
        var c1 = await MarketTestData.ContractAsync(s.Fsp1, s.So1, s.Portfolio1, s.Product1, 3m);
        var c2 = await MarketTestData.ContractAsync(s.Fsp2, s.So2, s.Portfolio2, s.Product2, 3m);
        Assert.Empty(c2.Conflicts);
        var c3 = await MarketTestData.ContractAsync(s.Fsp2, s.So2, s.Portfolio2, s.Product2, 3m);
        Assert.Equal(3, c3.Conflicts.Count);
        Assert.All(c3.Conflicts, c => Assert.Equal(("capacity-exceeded", 7.4m), (c.Rule, c.AssetCapacityKw)));

        // The registry operator sees the three pairs with their contracts and shares; they meet when all three do: weekdays 17:00–19:00.
        using var op = await app.OperatorAsync();
        var conflicts = await op.ConflictsAsync($"?asset={s.Asset1}");
        string[] ids = [c1.Contract.ContractId, c2.Contract.ContractId, c3.Contract.ContractId];
        Assert.Equal(
            new[] { (ids[0], ids[1]), (ids[0], ids[2]), (ids[1], ids[2]) }.Select(p => string.Join(' ', new[] { p.Item1, p.Item2 }.Order(StringComparer.Ordinal))).Order(StringComparer.Ordinal),
            conflicts.Select(c => string.Join(' ', new[] { c.A.ContractId!, c.B.ContractId! }.Order(StringComparer.Ordinal))).Order(StringComparer.Ordinal));
        Assert.All(conflicts, c =>
        {
            Assert.Equal((3m, 3m), (c.A.CommittedCapacityKw, c.B.CommittedCapacityKw));
            var start = TimeZoneInfo.ConvertTime(c.Overlap.FirstStart, TimeZoneInfo.FindSystemTimeZoneById("Europe/London"));
            Assert.Equal((17, 0), (start.Hour, start.Minute));
            Assert.InRange(start.DayOfWeek, DayOfWeek.Monday, DayOfWeek.Friday);
        });

        // Detection over the asset, over each portfolio, over each contract and a full scan agree with what the contracts'
        // runs recorded: each contract's run finds the pair of the other two as well (the asset is judged over all three)
        // and must read that entry as known, not record it again.
        foreach (var request in new[]
                 {
                     new DetectConflictsRequest { AssetId = s.Asset1 }, new DetectConflictsRequest { PortfolioId = s.Portfolio1 },
                     new DetectConflictsRequest { PortfolioId = s.Portfolio2 }, new DetectConflictsRequest { ContractId = c1.Contract.ContractId },
                     new DetectConflictsRequest { ContractId = c2.Contract.ContractId }, new DetectConflictsRequest { ContractId = c3.Contract.ContractId },
                     new DetectConflictsRequest(),
                 })
        {
            using var detect = await op.PostAsJsonAsync("/api/v1/conflicts/detect", request);
            var result = await detect.Read<DetectConflictsResponse>();
            Assert.Equal((0, 0), (result.Detected, result.Cleared));
        }
        Assert.Equal(3, (await op.ConflictsAsync($"?asset={s.Asset1}")).Count);
    }

    [Fact]
    public async Task Detection_OverEachContractPortfolioProductAndTheAsset_AgreesWithAFullScan_AndCountsAPairInOnePortfolioOnce()
    {
        // Asset-1 (7.4 kW) under four active contracts and a proposal. Contract-1 (DSO Secure, Portfolio-1) is not stackable
        // with Contract-2 (NESO Quick Reserve, Portfolio-2) nor with Contract-3 (Balancing Mechanism, also Portfolio-2), and
        // those two are not stackable with each other; Contract-4 (DFS, weekend mornings, Portfolio-1) meets none of their
        // windows; together the shares exceed the asset (5 + 5 + 1 + 1 kW), so its capacity is judged over all of them.
        // The proposal is nobody's commitment yet.
        using var s = await SeedAsync("dso-secure", MarketTestData.WinterPeak, "neso-quick-reserve", MarketTestData.EveningAllYear,
            membersFrom: FromTomorrow);
        var product3 = await s.So2.DefineProductAsync("balancing-mechanism", MarketTestData.EveningAllYear);
        var product4 = await s.So1.DefineProductAsync("demand-flexibility-service", MarketTestData.WeekendMornings);
        var c1 = await MarketTestData.ContractAsync(s.Fsp1, s.So1, s.Portfolio1, s.Product1, 5m);
        var c2 = await MarketTestData.ContractAsync(s.Fsp2, s.So2, s.Portfolio2, s.Product2, 5m);
        var c3 = await MarketTestData.ContractAsync(s.Fsp2, s.So2, s.Portfolio2, product3, 1m);
        var c4 = await MarketTestData.ContractAsync(s.Fsp1, s.So1, s.Portfolio1, product4, 1m);
        Assert.Empty(c4.Conflicts);
        var proposal = await s.Fsp1.ProposeAsync(MarketTestData.Contract(s.Portfolio1, s.Product2, 5m));
        Assert.NotEmpty(proposal.Conflicts);

        using var op = await app.OperatorAsync();
        async Task<List<(string Pair, string Rule, int Occurrences)>> RegisterAsync() =>
            [.. (await op.ConflictsAsync($"?asset={s.Asset1}"))
                .Select(c => (string.Join(' ', new[] { c.A.ContractId!, c.B.ContractId! }.Order(StringComparer.Ordinal)), c.Rule, c.Overlap.Occurrences))
                .Order()];
        var recorded = await RegisterAsync();
        string Pair(ContractWithConflictsResponse x, ContractWithConflictsResponse y) =>
            string.Join(' ', new[] { x.Contract.ContractId, y.Contract.ContractId }.Order(StringComparer.Ordinal));
        Assert.Equal(new[] { Pair(c1, c2), Pair(c1, c3), Pair(c2, c3) }.Order(StringComparer.Ordinal), recorded.Select(r => r.Pair).Order(StringComparer.Ordinal));
        Assert.All(recorded, r => Assert.Equal("not-stackable", r.Rule));

        // Every scope finds what the contracts' own runs recorded: nothing new, nothing cleared, no count changed (a pair of
        // Portfolio-2's two contracts is one pair for Portfolio-2's run too, not one from each side).
        foreach (var request in new[]
                 {
                     new DetectConflictsRequest { PortfolioId = s.Portfolio2 }, new DetectConflictsRequest { PortfolioId = s.Portfolio1 },
                     new DetectConflictsRequest { ContractId = c1.Contract.ContractId }, new DetectConflictsRequest { ContractId = c2.Contract.ContractId },
                     new DetectConflictsRequest { ContractId = c3.Contract.ContractId }, new DetectConflictsRequest { ContractId = c4.Contract.ContractId },
                     new DetectConflictsRequest { ProductId = s.Product1 }, new DetectConflictsRequest { ProductId = s.Product2 },
                     new DetectConflictsRequest { ProductId = product3 }, new DetectConflictsRequest { AssetId = s.Asset1 }, new DetectConflictsRequest(),
                 })
        {
            using var detect = await op.PostAsJsonAsync("/api/v1/conflicts/detect", request);
            var result = await detect.Read<DetectConflictsResponse>();
            Assert.Equal((0, 0), (result.Detected, result.Cleared));
            Assert.Equal(recorded, await RegisterAsync());
        }
    }

    [Fact]
    public async Task CapacitySplit_ThreeContractsThatFitPairByPair_ThePreviewAndTheEligibilityCheck_ReportTheSummedExcess()
    {
        // Asset-1 is rated 7.4 kW with two 3 kW contracts (6 kW: they fit). A third 3 kW proposal fits with each of them
        // pair by pair, but all three at the winter peak commit 9 kW: the proposal's preview already shows it.
        using var s = await SeedAsync("dso-sustain", MarketTestData.WinterPeak, "neso-quick-reserve", MarketTestData.EveningAllYear,
            membersFrom: FromTomorrow);
        var c1 = await MarketTestData.ContractAsync(s.Fsp1, s.So1, s.Portfolio1, s.Product1, 3m);
        var c2 = await MarketTestData.ContractAsync(s.Fsp2, s.So2, s.Portfolio2, s.Product2, 3m);
        Assert.Empty(c2.Conflicts);
        var proposed = await s.Fsp2.ProposeAsync(MarketTestData.Contract(s.Portfolio2, s.Product2, 3m));
        Assert.Equal(2, proposed.Conflicts.Count);
        Assert.All(proposed.Conflicts, c => Assert.Equal(("preview", "potential", "capacity-exceeded"), (c.ConflictId, c.Status, c.Rule)));
        // FSP-2 sees its own contract on the other side of one, and only Product-1 (not FSP-1's contract) on the other.
        Assert.All(proposed.Conflicts, c => Assert.Contains(proposed.Contract.ContractId, new[] { c.A.ContractId, c.B.ContractId }));
        Assert.Equal(
            new[] { s.Product1, s.Product2 }.Order(StringComparer.Ordinal),
            proposed.Conflicts.Select(c => c.A.ContractId == proposed.Contract.ContractId ? c.B.ProductId : c.A.ProductId).Order(StringComparer.Ordinal));
        Assert.Single(proposed.Conflicts, c => c.A.ContractId == c2.Contract.ContractId || c.B.ContractId == c2.Contract.ContractId);
        Assert.DoesNotContain(proposed.Conflicts, c => c.A.ContractId == c1.Contract.ContractId || c.B.ContractId == c1.Contract.ContractId);
        using var op = await app.OperatorAsync();
        Assert.Empty(await op.ConflictsAsync($"?asset={s.Asset1}"));

        // A proposal of 1 kW would make 7 kW: no potential conflict.
        var small = await s.Fsp2.ProposeAsync(MarketTestData.Contract(s.Portfolio2, s.Product2, 1m));
        Assert.Empty(small.Conflicts);

        // The eligibility check for another capacity-split product names both commitments the asset already has.
        var product3 = await s.So1.DefineProductAsync("dso-sustain", MarketTestData.WinterPeak);
        using var check = await s.Fsp1.PostAsJsonAsync($"/api/v1/products/{product3}/eligibility-check", new EligibilityCheckRequest { AssetIds = [s.Asset1] });
        var eligibility = Assert.Single((await check.Read<EligibilityCheckResponse>()).Assets);
        Assert.False(eligibility.Eligible);
        Assert.Equal(new[] { s.Product1, s.Product2 }.Order(StringComparer.Ordinal), eligibility.Conflicts.Select(c => c.ProductId).Order(StringComparer.Ordinal));
        Assert.All(eligibility.Conflicts, c => Assert.Equal("capacity-exceeded", c.Rule));

        // Accepted, it records all three pairs (the pair it tips over too).
        await s.So2.AcceptAsync(proposed.Contract.ContractId);
        Assert.Equal(3, (await op.ConflictsAsync($"?asset={s.Asset1}")).Count);
    }

    [Fact]
    public async Task CapacitySplit_IsSummedAtEachMoment_ContractsWhoseWindowsNeverAllMeet_DoNotAddUp()
    {
        // Daily windows on a 7.4 kW asset, 3 kW each: Product-1 16:00–18:00, Product-2 17:00–19:00, Product-3 15:00–16:30
        // and 18:30–20:00. Every two of them meet (17–18, 16–16:30, 18:30–19), never all three: 6 kW at any moment, no conflict.
        static ServiceWindowDto Daily(string start, string end) => new() { Recurrence = "FREQ=DAILY", Start = start, End = end };
        using var s = await SeedAsync("dso-sustain", Daily("16:00", "18:00"), "neso-quick-reserve", Daily("17:00", "19:00"));
        var product3 = await s.So1.DefineProductAsync("dso-sustain", Daily("15:00", "16:30"), Daily("18:30", "20:00"));
        var c1 = await MarketTestData.ContractAsync(s.Fsp1, s.So1, s.Portfolio1, s.Product1, 3m);
        var c2 = await MarketTestData.ContractAsync(s.Fsp2, s.So2, s.Portfolio2, s.Product2, 3m);
        var c3 = await MarketTestData.ContractAsync(s.Fsp1, s.So1, s.Portfolio1, product3, 3m);
        Assert.Empty(c3.Conflicts);

        // A second 3 kW contract on Product-2: 9 kW from 17:00 to 18:00 (with Product-1) and from 18:30 to 19:00 (with
        // Product-3). Every pair committed together at one of those moments conflicts; Product-1 and Product-3 are never
        // both there when the sum is over (16:00–16:30 is 6 kW), so that pair does not.
        var c4 = await MarketTestData.ContractAsync(s.Fsp2, s.So2, s.Portfolio2, s.Product2, 3m);
        using var op = await app.OperatorAsync();
        var pairs = (await op.ConflictsAsync($"?asset={s.Asset1}"))
            .Select(c => string.Join(' ', new[] { c.A.ContractId!, c.B.ContractId! }.Order(StringComparer.Ordinal))).Order(StringComparer.Ordinal).ToList();
        string Pair(ContractWithConflictsResponse x, ContractWithConflictsResponse y) =>
            string.Join(' ', new[] { x.Contract.ContractId, y.Contract.ContractId }.Order(StringComparer.Ordinal));
        Assert.Equal(new[] { Pair(c1, c2), Pair(c1, c4), Pair(c2, c4), Pair(c2, c3), Pair(c3, c4) }.Order(StringComparer.Ordinal), pairs);
        Assert.DoesNotContain(Pair(c1, c3), pairs);
    }

    [Fact]
    public async Task BUC2_Step7_DecommissioningAnAsset_EndsItsMemberships_AndReChecksItsConflictsAtOnce()
    {
        // Asset-1 joins both portfolios from a moment ahead, so that the conflict lies wholly after the decommissioning.
        using var s = await SeedAsync("dso-secure", MarketTestData.WinterPeak, "neso-quick-reserve", MarketTestData.EveningAllYear,
            membersFrom: MarketTestData.Now.AddMinutes(5));
        await MarketTestData.ContractAsync(s.Fsp1, s.So1, s.Portfolio1, s.Product1);
        var conflict = Assert.Single((await MarketTestData.ContractAsync(s.Fsp2, s.So2, s.Portfolio2, s.Product2)).Conflicts);
        Assert.Equal("open", conflict.Status);

        var (_, etag) = await AssetApi.ReadAsync(s.Fsp1, s.Asset1);
        await AssetApi.TransitionOkAsync(s.Fsp1, s.Asset1, "decommission", new DecommissionAssetRequest { Reason = "Chargepoint removed" }, etag);

        // In the decommissioning's own response time, not the worker's: the memberships ended, the conflict is cleared.
        var after = await (await s.Fsp1.GetAsync($"/api/v1/conflicts/{conflict.ConflictId}")).Read<ConflictResponse>();
        Assert.Equal("cleared", after.Status);
        foreach (var (portfolio, owner) in new[] { (s.Portfolio1, s.Fsp1), (s.Portfolio2, s.Fsp2) })
        {
            var memberships = (await (await owner.GetAsync($"/api/v1/portfolios/{portfolio}/members?all=true")).Read<Page<PortfolioMemberResponse>>()).Items;
            var ended = Assert.Single(memberships, m => m.AssetId == s.Asset1);
            Assert.True(ended.To <= ended.From, $"the membership that had not begun ends before it starts (from {ended.From:O}, to {ended.To:O})");
        }
    }

    [Fact]
    public async Task CapacityChange_ByUpgradeOrPatch_ReChecksTheAssetsConflictsAtOnce()
    {
        // Portfolio-1 holds Asset-1 (commissioned, 7.4 kW) and a planned 7.4 kW chargepoint, under a 4 kW contract for
        // Product-1 and a 3 kW one for Product-2 (capacity split): 7 kW of 7.4 fits, no conflict.
        using var s = await SeedAsync("dso-sustain", MarketTestData.WinterPeak, "neso-quick-reserve", MarketTestData.EveningAllYear,
            membersFrom: FromTomorrow);
        var (planned, _) = await AssetApi.RegisterAsync(s.Fsp1, AssetApi.Planned() with { ImportCapacityKw = 7.4m });
        await s.Fsp1.AddMembersFromAsync(s.Portfolio1, FromTomorrow, (planned.AssetId, null));
        await MarketTestData.ContractAsync(s.Fsp1, s.So1, s.Portfolio1, s.Product1, 4m);
        Assert.Empty((await MarketTestData.ContractAsync(s.Fsp1, s.So2, s.Portfolio1, s.Product2, 3m)).Conflicts);
        using var op = await app.OperatorAsync();

        // Asset-1 is down-rated to 6 kW (an upgrade, as it is commissioned): in that response's time, not the worker's, the
        // register holds its capacity conflict.
        var (_, etag) = await AssetApi.ReadAsync(s.Fsp1, s.Asset1);
        (_, etag) = await AssetApi.TransitionOkAsync(s.Fsp1, s.Asset1, "upgrade", new UpgradeAssetRequest { ImportCapacityKw = 6m, Reason = "Derated supply" }, etag);
        var conflict = Assert.Single(await op.ConflictsAsync($"?asset={s.Asset1}"));
        Assert.Equal(("open", "capacity-exceeded", 6m), (conflict.Status, conflict.Rule, conflict.AssetCapacityKw));
        Assert.Empty(await op.ConflictsAsync($"?asset={planned.AssetId}"));

        // The planned chargepoint's capacity changes by PATCH: the same.
        var (_, plannedTag) = await AssetApi.ReadAsync(s.Fsp1, planned.AssetId);
        await AssetApi.PatchOkAsync(s.Fsp1, planned.AssetId, """{"importCapacityKw": 5}""", plannedTag);
        var patched = Assert.Single(await op.ConflictsAsync($"?asset={planned.AssetId}"));
        Assert.Equal(("open", 5m), (patched.Status, patched.AssetCapacityKw));

        // Upgraded to 8 kW, Asset-1's conflict is cleared at once.
        await AssetApi.TransitionOkAsync(s.Fsp1, s.Asset1, "upgrade", new UpgradeAssetRequest { ImportCapacityKw = 8m, Reason = "New supply" }, etag);
        var cleared = await (await s.Fsp1.GetAsync($"/api/v1/conflicts/{conflict.ConflictId}")).Read<ConflictResponse>();
        Assert.Equal("cleared", cleared.Status);
    }

    [Fact]
    public async Task Conflicts_ShowingTheOtherSide_NeverCarryItsCommercialData()
    {
        using var s = await SeedAsync("dso-secure", MarketTestData.WinterPeak, "balancing-mechanism", MarketTestData.EveningAllYear);
        var c1 = MarketTestData.Contract(s.Portfolio1, s.Product1, 6.5m);
        var c2 = MarketTestData.Contract(s.Portfolio2, s.Product2, 987.65m);
        var contract1 = await s.So1.AcceptAsync((await s.Fsp1.ProposeAsync(c1)).Contract.ContractId);
        var contract2 = await s.So2.AcceptAsync((await s.Fsp2.ProposeAsync(c2)).Contract.ContractId);
        Assert.Single(contract2.Conflicts);

        // Everything FSP-1 and SO-1 can read about the conflict, in every form it takes, carries nothing of Contract-2's.
        // (A price with three digits before the point: no timestamp in a body can contain it, as seconds have two.)
        var secrets = new[] { contract2.Contract.ContractId, s.Portfolio2, s.Fsp2Id.ParticipantId, c2.Reference!, "987.65" };
        var id = Assert.Single(await s.Fsp1.ConflictsAsync()).ConflictId;
        foreach (var client in new[] { s.Fsp1, s.So1 })
        {
            foreach (var path in new[] { "/api/v1/conflicts", $"/api/v1/conflicts/{id}", $"/api/v1/contracts/{contract1.Contract.ContractId}", "/api/v1/notices",
                         "/api/v1/events?types=flexregistry.conflict.detected" })
            {
                var body = await (await client.GetAsync(path)).Content.ReadAsStringAsync();
                Assert.All(secrets, secret => Assert.DoesNotContain(secret, body, StringComparison.Ordinal));
            }
            using var detect = await client.PostAsJsonAsync("/api/v1/conflicts/detect", new DetectConflictsRequest { ContractId = contract1.Contract.ContractId });
            var detectBody = await detect.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.OK, detect.StatusCode);
            Assert.All(secrets, secret => Assert.DoesNotContain(secret, detectBody, StringComparison.Ordinal));
        }
        // Nor may FSP-1 find out by filtering: by another participant it is refused, by the other portfolio it finds nothing.
        using var byOther = await s.Fsp1.GetAsync($"/api/v1/conflicts?participant={s.Fsp2Id.ParticipantId}");
        await byOther.ReadProblem(HttpStatusCode.BadRequest, "request.validation_failed");
        Assert.Empty(await s.Fsp1.ConflictsAsync($"?portfolio={s.Portfolio2}"));
        // The other contract itself is not visible to them.
        await (await s.Fsp1.GetAsync($"/api/v1/contracts/{contract2.Contract.ContractId}")).ReadProblem(HttpStatusCode.NotFound, "contract.not_found");
    }

    [Fact]
    public async Task Conflicts_AreAcknowledgedByEachParty_ResolvedByAContractSide_AndFollowMembershipAndProductChanges()
    {
        // The memberships start a few minutes ahead: had they started yesterday, a weekday evening in December or January
        // would already have put the two windows together in the past, and taking the asset out now could not clear that.
        using var s = await SeedAsync("dso-secure", MarketTestData.WinterPeak, "neso-quick-reserve", MarketTestData.EveningAllYear,
            membersFrom: MarketTestData.Now.AddMinutes(5));
        await MarketTestData.ContractAsync(s.Fsp1, s.So1, s.Portfolio1, s.Product1);
        var conflict = Assert.Single((await MarketTestData.ContractAsync(s.Fsp2, s.So2, s.Portfolio2, s.Product2)).Conflicts);

        // Acknowledging takes away the acknowledger's notice only.
        using (var ack = await s.So1.PostAsJsonAsync($"/api/v1/conflicts/{conflict.ConflictId}/acknowledge", new AcknowledgeConflictRequest { Note = "Seen" }))
            Assert.True((await ack.Read<ConflictResponse>()).AcknowledgedByYou);
        Assert.DoesNotContain(await s.So1.NoticesAsync(), n => n.Kind == "conflict");
        Assert.Contains(await s.So2.NoticesAsync(), n => n.Kind == "conflict");

        // FSP-2 takes Asset-1 out of Portfolio-2: the conflict is cleared by the register.
        using (var removed = await s.Fsp2.PostAsJsonAsync($"/api/v1/portfolios/{s.Portfolio2}/members/remove", new RemovePortfolioMembersRequest { AssetIds = [s.Asset1] }))
            await removed.ShouldHave(HttpStatusCode.OK);
        Assert.Equal("cleared", (await (await s.Fsp1.GetAsync($"/api/v1/conflicts/{conflict.ConflictId}")).Read<ConflictResponse>()).Status);

        // Back in (with a new membership) the same conflict reopens; SO-1 moves Product-1's windows to weekend mornings: cleared again.
        await s.Fsp2.AddMembersFromAsync(s.Portfolio2, MarketTestData.Now.AddSeconds(1), (s.Asset1, null));
        var reopened = await (await s.Fsp1.GetAsync($"/api/v1/conflicts/{conflict.ConflictId}")).Read<ConflictResponse>();
        Assert.Equal(("open", false), (reopened.Status, reopened.AcknowledgedByYou));
        using (var read = await s.So1.GetAsync($"/api/v1/products/{s.Product1}"))
        {
            var product = await read.Read<ProductResponse>();
            var change = MarketTestData.Product("dso-secure", MarketTestData.WeekendMornings) with { Name = product.Name };
            using var put = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/products/{s.Product1}") { Content = JsonContent.Create(change) };
            put.Headers.IfMatch.Add(read.Headers.ETag!);
            using var changed = await s.So1.SendAsync(put);
            await changed.ShouldHave(HttpStatusCode.OK);
        }
        Assert.Equal("cleared", (await (await s.Fsp1.GetAsync($"/api/v1/conflicts/{conflict.ConflictId}")).Read<ConflictResponse>()).Status);

        // Back to the winter peak; only a contract side resolves it, the asset's other parties may only acknowledge.
        using (var read = await s.So1.GetAsync($"/api/v1/products/{s.Product1}"))
        {
            var product = await read.Read<ProductResponse>();
            using var put = new HttpRequestMessage(HttpMethod.Put, $"/api/v1/products/{s.Product1}")
            {
                Content = JsonContent.Create(MarketTestData.Product("dso-secure", MarketTestData.WinterPeak) with { Name = product.Name }),
            };
            put.Headers.IfMatch.Add(read.Headers.ETag!);
            await (await s.So1.SendAsync(put)).ShouldHave(HttpStatusCode.OK);
        }
        using (var resolved = await s.So2.PostAsJsonAsync($"/api/v1/conflicts/{conflict.ConflictId}/resolve", new ResolveConflictRequest { Resolution = "SO-1 has primacy in December and January" }))
            Assert.Equal("resolved", (await resolved.Read<ConflictResponse>()).Status);
        using (var again = await s.So1.PostAsJsonAsync($"/api/v1/conflicts/{conflict.ConflictId}/resolve", new ResolveConflictRequest { Resolution = "again" }))
            await again.ReadProblem(HttpStatusCode.Conflict, "conflict.invalid_status_transition");
        Assert.DoesNotContain(await s.Fsp1.NoticesAsync(), n => n.Kind == "conflict");

        // On demand: detection over the asset finds the same (resolved) entry and adds nothing.
        using var detect = await s.Fsp1.PostAsJsonAsync("/api/v1/conflicts/detect", new DetectConflictsRequest { AssetId = s.Asset1 });
        var result = await detect.Read<DetectConflictsResponse>();
        Assert.Equal((0, 0), (result.Detected, result.Cleared));
        Assert.Equal("resolved", Assert.Single(await s.Fsp1.ConflictsAsync("?status=all")).Status);
    }

    [Fact]
    public async Task DetectOnDemand_NamesOneScopeItMaySee_OnlyTheRegistryOperatorScansEverything()
    {
        var (_, fsp) = await app.RegisterActiveAsync();
        var (_, other) = await app.RegisterActiveAsync();
        using (fsp)
        using (other)
        {
            var (asset, _) = await fsp.RegisterChargepointAsync();
            await (await other.PostAsJsonAsync("/api/v1/conflicts/detect", new DetectConflictsRequest())).ReadProblem(HttpStatusCode.UnprocessableEntity, "conflict.detect_invalid");
            await (await other.PostAsJsonAsync("/api/v1/conflicts/detect", new DetectConflictsRequest { AssetId = asset, ProductId = Guid.NewGuid().ToString() }))
                .ReadProblem(HttpStatusCode.UnprocessableEntity, "conflict.detect_invalid");
            await (await other.PostAsJsonAsync("/api/v1/conflicts/detect", new DetectConflictsRequest { AssetId = asset })).ReadProblem(HttpStatusCode.NotFound, "asset.not_found");
            using var op = await app.OperatorAsync();
            using var all = await op.PostAsJsonAsync("/api/v1/conflicts/detect", new DetectConflictsRequest());
            await all.ShouldHave(HttpStatusCode.OK);
        }
    }
}

public sealed class ConflictRegisterTests_Sqlite(SqliteApp app) : ConflictRegisterTests(app), IClassFixture<SqliteApp>;

public sealed class ConflictRegisterTests_Postgres(PostgresApp app) : ConflictRegisterTests(app), IClassFixture<PostgresApp>;
