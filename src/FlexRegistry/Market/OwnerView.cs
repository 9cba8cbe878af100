using System.Security.Claims;
using FlexRegistry.Assets;
using FlexRegistry.Audit;
using FlexRegistry.Auth;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Participants;
using FlexRegistry.Persistence;
using FlexRegistry.Shared;
using Microsoft.EntityFrameworkCore;

namespace FlexRegistry.Market;

/// <summary>
/// Who is looking at the owner's view: a householder's session on one asset, or a registered participant (a flex
/// owner, for the assets it is a party to; the registry operator, for any).
/// </summary>
public sealed record OwnerViewer(AssetId? SessionAsset, OwnerSessionId? Session, Caller? Participant)
{
    public static OwnerViewer From(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (user.FindFirst(OwnerAccessAuthentication.AssetClaim)?.Value is { } asset && AssetId.TryParse(asset, out var id)
            && Guid.TryParse(user.FindFirst(OwnerAccessAuthentication.SessionClaim)?.Value, out var session))
            return new OwnerViewer(id, new OwnerSessionId(session), null);
        return new OwnerViewer(null, null, Caller.From(user));
    }

    public bool IsRegistryOperator => Participant?.IsRegistryOperator == true;

    public bool MayView(Asset asset) =>
        SessionAsset is { } only ? only == asset.Id : Participant is { } p && (p.IsRegistryOperator || asset.HasParty(p.ParticipantId));

    public AuditEntry Audit(string action, string resourceType, string resourceId, string? subject, params string[] fields) =>
        Participant is { } p
            ? AuditEntry.By(p, action, resourceType, resourceId, subject, fields)
            : new AuditEntry(null, OwnerAccessAuthentication.Actor(Session!.Value), action, resourceType, resourceId, subject, fields);

    public string ActorId => Participant?.ParticipantId.Value ?? OwnerAccessAuthentication.Actor(Session!.Value);
}

/// <summary>
/// The flex owner's view (seed 003: owners "lose track of who is representing their assets for which service"): for an
/// asset, who operates it for which service class since when and on what consent, which portfolios it is in and which
/// products it is contracted to deliver through them (without the contracts' commercial terms), its conflicts, and who
/// read its data. The owner can withdraw consent for an operator claim, which ends it and tells the operator.
/// </summary>
public sealed class OwnerView(RegistryDbContext db, Journal journal, TimeProvider time)
{
    public async Task<IReadOnlyList<OwnerAssetSummary>> ListAsync(OwnerViewer viewer, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        var now = time.GetUtcNow();
        IQueryable<Asset> q = db.Assets.AsNoTracking().Where(a => a.Status != AssetStatus.Merged && a.Type != AssetType.Portfolio);
        if (viewer.SessionAsset is { } only)
            q = q.Where(a => a.Id == only);
        else if (!viewer.IsRegistryOperator)
        {
            var party = " " + viewer.Participant!.ParticipantId.Value + " ";
            q = q.Where(a => a.Parties.Contains(party));
        }
        var assets = await q.OrderBy(a => a.Id).Take(100).Select(a => new { a.Id, a.Type, a.Status }).ToListAsync(ct);
        var ids = assets.Select(a => a.Id).ToList();
        var operators = await db.OperatorClaims.AsNoTracking()
            .Where(c => ids.Contains(c.AssetId) && c.From <= now && (c.To == null || c.To > now))
            .GroupBy(c => c.AssetId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        var conflicts = await db.Conflicts.AsNoTracking()
            .Where(c => ids.Contains(c.AssetId) && c.Status == ConflictStatus.Open)
            .GroupBy(c => c.AssetId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        return [.. assets.Select(a => new OwnerAssetSummary(a.Id.Value, a.Type, a.Status.ToWire(), operators.GetValueOrDefault(a.Id), conflicts.GetValueOrDefault(a.Id)))];
    }

    public async Task<OwnerViewResponse> GetAsync(AssetId id, OwnerViewer viewer, CancellationToken ct)
    {
        var asset = await LoadAsync(id, viewer, ct);
        var now = time.GetUtcNow();
        var claims = await db.OperatorClaims.AsNoTracking().Where(c => c.AssetId == id).OrderByDescending(c => c.From).Take(100).ToListAsync(ct);
        var memberships = await db.PortfolioMembers.AsNoTracking()
            .Where(m => m.AssetId == id && (m.To == null || m.To > now)).OrderBy(m => m.From).Take(100).ToListAsync(ct);
        var portfolioIds = memberships.Select(m => m.PortfolioId).Distinct().ToList();
        var contracts = await db.Contracts.AsNoTracking()
            .Where(c => portfolioIds.Contains(c.PortfolioId) && (c.Status == ContractStatus.Active || c.Status == ContractStatus.Terminated) && c.To > now)
            .ToListAsync(ct);
        var productIds = contracts.Select(c => c.ProductId).Distinct().ToList();
        var products = await db.Products.AsNoTracking().Where(p => productIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, ct);
        var owners = await db.Assets.AsNoTracking().Where(a => portfolioIds.Contains(a.Id)).ToDictionaryAsync(a => a.Id, a => a.RegistrantId, ct);
        var conflicts = await db.Conflicts.AsNoTracking().Where(c => c.AssetId == id && c.Status != ConflictStatus.Cleared)
            .OrderByDescending(c => c.DetectedAt).Take(100).ToListAsync(ct);
        // Who read the asset's data: the access log (issue 16), per reader — how often, first and last.
        var readers = await db.AccessLogRecords.AsNoTracking().Where(r => r.AssetId == id)
            .Join(db.AccessLogEntries.AsNoTracking(), r => r.EntryId, e => e.Id, (r, e) => new { e.ReaderId, e.Id })
            .GroupBy(x => x.ReaderId).Select(g => new { ReaderId = g.Key, Count = g.Count(), First = g.Min(x => x.Id), Last = g.Max(x => x.Id) })
            .OrderByDescending(g => g.Last).Take(100).ToListAsync(ct);
        var ends = readers.SelectMany(r => new[] { r.First, r.Last }).Distinct().ToList();
        var at = await db.AccessLogEntries.AsNoTracking().Where(e => ends.Contains(e.Id)).ToDictionaryAsync(e => e.Id, e => e.At, ct);

        var named = claims.Select(c => c.OperatorId).Concat(owners.Values).Concat(contracts.Select(c => c.BuyerId)).Concat(readers.Select(r => r.ReaderId))
            .Distinct().ToList();
        // Organisations' names are in the public directory; an individual's name is personal data and is not shown.
        var names = await db.Participants.AsNoTracking().Where(p => named.Contains(p.Id) && !p.Individual)
            .ToDictionaryAsync(p => p.Id, p => p.LegalName, ct);

        var commitments = new List<OwnerCommitmentEntry>();
        foreach (var m in memberships)
        {
            var owner = owners.GetValueOrDefault(m.PortfolioId);
            var contracted = contracts.Where(c => c.PortfolioId == m.PortfolioId && c.From < (m.To ?? DateTimeOffset.MaxValue) && m.From < c.To).ToList();
            if (contracted.Count == 0)
                commitments.Add(new OwnerCommitmentEntry(m.PortfolioId.Value, owner.Value, names.GetValueOrDefault(owner), m.From, m.To,
                    null, null, null, null, null, null, null));
            foreach (var c in contracted)
            {
                var product = products.GetValueOrDefault(c.ProductId);
                commitments.Add(new OwnerCommitmentEntry(m.PortfolioId.Value, owner.Value, names.GetValueOrDefault(owner), m.From, m.To,
                    c.ProductId.ToString(), product?.Name, product?.ServiceClass, c.BuyerId.Value, names.GetValueOrDefault(c.BuyerId), c.From, c.To));
            }
        }
        return new OwnerViewResponse(
            asset.Id.Value, asset.Type, asset.Status.ToWire(), asset.Manufacturer, asset.Model, asset.PostcodeDistrict,
            [.. claims.Select(c => new OwnerOperatorEntry(c.Id.ToString(), c.OperatorId.Value, names.GetValueOrDefault(c.OperatorId), c.ServiceClass,
                c.From, c.To, c.StatusAt(now), new ConsentEvidenceDto { Reference = c.ConsentReference, Method = c.ConsentMethod, Date = c.ConsentDate }))],
            commitments,
            await ConflictView.ToResponsesAsync(db, conflicts, viewer.Participant?.ParticipantId, viewer.IsRegistryOperator, ct),
            [.. readers.Select(r => new OwnerReadEntry(r.ReaderId.Value, names.GetValueOrDefault(r.ReaderId), r.Count, at[r.First], at[r.Last]))]);
    }

    /// <summary>The owner withdraws consent for an operator claim on the asset: it ends now and the operator is told.</summary>
    public async Task<OperatorClaimResponse> WithdrawConsentAsync(AssetId id, OperatorClaimId claimId, WithdrawConsentRequest request, OwnerViewer viewer,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new FieldErrors();
        errors.MaxLength("reason", request.Reason, 500);
        errors.ThrowIfAny();
        var asset = await LoadAsync(id, viewer, ct);
        var claim = await db.OperatorClaims.FirstOrDefaultAsync(c => c.Id == claimId && c.AssetId == id, ct)
            ?? throw new DomainRuleException(MarketErrors.ClaimNotFound, $"No operator claim {claimId} on {id}.");
        var now = time.GetUtcNow();
        claim.WithdrawConsent(string.IsNullOrWhiteSpace(request.Reason) ? null : request.Reason.Trim(), asset.PartyList, now);
        journal.Append(claim.TakeEvents(), viewer.Audit("operator_claim.withdraw_consent", "operator_claim", claim.Id.ToString(), claim.OperatorId.Value, "reason"));
        try
        {
            await journal.SaveAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new DomainRuleException(CommonErrors.ConcurrencyConflict, "The claim changed meanwhile; read the view again.");
        }
        return claim.ToResponse(now, withConsent: true);
    }

    private async Task<Asset> LoadAsync(AssetId id, OwnerViewer viewer, CancellationToken ct)
    {
        var asset = await db.Assets.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, ct);
        if (asset is null || !viewer.MayView(asset))
            throw new DomainRuleException(MarketErrors.OwnerAssetNotFound, $"No asset {id} is in your view.");
        return asset;
    }
}
