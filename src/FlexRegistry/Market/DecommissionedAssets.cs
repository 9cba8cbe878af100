using FlexRegistry.Assets;
using FlexRegistry.Events;
using FlexRegistry.Persistence;
using Microsoft.EntityFrameworkCore;

namespace FlexRegistry.Market;

/// <summary>
/// Decommissioning an asset (BUC.2 step 7) ends what it holds in the market: its operator claims in force or not yet
/// begun (<c>endReason: asset-decommissioned</c>; the operator and the asset's parties are told), and its portfolio
/// memberships — as a member, and, for a portfolio, its members' (the portfolio's owner and the asset's parties are
/// told). Contracts are left as they are: ending one is its parties' decision; a decommissioned portfolio takes no new one.
/// Ended memberships owe a conflict check, exactly as a membership change does: queued in the same transaction
/// (<see cref="ConflictChecks"/>), run as soon as it has committed (<see cref="CommittedAsync"/>), by the worker otherwise.
/// </summary>
public sealed class DecommissionedAssets(RegistryDbContext db, ConflictChecks checks) : IAssetDecommissioning
{
    private readonly List<ConflictCheck> _owed = [];

    public async Task<IReadOnlyList<EventSource>> EndAsync(Asset asset, IReadOnlyList<string> audience, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(asset);
        ArgumentNullException.ThrowIfNull(audience);
        var id = asset.Id;
        var claims = await db.OperatorClaims.Where(c => c.AssetId == id && (c.To == null || c.To > now) && (c.To == null || c.From < c.To)).ToListAsync(ct);
        foreach (var claim in claims)
            claim.EndForDecommissioning(audience, now);

        var memberships = await db.PortfolioMembers
            .Where(m => (m.AssetId == id || m.PortfolioId == id) && (m.To == null || m.To > now) && (m.To == null || m.From < m.To))
            .ToListAsync(ct);
        var portfolioIds = memberships.Select(m => m.PortfolioId).Distinct().ToList();
        var owners = await db.Assets.AsNoTracking().Where(a => portfolioIds.Contains(a.Id)).ToDictionaryAsync(a => a.Id, a => a.RegistrantId.Value, ct);
        foreach (var membership in memberships)
            membership.End(now, [owners[membership.PortfolioId], .. audience], now);
        if (memberships.Any(m => m.AssetId == id))
            _owed.Add(checks.Queue(ConflictScope.OfAsset(id)));
        if (memberships.Any(m => m.PortfolioId == id))
            _owed.Add(checks.Queue(ConflictScope.OfPortfolio(id)));
        return [.. claims, .. memberships];
    }

    public async Task CommittedAsync(CancellationToken ct)
    {
        foreach (var check in _owed)
            await checks.RunAsync(check, ct);
        _owed.Clear();
    }
}
