using FlexRegistry.Assets;
using FlexRegistry.Auth;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Persistence;
using FlexRegistry.Shared;
using Microsoft.EntityFrameworkCore;

namespace FlexRegistry.Market;

/// <summary>
/// Portfolios (assets of type portfolio) and their members. A portfolio is visible to its parties, to buyers with a
/// contract on it and to the registry operator; to anyone else it answers 404 like a missing one. Its aggregate
/// capacity is derived from its current members, never stored.
/// </summary>
public sealed class PortfolioQueries(RegistryDbContext db, TimeProvider time)
{
    public static AssetId ParseId(string id) =>
        AssetId.TryParse(id, out var assetId) && AssetType.FindByIdCode(assetId.TypeCode) is { IsPortfolio: true }
            ? assetId
            : throw new DomainRuleException(MarketErrors.PortfolioNotFound, "No such portfolio: a portfolio ID is an asset ID of type portfolio (FRA-PF-…).");

    public async Task<Asset> LoadVisibleAsync(AssetId id, Caller caller, CancellationToken ct)
    {
        var portfolio = await db.Assets.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id && a.Type == AssetType.Portfolio, ct);
        if (portfolio is null)
            throw new DomainRuleException(MarketErrors.PortfolioNotFound, $"No portfolio {id} is visible to you.");
        var me = caller.ParticipantId;
        var buyer = !portfolio.HasParty(me) && await db.Contracts.AnyAsync(c => c.PortfolioId == id && c.BuyerId == me && c.Status != ContractStatus.Declined, ct);
        if (!MarketVisibility.CanSeePortfolio(portfolio, caller, buyer))
            throw new DomainRuleException(MarketErrors.PortfolioNotFound, $"No portfolio {id} is visible to you.");
        return portfolio;
    }

    /// <summary>Buyers with a proposed or accepted contract on the portfolio: they hear of its membership changes.</summary>
    public async Task<IReadOnlyList<string>> BuyersAsync(AssetId portfolio, CancellationToken ct) =>
        [.. (await db.Contracts.AsNoTracking()
                .Where(c => c.PortfolioId == portfolio && (c.Status == ContractStatus.Proposed || c.Status == ContractStatus.Active))
                .Select(c => c.BuyerId).Distinct().ToListAsync(ct))
            .Select(b => b.Value)];

    public async Task<PortfolioResponse> GetAsync(AssetId id, Caller caller, CancellationToken ct) =>
        await SummaryAsync(await LoadVisibleAsync(id, caller, ct), ct);

    /// <summary>The caller's portfolios (those it registered; the registry operator: all).</summary>
    public async Task<Page<PortfolioResponse>> ListAsync(string? cursor, int? limit, Caller caller, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var size = errors.PageSize(limit, 50, 100);
        AssetId after = default;
        if (cursor is not null && !AssetId.TryParse(cursor, out after))
            errors.Add("cursor", "cursor.invalid", "cursor is not one this API issued.");
        errors.ThrowIfAny();
        var q = db.Assets.AsNoTracking().Where(a => a.Type == AssetType.Portfolio && a.Status != AssetStatus.Merged);
        if (!caller.IsRegistryOperator)
        {
            var me = caller.ParticipantId;
            q = q.Where(a => a.RegistrantId == me);
        }
        if (cursor is not null)
            q = q.Where(a => a.Id.CompareTo(after) > 0);
        var rows = await q.OrderBy(a => a.Id).Take(size + 1).ToListAsync(ct);
        var items = new List<PortfolioResponse>();
        foreach (var portfolio in rows.Take(size))
            items.Add(await SummaryAsync(portfolio, ct));
        return new Page<PortfolioResponse>(items, rows.Count > size ? rows[size - 1].Id.Value : null);
    }

    /// <summary>The portfolio with the aggregate of its current members, computed by the database.</summary>
    public async Task<PortfolioResponse> SummaryAsync(Asset portfolio, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(portfolio);
        var now = time.GetUtcNow();
        var id = portfolio.Id;
        var totals = await (
                from m in db.PortfolioMembers
                join a in db.Assets on m.AssetId equals a.Id
                where m.PortfolioId == id && m.From <= now && (m.To == null || m.To > now)
                group new { Share = m.CapacityKw ?? a.RatedCapacityKw ?? 0, Import = a.ImportCapacityKw ?? 0, Export = a.ExportCapacityKw ?? 0 } by 1 into g
                select new { Count = g.Count(), Share = g.Sum(x => x.Share), Import = g.Sum(x => x.Import), Export = g.Sum(x => x.Export) })
            .FirstOrDefaultAsync(ct);
        return new PortfolioResponse(id.Value, portfolio.RegistrantId.Value, portfolio.SerialNumber, totals?.Count ?? 0,
            (decimal)(totals?.Share ?? 0), (decimal)(totals?.Import ?? 0), (decimal)(totals?.Export ?? 0));
    }

    /// <summary>The members at <paramref name="asOf"/> (default now), or every membership ever with <paramref name="all"/>, in asset ID order.</summary>
    public async Task<Page<PortfolioMemberResponse>> MembersAsync(AssetId id, DateTimeOffset? asOf, bool all, string? cursor, int? limit, Caller caller,
        CancellationToken ct)
    {
        var errors = new FieldErrors();
        var size = errors.PageSize(limit, 100, 100);
        MembershipId? after = null;
        if (cursor is not null)
        {
            if (Guid.TryParse(cursor, out var guid))
                after = new MembershipId(guid);
            else
                errors.Add("cursor", "cursor.invalid", "cursor is not one this API issued.");
        }
        errors.ThrowIfAny();
        await LoadVisibleAsync(id, caller, ct);
        var at = asOf ?? time.GetUtcNow();
        var q = db.PortfolioMembers.AsNoTracking().Where(m => m.PortfolioId == id);
        if (!all)
            q = q.Where(m => m.From <= at && (m.To == null || m.To > at));
        if (after is { } a)
            q = q.Where(m => m.Id.CompareTo(a) > 0);
        var rows = await q.OrderBy(m => m.Id).Take(size + 1).ToListAsync(ct);
        return new Page<PortfolioMemberResponse>([.. rows.Take(size).Select(m => ToResponse(m))], rows.Count > size ? rows[size - 1].Id.ToString() : null);
    }

    public static PortfolioMemberResponse ToResponse(PortfolioMember m)
    {
        ArgumentNullException.ThrowIfNull(m);
        return new PortfolioMemberResponse(m.Id.ToString(), m.PortfolioId.Value, m.AssetId.Value, m.AssetType, (decimal?)m.CapacityKw, m.From, m.To);
    }
}
