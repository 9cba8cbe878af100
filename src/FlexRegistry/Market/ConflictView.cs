using System.Globalization;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Participants;
using FlexRegistry.Persistence;
using Microsoft.EntityFrameworkCore;

namespace FlexRegistry.Market;

/// <summary>
/// A conflict as one viewer may see it. Both products (a public catalogue), the rule, the overlapping windows and the
/// asset's capacity are shown to every party; each contract's ID, portfolio, seller and committed capacity only to that
/// contract's own parties and the registry operator — so the other side's commercial terms never reach a party.
/// </summary>
public static class ConflictView
{
    public static async Task<IReadOnlyList<ConflictResponse>> ToResponsesAsync(RegistryDbContext db, IReadOnlyList<Conflict> conflicts,
        ParticipantId? viewer, bool isRegistryOperator, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(conflicts);
        var ids = conflicts.SelectMany(c => new[] { c.ProductA, c.ProductB }).Distinct().ToList();
        var products = await db.Products.AsNoTracking().Where(p => ids.Contains(p.Id)).ToDictionaryAsync(p => p.Id, ct);
        return [.. conflicts.Select(c => ToResponse(c, products, viewer, isRegistryOperator))];
    }

    public static ConflictResponse ToResponse(Conflict c, IReadOnlyDictionary<ProductId, Product> products, ParticipantId? viewer, bool isRegistryOperator)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(products);
        var pa = products[c.ProductA];
        var pb = products[c.ProductB];
        var seesA = MarketVisibility.CanSeeSideTerms(c.SellerA, c.BuyerA, viewer, isRegistryOperator);
        var seesB = MarketVisibility.CanSeeSideTerms(c.SellerB, c.BuyerB, viewer, isRegistryOperator);
        return new ConflictResponse(
            c.Id.ToString(), c.AssetId.Value, c.Rule, Explain(c, pa, pb, seesA, seesB),
            Side(pa, c.ContractA, c.PortfolioA, c.SellerA, c.BuyerA, c.CommittedKwA, seesA),
            Side(pb, c.ContractB, c.PortfolioB, c.SellerB, c.BuyerB, c.CommittedKwB, seesB),
            new OverlapDto(c.FirstStart, c.FirstEnd, c.LastEnd, c.Occurrences), (decimal?)c.AssetCapacityKw,
            c.Status.ToString().ToLowerInvariant(), viewer is { } v && c.IsAcknowledgedBy(v), c.Resolution, c.DetectedAt, c.UpdatedAt);
    }

    private static ConflictSide Side(Product product, ContractId contract, Assets.AssetId portfolio, ParticipantId seller, ParticipantId buyer,
        double? committed, bool sees) => new(
        product.Id.ToString(), product.Name, product.Template, buyer.Value,
        sees ? contract.ToString() : null, sees ? portfolio.Value : null, sees ? seller.Value : null, sees ? (decimal?)committed : null);

    private static string Explain(Conflict c, Product pa, Product pb, bool seesA, bool seesB)
    {
        var when = c.Occurrences == 1
            ? $"once, {Stamp(c.FirstStart)}–{Stamp(c.FirstEnd)}"
            : $"{c.Occurrences} times from {Stamp(c.FirstStart)} to {Stamp(c.LastEnd)}";
        var what = $"Asset {c.AssetId} is committed to deliver {pa.Name} ({pa.Template}) to {c.BuyerA} and {pb.Name} ({pb.Template}) to {c.BuyerB}; their service windows overlap {when}. ";
        if (c.Rule == "not-stackable")
            return what + $"{pa.Template} and {pb.Template} are not stackable: {StackingRules.Reason(pa.Template, pb.Template)}";
        var capacity = c.AssetCapacityKw is { } kw ? kw.ToString("0.###", CultureInfo.InvariantCulture) + " kW" : "its capacity";
        var own = (seesA, seesB) switch
        {
            (true, true) => $" ({Kw(c.CommittedKwA)} + {Kw(c.CommittedKwB)})",
            (true, false) => $" (your side commits {Kw(c.CommittedKwA)})",
            (false, true) => $" (your side commits {Kw(c.CommittedKwB)})",
            _ => "",
        };
        return what + $"{pa.Template} and {pb.Template} are stackable only with the capacity split, and the capacities committed under the two contracts exceed the asset's {capacity}{own}.";
    }

    private static string Kw(double? kw) => kw is { } v ? v.ToString("0.###", CultureInfo.InvariantCulture) + " kW" : "?";

    private static string Stamp(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
}
