using FlexRegistry.Assets;
using FlexRegistry.Auth;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Persistence;
using FlexRegistry.Shared;
using Microsoft.EntityFrameworkCore;

namespace FlexRegistry.Market;

/// <summary>
/// Reads of operator claims: who operates an asset for which service class, from when to when. A claim is visible to
/// its operator, to the asset's parties and to the registry operator; the owner's consent evidence only to the operator
/// that holds it and the registry operator (and to the owner in the owner's view).
/// </summary>
public sealed class OperatorClaimQueries(RegistryDbContext db, TimeProvider time)
{
    public static OperatorClaimId ParseId(string id) =>
        OperatorClaimId.TryParse(id, out var claimId) ? claimId : throw new DomainRuleException(MarketErrors.ClaimNotFound, "No such operator claim.");

    public async Task<OperatorClaimResponse> GetAsync(OperatorClaimId id, Caller caller, CancellationToken ct)
    {
        var claim = await db.OperatorClaims.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct);
        var asset = claim is null ? null : await db.Assets.AsNoTracking().FirstOrDefaultAsync(a => a.Id == claim.AssetId, ct);
        if (claim is null || asset is null || !MarketVisibility.CanSeeClaim(claim, asset, caller))
            throw new DomainRuleException(MarketErrors.ClaimNotFound, $"No operator claim {id} is visible to you.");
        return claim.ToResponse(time.GetUtcNow(), MarketVisibility.CanSeeConsent(claim, caller));
    }

    /// <summary>
    /// Claims on one asset (its parties, the registry operator, and an operator for its own claims) or, without an asset,
    /// the caller's own claims; optionally those holding at <paramref name="at"/> only.
    /// </summary>
    public async Task<Page<OperatorClaimResponse>> ListAsync(string? asset, string? serviceClass, DateTimeOffset? at, string? cursor, int? limit, Caller caller,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var errors = new FieldErrors();
        AssetId assetId = default;
        if (asset is not null && !AssetId.TryParse(asset, out assetId))
            errors.Add("asset", AssetErrors.InvalidId.Code, "asset is an asset ID.");
        if (serviceClass is not null && ServiceClass.Find(serviceClass) is null)
            errors.Add("serviceClass", "field.invalid", $"serviceClass is one of {string.Join(", ", ServiceClass.All.Select(c => c.Code))}.");
        var size = errors.PageSize(limit, 50, 100);
        Guid after = default;
        if (cursor is not null && !Guid.TryParse(cursor, out after))
            errors.Add("cursor", "cursor.invalid", "cursor is not one this API issued.");
        errors.ThrowIfAny();

        var me = caller.ParticipantId;
        var q = db.OperatorClaims.AsNoTracking();
        if (asset is not null)
        {
            var target = await db.Assets.AsNoTracking().FirstOrDefaultAsync(a => a.Id == assetId, ct);
            var party = target is not null && (caller.IsRegistryOperator || target.HasParty(me));
            if (target is null)
                return new Page<OperatorClaimResponse>([], null);
            q = q.Where(c => c.AssetId == assetId);
            if (!party)
                q = q.Where(c => c.OperatorId == me);
        }
        else if (!caller.IsRegistryOperator)
            q = q.Where(c => c.OperatorId == me);
        if (serviceClass is not null)
            q = q.Where(c => c.ServiceClass == serviceClass);
        if (at is { } moment)
            q = q.Where(c => c.From <= moment && (c.To == null || c.To > moment));
        if (cursor is not null)
        {
            var afterId = new OperatorClaimId(after);
            q = q.Where(c => c.Id.CompareTo(afterId) > 0);
        }
        var rows = await q.OrderBy(c => c.Id).Take(size + 1).ToListAsync(ct);
        var now = time.GetUtcNow();
        return new Page<OperatorClaimResponse>([.. rows.Take(size).Select(c => c.ToResponse(now, MarketVisibility.CanSeeConsent(c, caller)))],
            rows.Count > size ? rows[size - 1].Id.ToString() : null);
    }
}
