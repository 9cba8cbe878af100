using CsCheck;
using FlexRegistry.Assets;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Market;
using FlexRegistry.Participants;

namespace FlexRegistry.Tests.Market;

/// <summary>
/// Issue 18: the summed capacity rule computes its moments from the windows' structure (each weekday once between
/// breakpoints) and must agree exactly with the brute-force walk over every day (<see cref="DayByDayCapacity"/>): same
/// pairs, same first occurrence, same end of the last, same count — on random products (1-3 windows, random weekdays,
/// months and times), random commitments (periods starting and ending at any minute, across clock changes and years)
/// and random shares.
/// </summary>
public sealed class CapacityTogetherTests
{
    private const double Capacity = 10;
    private static readonly DateTimeOffset Epoch = new(2026, 9, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly AssetId Asset = AssetId.New(AssetType.All.First(t => !t.IsPortfolio));
    private static readonly AssetId Portfolio = AssetId.New(AssetType.All.First(t => t.IsPortfolio));
    private static readonly ParticipantId Party = ParticipantId.New();

    // Templates among which every pair stacks only with the capacity split, plus one pair that is not stackable and one stackable.
    private static readonly string[] Templates =
        [ProductTemplate.DsoSustain, ProductTemplate.DsoSecure, ProductTemplate.NesoQuickReserve, ProductTemplate.DemandFlexibilityService, ProductTemplate.DsoRestore];

    private static readonly Gen<ServiceWindow> WindowGen =
        Gen.Select(Gen.Int[1, ServiceWindow.AllDays], Gen.Int[0, 11], Gen.Int[1, 12], Gen.Int[0, 47], Gen.Int[1, 48])
            .Where((days, firstMonth, months, s, l) => s + l <= 48)
            .Select((days, firstMonth, months, s, l) => new ServiceWindow("FREQ=DAILY",
                days, Enumerable.Range(firstMonth, months).Aggregate(0, (m, x) => m | (1 << (x % 12))), s * 30, (s + l) * 30));

    private static readonly Gen<Product> ProductGen =
        Gen.Select(Gen.Int[0, Templates.Length - 1], WindowGen.List[1, 3], Gen.Int[-60, 200], Gen.Int[30, 700])
            .Select((t, windows, from, days) => Product.Define(new ProductData(ProductTemplate.Find(Templates[t])!, "p", "up", null,
                DateOnly.FromDateTime(Epoch.UtcDateTime).AddDays(from), DateOnly.FromDateTime(Epoch.UtcDateTime).AddDays(from + days), windows,
                new LocationScopeDto(), new DataRequirementsDto()), Party, Epoch));

    private static readonly Gen<(int Product, DateTimeOffset From, DateTimeOffset To, double Kw)> CommitmentGen =
        Gen.Select(Gen.Int[0, 3], Gen.Int[0, 400 * 96], Gen.Int[1, 500 * 96], Gen.Int[1, 8])
            .Select((p, from, length, kw) => (p, Epoch.AddMinutes(from * 15), Epoch.AddMinutes((from + length) * 15), kw * 1.0));

    [Fact]
    public void StructuralComputation_AgreesWithTheDayByDayWalk_OnRandomWindowsAndPeriods()
    {
        var withConflicts = 0;
        Gen.Select(ProductGen.Array[4], CommitmentGen.List[3, 6]).Sample((products, specs) =>
        {
            var byId = products.ToDictionary(p => p.Id);
            var commitments = specs.Select((c, i) => new Commitment(Asset, Capacity, Party.Value, new ContractId(Guid.CreateVersion7(Epoch.AddSeconds(i))),
                products[c.Product].Id, Portfolio, Party, Party, c.Kw, c.From, c.To, null, c.From, null)).ToList();
            var fast = Describe(CapacityTogether.Exceeded(commitments, byId, 1e-6));
            var slow = Describe(DayByDayCapacity.Exceeded(commitments, byId, 1e-6));
            Assert.Equal(slow, fast);
            if (slow.Count > 0)
                Interlocked.Increment(ref withConflicts);
        }, iter: 300);
        // The generator must reach the interesting cases: many samples exceed the capacity somewhere.
        Assert.True(withConflicts >= 50, $"only {withConflicts} of 300 samples had a pair over the capacity");
    }

    [Fact]
    public void ThreeSharesOverTheCapacity_AcrossAClockChange_CountEveryEveningOnce()
    {
        // Weekday evenings 17:00-19:00 from October to March, three shares of 4 kW on 10 kW: every evening the three
        // overlap is an occurrence for each pair, including the days around the clocks going back on 25 October 2026.
        var product = Product.Define(new ProductData(ProductTemplate.Find(ProductTemplate.DsoSustain)!, "p", "up", null,
            new DateOnly(2026, 10, 1), new DateOnly(2027, 3, 31), [new ServiceWindow("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", 0b011_1110, ServiceWindow.AllMonths, 17 * 60, 19 * 60)],
            new LocationScopeDto(), new DataRequirementsDto()), Party, Epoch);
        var from = new DateTimeOffset(2026, 10, 19, 0, 0, 0, TimeSpan.FromHours(1));
        var to = new DateTimeOffset(2026, 11, 2, 0, 0, 0, TimeSpan.Zero);
        var commitments = Enumerable.Range(0, 3).Select(i => new Commitment(Asset, Capacity, Party.Value, new ContractId(Guid.CreateVersion7(Epoch.AddSeconds(i))),
            product.Id, Portfolio, Party, Party, 4, from, to, null, from, null)).ToList();

        var exceeded = CapacityTogether.Exceeded(commitments, new Dictionary<ProductId, Product> { [product.Id] = product }, 1e-6);

        Assert.Equal(3, exceeded.Count);
        Assert.All(exceeded, x =>
        {
            Assert.Equal(10, x.Overlap.Occurrences);
            Assert.Equal(new DateTimeOffset(2026, 10, 19, 16, 0, 0, TimeSpan.Zero), x.Overlap.FirstStart);
            Assert.Equal(new DateTimeOffset(2026, 10, 30, 19, 0, 0, TimeSpan.Zero), x.Overlap.LastEnd);
        });
    }

    private static List<string> Describe(IReadOnlyList<(Commitment A, Commitment B, WindowOverlap Overlap)> exceeded) =>
        [.. exceeded.Select(x => $"{x.A.Contract}|{x.B.Contract}|{x.Overlap}").Order(StringComparer.Ordinal)];
}
