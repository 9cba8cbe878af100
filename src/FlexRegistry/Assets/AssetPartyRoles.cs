using System.Linq.Expressions;
using FlexRegistry.Auth;
using FlexRegistry.Participants;
using FlexRegistry.Persistence;
using FlexRegistry.Visibility;
using Microsoft.EntityFrameworkCore;

namespace FlexRegistry.Assets;

/// <summary>
/// Who operates an asset now (operator claims: the market layer answers it, <c>Market/OperatorClaimOperators.cs</c>). The
/// one touch point between the asset's parties and operator claims: field ownership (the operating FSP's column) and the
/// audience of asset events ask it.
/// </summary>
public interface IAssetOperators
{
    /// <summary>The participants holding a current operator claim on the asset, for any service class.</summary>
    Task<IReadOnlyList<ParticipantId>> OperatorsOfAsync(AssetId asset, DateTimeOffset at, CancellationToken ct);

    /// <summary>The same as a query (a participant may appear more than once), for a caller that reads it with others in one statement.</summary>
    IQueryable<ParticipantId> Operating(AssetId asset, DateTimeOffset at);
}

/// <summary>
/// The roles participants hold on an asset: registrant (the asset's own party list), owner and installer (active
/// <see cref="AssetParty"/> attachments), operating FSP (<see cref="IAssetOperators"/>), registry operator (the token).
/// Field ownership, lifecycle transitions and party decisions are all decided from these roles; the asset's events go
/// to every participant holding one.
/// </summary>
public sealed class AssetPartyRoles
{
    private readonly RegistryDbContext _db;
    private readonly IAssetOperators _operators;
    private readonly TimeProvider _time;

    /// <summary>
    /// Each asset's active attachments and current operators, read once per unit of work: a change asks for the writer's
    /// roles and then for the audience of its events, and both come from the same two queries. Forgotten whenever the unit
    /// of work saves, so nothing read after a save is stale.
    /// </summary>
    private readonly Dictionary<AssetId, Relationships> _read = [];

    private sealed record Relationships(List<(ParticipantId Participant, string Role)> Attached, IReadOnlyList<ParticipantId> Operating);

    public AssetPartyRoles(RegistryDbContext db, IAssetOperators operators, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(db);
        _db = db;
        _operators = operators;
        _time = time;
        db.SavedChanges += (_, _) => _read.Clear();
        db.SaveChangesFailed += (_, _) => _read.Clear();
    }

    public async Task<AssetRoles> OfAsync(Asset asset, Caller caller, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(asset);
        ArgumentNullException.ThrowIfNull(caller);
        var roles = await OfAsync(asset, caller.ParticipantId, ct);
        return caller.IsRegistryOperator ? roles | AssetRoles.RegistryOperator : roles;
    }

    public async Task<AssetRoles> OfAsync(Asset asset, ParticipantId participant, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(asset);
        var roles = asset.HasParty(participant) ? AssetRoles.Registrant : AssetRoles.None;
        var read = await ReadAsync(asset.Id, ct);
        foreach (var (_, role) in read.Attached.Where(a => a.Participant == participant))
            roles |= PartyRoles.ToRole(role);
        if (read.Operating.Contains(participant))
            roles |= AssetRoles.OperatingFsp;
        return roles;
    }

    /// <summary>Every participant holding a role on the asset now: who hears of its changes.</summary>
    public async Task<IReadOnlyList<string>> PartiesOfAsync(Asset asset, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(asset);
        var read = await ReadAsync(asset.Id, ct);
        return [.. asset.PartyList.Concat(read.Attached.Select(a => a.Participant).Concat(read.Operating).Select(p => p.Value)).Distinct(StringComparer.Ordinal)];
    }

    private async Task<Relationships> ReadAsync(AssetId assetId, CancellationToken ct)
    {
        if (_read.TryGetValue(assetId, out var known))
            return known;
        // Attachments and operators in one statement (UNION ALL), one round trip: every change of an asset asks for both.
        var rows = await _db.AssetParties.AsNoTracking()
            .Where(p => p.AssetId == assetId && p.Status == AssetPartyStatus.Active)
            .Select(p => new { p.ParticipantId, p.Role, Operating = false })
            .Concat(_operators.Operating(assetId, _time.GetUtcNow()).Select(o => new { ParticipantId = o, Role = "", Operating = true }))
            .ToListAsync(ct);
        return _read[assetId] = new Relationships(
            [.. rows.Where(r => !r.Operating).Select(r => (r.ParticipantId, r.Role))],
            [.. rows.Where(r => r.Operating).Select(r => r.ParticipantId).Distinct()]);
    }

    /// <summary>The active owners of the asset (at most one: the database keeps it so).</summary>
    public async Task<AssetParty?> OwnerOfAsync(AssetId asset, CancellationToken ct) =>
        await _db.AssetParties.FirstOrDefaultAsync(p => p.AssetId == asset && p.Role == PartyRoles.Owner && p.Status == AssetPartyStatus.Active, ct);
}

/// <summary>
/// The asset parties' source of relationships for the visibility rule: an active owner holds <see cref="Relation.Owner"/>.
/// An active installer holds the owner's column too (the rule has no installer column): it sees the asset's address,
/// meter points and consent that it works with, not the registrant's working notes.
/// </summary>
public sealed class AssetPartyRelationships(RegistryDbContext db) : IAssetRelationshipSource
{
    public IQueryable<AssetRelationRow>? Parties(IReadOnlyList<AssetRef> assets, DateTimeOffset at, AssetPartyMap parties)
    {
        ArgumentNullException.ThrowIfNull(assets);
        var ids = assets.Select(a => a.Id).Distinct().ToList();
        return db.AssetParties.AsNoTracking()
            .Where(p => ids.Contains(p.AssetId) && p.Status == AssetPartyStatus.Active)
            .Select(p => new AssetRelationRow { AssetId = p.AssetId, ParticipantId = p.ParticipantId, Relation = Relation.Owner });
    }

    public Expression<Func<Asset, bool>>? Holding(ParticipantId participant, Relation relations, DateTimeOffset at)
    {
        if ((relations & Relation.Owner) == 0)
            return null;
        // The participant's attachments, then their assets (IN, not a correlated EXISTS: both databases start from the
        // participant's rows by the (ParticipantId, Status) index rather than test every asset).
        var attached = db.AssetParties.Where(p => p.ParticipantId == participant && p.Status == AssetPartyStatus.Active).Select(p => p.AssetId);
        return a => attached.Contains(a.Id);
    }
}
