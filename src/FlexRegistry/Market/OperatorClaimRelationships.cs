using System.Linq.Expressions;
using FlexRegistry.Assets;
using FlexRegistry.Participants;
using FlexRegistry.Persistence;
using FlexRegistry.Visibility;
using Microsoft.EntityFrameworkCore;

namespace FlexRegistry.Market;

/// <summary>
/// The operating-FSP relationship (BUC.2 step 3) for the visibility rule: a participant operates an asset while it holds
/// an operator claim on it in force at that moment (any service class). Ended, withdrawn and future claims give none.
/// </summary>
public sealed class OperatorClaimRelationships(RegistryDbContext db) : IAssetRelationshipSource
{
    public IQueryable<AssetRelationRow>? Parties(IReadOnlyList<AssetRef> assets, DateTimeOffset at, AssetPartyMap parties)
    {
        ArgumentNullException.ThrowIfNull(assets);
        var ids = assets.Select(a => a.Id).ToList();
        // One row per claim in force (several service classes give several): the map merges them.
        return db.OperatorClaims.AsNoTracking()
            .Where(c => ids.Contains(c.AssetId) && c.From <= at && (c.To == null || c.To > at))
            .Select(c => new AssetRelationRow { AssetId = c.AssetId, ParticipantId = c.OperatorId, Relation = Relation.OperatingFsp });
    }

    public Expression<Func<Asset, bool>>? Holding(ParticipantId participant, Relation relations, DateTimeOffset at)
    {
        if ((relations & Relation.OperatingFsp) == 0)
            return null;
        // The participant's claims in force, then their assets (IN, not a correlated EXISTS: both databases start from the
        // operator's rows by its index rather than test every asset).
        var operated = db.OperatorClaims.Where(c => c.OperatorId == participant && c.From <= at && (c.To == null || c.To > at)).Select(c => c.AssetId);
        return a => operated.Contains(a.Id);
    }
}
