using FlexRegistry.Assets;
using FlexRegistry.Participants;
using FlexRegistry.Persistence;
using Microsoft.EntityFrameworkCore;

namespace FlexRegistry.Market;

/// <summary>
/// Who operates an asset at a moment, for the asset's field ownership and the audience of its changes: the operators of
/// its claims in force then (any service class), the same claims <see cref="OperatorClaimRelationships"/> reads.
/// </summary>
public sealed class OperatorClaimOperators(RegistryDbContext db) : IAssetOperators
{
    public IQueryable<ParticipantId> Operating(AssetId asset, DateTimeOffset at) =>
        db.OperatorClaims.AsNoTracking()
            .Where(c => c.AssetId == asset && c.From <= at && (c.To == null || c.To > at))
            .Select(c => c.OperatorId);

    public async Task<IReadOnlyList<ParticipantId>> OperatorsOfAsync(AssetId asset, DateTimeOffset at, CancellationToken ct) =>
        await Operating(asset, at).Distinct().ToListAsync(ct);
}
