using FlexRegistry.Assets;
using FlexRegistry.Audit;
using FlexRegistry.Auth;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Persistence;
using FlexRegistry.Shared;
using Microsoft.EntityFrameworkCore;

namespace FlexRegistry.Market;

/// <summary>
/// The portfolio's owner adds members for a period or ends memberships, in bulk (a 10,000-asset portfolio is one
/// request). Every member is checked before anything is stored — it exists, is visible to the owner (a party to it, or
/// operated by it under a claim), is not a portfolio, not merged, not already a member for an overlapping period — and
/// every broken rule is listed at once. Changes are dated, evented to the owner, the member's parties and the
/// portfolio's buyers, audited, and the portfolio's conflicts are checked again.
/// </summary>
public sealed class ChangePortfolioMembers(RegistryDbContext db, Journal journal, PortfolioQueries portfolios, ConflictChecks checks, TimeProvider time)
{
    public const int MaxMembersPerRequest = 10_000;

    public async Task<PortfolioMembersChangedResponse> AddAsync(AssetId portfolioId, AddPortfolioMembersRequest request, Caller caller, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var portfolio = await LoadForChangeAsync(portfolioId, caller, ct);
        if (portfolio.Status == AssetStatus.Decommissioned)
            throw new DomainRuleException(AssetErrors.Decommissioned, $"Portfolio {portfolioId} is decommissioned; it takes no new members.");
        var now = time.GetUtcNow();
        var from = request.From ?? now;
        var errors = new FieldErrors();
        Periods.Check(from, request.To, requireTo: false, maxYears: 30, errors);
        var members = request.Members ?? [];
        if (members.Count == 0)
            errors.Add("members", "field.required", "members lists at least one asset.");
        if (members.Count > MaxMembersPerRequest)
            errors.Add("members", "field.too_many", $"At most {MaxMembersPerRequest} members per request.");
        var ids = new List<AssetId?>();
        var seen = new HashSet<AssetId>();
        for (var i = 0; i < members.Count && i < MaxMembersPerRequest; i++)
        {
            if (members[i] is null)
            {
                errors.Add($"members[{i}]", "field.required", $"members[{i}] is a member (assetId and optional capacityKw).");
                ids.Add(null);
                continue;
            }
            if (!AssetId.TryParse(members[i].AssetId, out var id))
            {
                errors.Add($"members[{i}].assetId", AssetErrors.InvalidId.Code, "An asset ID is FRA-, a type code, -, 12 characters and a check character.");
                ids.Add(null);
                continue;
            }
            if (!seen.Add(id))
                errors.Add($"members[{i}].assetId", "portfolio.member_repeated", $"{id} is listed twice.");
            if (members[i].CapacityKw is <= 0 or > 10_000_000m)
                errors.Add($"members[{i}].capacityKw", "field.out_of_range", "capacityKw is more than 0 (and at most the asset's capacity).");
            ids.Add(id);
        }

        var wanted = seen.ToList();
        var assets = await db.Assets.AsNoTracking().Where(a => wanted.Contains(a.Id)).ToDictionaryAsync(a => a.Id, ct);
        var owner = portfolio.RegistrantId;
        var operated = (await db.OperatorClaims.AsNoTracking()
                .Where(c => wanted.Contains(c.AssetId) && c.OperatorId == owner && (c.To == null || c.To > now) && (c.To == null || c.From < c.To))
                .Select(c => c.AssetId).ToListAsync(ct))
            .ToHashSet();
        var to = request.To;
        var overlapping = (await db.PortfolioMembers.AsNoTracking()
                .Where(m => m.PortfolioId == portfolioId && wanted.Contains(m.AssetId) && (m.To == null || (from < m.To && m.From < m.To)) && (to == null || m.From < to))
                .Select(m => m.AssetId).ToListAsync(ct))
            .ToHashSet();
        for (var i = 0; i < ids.Count; i++)
        {
            if (ids[i] is not { } id)
                continue;
            var field = $"members[{i}].assetId";
            if (!assets.TryGetValue(id, out var asset) || !MarketVisibility.CanAddToPortfolio(asset, owner, operated.Contains(id), caller))
                errors.Add(field, "portfolio.member_not_found", $"No asset {id} is visible to the portfolio's owner.");
            else if (asset.Status == AssetStatus.Merged)
                errors.Add(field, "portfolio.member_merged", $"{id} was merged into {asset.MergedInto}; add the survivor.");
            else if (asset.Status == AssetStatus.Decommissioned)
                errors.Add(field, AssetErrors.Decommissioned.Code, $"{id} is decommissioned; it joins no portfolio.");
            else if (asset.AssetType.IsPortfolio)
                errors.Add(field, "portfolio.member_is_portfolio", $"{id} is a portfolio; a portfolio's members are assets.");
            else if (overlapping.Contains(id))
                errors.Add(field, MarketErrors.MembershipOverlaps.Code, $"{id} is already a member of {portfolioId} for part of that period.");
            else if (members[i].CapacityKw is { } share && asset.RatedCapacityKw is { } rated && (double)share > rated + 1e-9)
                errors.Add($"members[{i}].capacityKw", "portfolio.member_capacity_exceeds_asset", $"{id} is rated {rated} kW; its share cannot be more.");
        }
        if (errors.Any)
            throw new RequestValidationException(errors.All, MarketErrors.MembersInvalid);

        var buyers = await portfolios.BuyersAsync(portfolioId, ct);
        var added = new List<PortfolioMember>();
        for (var i = 0; i < ids.Count; i++)
        {
            var asset = assets[ids[i]!.Value];
            var member = PortfolioMember.Add(portfolioId, asset, (double?)members[i].CapacityKw, from, to, caller.ParticipantId,
                [owner.Value, .. asset.PartyList, .. buyers], now);
            db.PortfolioMembers.Add(member);
            added.Add(member);
        }
        journal.Append([.. added.SelectMany(m => m.TakeEvents())],
            AuditEntry.By(caller, "portfolio.members.add", "portfolio", portfolioId.Value, owner.Value, "members", "from", "to"));
        var check = checks.Queue(ConflictScope.OfPortfolio(portfolioId));
        try
        {
            await journal.SaveAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsExclusionViolation(MarketConfiguration.MembershipExclusion))
        {
            // A concurrent request added one of these assets for an overlapping period first: the database said no.
            throw new DomainRuleException(MarketErrors.MembershipOverlaps, "One of these assets was added to the portfolio for an overlapping period meanwhile; nothing was changed.");
        }
        catch (DbUpdateException e) when (e.IsRuleViolation(MarketConfiguration.OperableAsset))
        {
            // One of these assets, or the portfolio, was decommissioned meanwhile: the database said no.
            throw new DomainRuleException(AssetErrors.Decommissioned, "One of these assets, or the portfolio, was decommissioned meanwhile; nothing was changed.");
        }
        await checks.RunAsync(check, ct);
        return new PortfolioMembersChangedResponse(portfolioId.Value, [.. added.Select(m => PortfolioQueries.ToResponse(m))],
            await portfolios.SummaryAsync(portfolio, ct));
    }

    public async Task<PortfolioMembersChangedResponse> RemoveAsync(AssetId portfolioId, RemovePortfolioMembersRequest request, Caller caller, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var portfolio = await LoadForChangeAsync(portfolioId, caller, ct);
        var now = time.GetUtcNow();
        var at = request.At ?? now;
        var errors = new FieldErrors();
        if (at < now)
            errors.Add("at", "period.in_past", "Memberships end now or later; the past is not rewritten.");
        var named = request.AssetIds ?? [];
        if (named.Count == 0)
            errors.Add("assetIds", "field.required", "assetIds lists at least one member.");
        if (named.Count > MaxMembersPerRequest)
            errors.Add("assetIds", "field.too_many", $"At most {MaxMembersPerRequest} members per request.");
        var ids = new List<AssetId>();
        for (var i = 0; i < named.Count && i < MaxMembersPerRequest; i++)
        {
            if (AssetId.TryParse(named[i], out var id))
                ids.Add(id);
            else
                errors.Add($"assetIds[{i}]", AssetErrors.InvalidId.Code, "An asset ID is FRA-, a type code, -, 12 characters and a check character.");
        }
        var memberships = await db.PortfolioMembers
            .Where(m => m.PortfolioId == portfolioId && ids.Contains(m.AssetId) && (m.To == null || m.To > at))
            .ToListAsync(ct);
        var byAsset = memberships.ToLookup(m => m.AssetId);
        for (var i = 0; i < ids.Count; i++)
        {
            if (!byAsset.Contains(ids[i]))
                errors.Add($"assetIds[{i}]", "portfolio.member_not_found", $"{ids[i]} is not a member of {portfolioId} at {at:O} or later.");
        }
        if (errors.Any)
            throw new RequestValidationException(errors.All, MarketErrors.MembersInvalid);

        var buyers = await portfolios.BuyersAsync(portfolioId, ct);
        var assetIds = memberships.Select(m => m.AssetId).Distinct().ToList();
        var parties = await db.Assets.AsNoTracking().Where(a => assetIds.Contains(a.Id)).ToDictionaryAsync(a => a.Id, a => a.PartyList, ct);
        foreach (var membership in memberships)
            membership.End(at, [portfolio.RegistrantId.Value, .. parties.GetValueOrDefault(membership.AssetId) ?? [], .. buyers], now);
        journal.Append([.. memberships.SelectMany(m => m.TakeEvents())],
            AuditEntry.By(caller, "portfolio.members.remove", "portfolio", portfolioId.Value, portfolio.RegistrantId.Value, "assetIds", "at"));
        var check = checks.Queue(ConflictScope.OfPortfolio(portfolioId));
        await journal.SaveAsync(ct);
        await checks.RunAsync(check, ct);
        return new PortfolioMembersChangedResponse(portfolioId.Value, [.. memberships.Select(m => PortfolioQueries.ToResponse(m))],
            await portfolios.SummaryAsync(portfolio, ct));
    }

    private async Task<Asset> LoadForChangeAsync(AssetId portfolioId, Caller caller, CancellationToken ct)
    {
        var portfolio = await portfolios.LoadVisibleAsync(portfolioId, caller, ct);
        if (!MarketVisibility.CanChangeMembers(portfolio, caller))
            throw new DomainRuleException(MarketErrors.PortfolioNotOwner, $"Only {portfolio.RegistrantId}, the portfolio's owner, changes its members.");
        if (portfolio.Status == AssetStatus.Merged)
            throw new DomainRuleException(AssetErrors.InvalidTransition, $"Portfolio {portfolioId} was merged into {portfolio.MergedInto}; change the survivor.");
        return portfolio;
    }
}
