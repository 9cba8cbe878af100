using System.Linq.Expressions;
using FlexRegistry.Participants;
using FlexRegistry.Persistence;
using FlexRegistry.Visibility;
using Microsoft.EntityFrameworkCore;

namespace FlexRegistry.Assets;

/// <summary>
/// One kind of relationship a participant holds to an asset through the asset itself: registrant (today, from the
/// asset's parties), operating FSP (operator claims, issue 18), owner (asset parties with roles, issue 17). Each
/// feature that creates such relationships registers one source; <see cref="AssetRelations"/> takes the union, and the
/// visibility rule (<see cref="VisibilityRule"/>) never changes when a source is added.
/// </summary>
public interface IAssetRelationshipSource
{
    /// <summary>
    /// The participants holding this source's relationships to <paramref name="assets"/> at <paramref name="at"/>: those the
    /// asset rows name are added to <paramref name="parties"/> at once; those stored in other tables are returned as a query
    /// (null when there are none), which <see cref="AssetRelations.PartiesAsync(IReadOnlyList{AssetRef}, CancellationToken)"/> runs together with every other source's
    /// as one statement (UNION ALL): one round trip per read whatever the number of sources.
    /// </summary>
    IQueryable<AssetRelationRow>? Parties(IReadOnlyList<AssetRef> assets, DateTimeOffset at, AssetPartyMap parties);

    /// <summary>
    /// The assets on which <paramref name="participant"/> holds one of <paramref name="relations"/> at <paramref name="at"/>,
    /// as a predicate the database evaluates (searches, exports, notifications); null when this source supplies none of them.
    /// </summary>
    Expression<Func<Asset, bool>>? Holding(ParticipantId participant, Relation relations, DateTimeOffset at);

    /// <summary>
    /// <see cref="Holding"/> as predicates whose union is exactly it, each of which an index can answer on its own (an
    /// indexed column, or a join from the participant's rows in another table): the assets-by-area count adds them up
    /// instead of testing one <c>OR</c> on every asset (<see cref="AssetRelations.HoldingParts"/>). By default the one
    /// predicate.
    /// </summary>
    IReadOnlyList<Expression<Func<Asset, bool>>> HoldingParts(ParticipantId participant, Relation relations, DateTimeOffset at) =>
        Holding(participant, relations, at) is { } predicate ? [predicate] : [];
}

/// <summary>
/// What relationship sources read of an asset: its ID and the participants its row names (<see cref="Asset.Parties"/>).
/// Reads that never build the <see cref="Asset"/> (the export's rows) resolve relationships from these alone.
/// </summary>
public readonly record struct AssetRef(AssetId Id, string Parties)
{
    public static AssetRef Of(Asset asset)
    {
        ArgumentNullException.ThrowIfNull(asset);
        return new(asset.Id, asset.Parties);
    }
}

/// <summary>One relationship a participant holds to an asset, as a relationship source's query returns it.</summary>
/// <remarks>Settable properties, not a positional record: EF Core translates a set operation over member-init projections.</remarks>
public sealed class AssetRelationRow
{
    public AssetId AssetId { get; init; }

    public ParticipantId ParticipantId { get; init; }

    public Relation Relation { get; init; }
}

/// <summary>The participants related to each of a set of assets, and how.</summary>
public sealed class AssetPartyMap
{
    private readonly Dictionary<AssetId, Dictionary<ParticipantId, Relation>> _map = [];

    // Most assets have one party: their lists are shared, not built per asset (an export asks for every row's).
    private readonly Dictionary<ParticipantId, ParticipantId[]> _single = [];

    public void Add(AssetId asset, ParticipantId participant, Relation relation)
    {
        if (!_map.TryGetValue(asset, out var parties))
            _map[asset] = parties = [];
        parties[participant] = parties.GetValueOrDefault(participant) | relation;
    }

    public Relation RelationsOf(AssetId asset, ParticipantId participant) =>
        _map.TryGetValue(asset, out var parties) ? parties.GetValueOrDefault(participant) : Relation.None;

    /// <summary>Every participant related to the asset, in ID order.</summary>
    public IReadOnlyList<ParticipantId> PartiesOf(AssetId asset)
    {
        if (!_map.TryGetValue(asset, out var parties))
            return [];
        if (parties.Count == 1)
        {
            var only = parties.Keys.First();
            if (!_single.TryGetValue(only, out var list))
                _single[only] = list = [only];
            return list;
        }
        return [.. parties.Keys.OrderBy(p => p.Value, StringComparer.Ordinal)];
    }
}

/// <summary>
/// Today's source: the participants attached to the asset (<see cref="Asset.Parties"/>: its registrant, and the
/// registrants of duplicates merged into it) are its registrants.
/// </summary>
/// <remarks>
/// <see cref="Asset.Parties"/> always holds <see cref="Asset.RegistrantId"/> (it starts as it and only grows), so
/// "a party" is "the registrant (indexed), or a party of an asset with more than one (<see cref="Asset.SharedParties"/>:
/// the few survivors of merges, a partial index)" — the two index-usable parts of <see cref="HoldingParts"/>.
/// </remarks>
public sealed class RegistrantRelationships : IAssetRelationshipSource
{
    public IQueryable<AssetRelationRow>? Parties(IReadOnlyList<AssetRef> assets, DateTimeOffset at, AssetPartyMap parties)
    {
        ArgumentNullException.ThrowIfNull(assets);
        ArgumentNullException.ThrowIfNull(parties);
        // Many assets name the same parties (one registrant's thousands): each distinct list is split and parsed once.
        var parsed = new Dictionary<string, ParticipantId[]>(StringComparer.Ordinal);
        foreach (var asset in assets)
        {
            if (!parsed.TryGetValue(asset.Parties, out var ids))
                parsed[asset.Parties] = ids = [.. Asset.PartyListOf(asset.Parties).Select(ParticipantId.Parse)];
            foreach (var party in ids)
                parties.Add(asset.Id, party, Relation.Registrant);
        }
        return null;
    }

    public Expression<Func<Asset, bool>>? Holding(ParticipantId participant, Relation relations, DateTimeOffset at)
    {
        if ((relations & Relation.Registrant) == 0)
            return null;
        var party = " " + participant.Value + " ";
        return a => a.Parties.Contains(party);
    }

    public IReadOnlyList<Expression<Func<Asset, bool>>> HoldingParts(ParticipantId participant, Relation relations, DateTimeOffset at)
    {
        if ((relations & Relation.Registrant) == 0)
            return [];
        var party = " " + participant.Value + " ";
        return [a => a.RegistrantId == participant, Predicates.And(Asset.SharedParties, a => a.Parties.Contains(party))];
    }
}

/// <summary>The union of the registered <see cref="IAssetRelationshipSource"/>s.</summary>
public sealed class AssetRelations(IEnumerable<IAssetRelationshipSource> sources, RegistryDbContext db, TimeProvider time)
{
    private readonly IReadOnlyList<IAssetRelationshipSource> _sources = [.. sources];

    /// <summary>
    /// Every source's relationships to <paramref name="assets"/>, now. The sources' queries go to the database as one
    /// statement: a lookup by ID costs one round trip for all of them, not one per source (each round trip is a send and
    /// a wake-up on both sides, which at saturation cost more than the queries themselves).
    /// </summary>
    public Task<AssetPartyMap> PartiesAsync(IReadOnlyList<Asset> assets, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(assets);
        return PartiesAsync([.. assets.Select(AssetRef.Of)], ct);
    }

    /// <inheritdoc cref="PartiesAsync(IReadOnlyList{Asset}, CancellationToken)"/>
    public async Task<AssetPartyMap> PartiesAsync(IReadOnlyList<AssetRef> assets, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(assets);
        var map = new AssetPartyMap();
        if (assets.Count == 0)
            return map;
        var now = time.GetUtcNow();
        IQueryable<AssetRelationRow>? stored = null;
        foreach (var source in _sources)
        {
            if (source.Parties(assets, now, map) is { } query)
                stored = stored is null ? query : stored.Concat(query);
        }
        if (stored is not null)
        {
            foreach (var row in await stored.ToListAsync(ct))
                map.Add(row.AssetId, row.ParticipantId, row.Relation);
        }
        return map;
    }

    /// <summary>Assets on which <paramref name="participant"/> holds one of <paramref name="relations"/>, as one predicate (false when none can).</summary>
    public Expression<Func<Asset, bool>> Holding(ParticipantId participant, Relation relations)
    {
        var now = time.GetUtcNow();
        Expression<Func<Asset, bool>>? any = null;
        foreach (var source in _sources)
        {
            if (source.Holding(participant, relations, now) is { } predicate)
                any = any is null ? predicate : Predicates.Or(any, predicate);
        }
        return any ?? (a => false);
    }

    /// <summary>
    /// <see cref="Holding"/> as disjoint predicates, each index-usable: every source's <see cref="IAssetRelationshipSource.HoldingParts"/>
    /// in turn, each part without the assets an earlier part already holds (tested only on the part's own rows). An asset
    /// held satisfies exactly one of them, so counts over the parts add up to the count over <see cref="Holding"/>.
    /// </summary>
    public IReadOnlyList<Expression<Func<Asset, bool>>> HoldingParts(ParticipantId participant, Relation relations)
    {
        var now = time.GetUtcNow();
        var parts = new List<Expression<Func<Asset, bool>>>();
        Expression<Func<Asset, bool>>? earlier = null;
        foreach (var part in _sources.SelectMany(s => s.HoldingParts(participant, relations, now)))
        {
            parts.Add(earlier is null ? part : Predicates.And(part, Predicates.Not(earlier)));
            earlier = earlier is null ? part : Predicates.Or(earlier, part);
        }
        return parts;
    }

    /// <summary>Of <paramref name="assets"/>, those on which <paramref name="participant"/> holds a party relationship (registrant, operating FSP, owner).</summary>
    public async Task<IReadOnlySet<AssetId>> HeldAsync(IReadOnlyCollection<AssetId> assets, ParticipantId participant, CancellationToken ct)
    {
        var ids = assets.ToList();
        var rows = await db.Assets.AsNoTracking().Where(a => ids.Contains(a.Id)).ToListAsync(ct);
        var parties = await PartiesAsync(rows, ct);
        return rows.Where(a => (parties.RelationsOf(a.Id, participant) & Relations.Parties) != 0).Select(a => a.Id).ToHashSet();
    }
}

/// <summary>Combines LINQ predicates for EF (one parameter, rebound), so features can add conditions without knowing each other.</summary>
public static class Predicates
{
    public static Expression<Func<T, bool>> Or<T>(Expression<Func<T, bool>> left, Expression<Func<T, bool>> right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        var parameter = left.Parameters[0];
        var body = new Rebind(right.Parameters[0], parameter).Visit(right.Body)!;
        return Expression.Lambda<Func<T, bool>>(Expression.OrElse(left.Body, body), parameter);
    }

    public static Expression<Func<T, bool>> And<T>(Expression<Func<T, bool>> left, Expression<Func<T, bool>> right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        var parameter = left.Parameters[0];
        var body = new Rebind(right.Parameters[0], parameter).Visit(right.Body)!;
        return Expression.Lambda<Func<T, bool>>(Expression.AndAlso(left.Body, body), parameter);
    }

    public static Expression<Func<T, bool>> Not<T>(Expression<Func<T, bool>> predicate)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        return Expression.Lambda<Func<T, bool>>(Expression.Not(predicate.Body), predicate.Parameters);
    }

    private sealed class Rebind(ParameterExpression from, ParameterExpression to) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == from ? to : base.VisitParameter(node);
    }
}
