using System.Linq.Expressions;
using System.Text.Json;
using FlexRegistry.Duplicates;
using FlexRegistry.Persistence;
using Microsoft.EntityFrameworkCore;

namespace FlexRegistry.Assets.Matching;

/// <summary>
/// Second-level de-duplication of a single registration, in its transaction: the blocked candidates are read in one query
/// (one index probe per blocking key, <see cref="AssetBlocking"/>), <see cref="AssetMatcher"/> decides, and review cases are
/// opened with their per-field evidence. A definite match is returned for the caller to answer like an exact duplicate.
/// Round trips: one for the advisory locks (PostgreSQL only), one for the candidates, and one more only when cases are opened.
/// </summary>
public sealed class AssetMatching(RegistryDbContext db, Journal journal)
{
    public async Task<AssetMatchOutcome> MatchAsync(Asset asset, DateTimeOffset now, CancellationToken ct)
    {
        var keys = AssetBlocking.Keys(asset).ToList();
        if (keys.Count == 0 || asset.AssetType.IsPortfolio)
            return AssetMatchOutcome.None;
        if (db.Database.IsNpgsql())
        {
            // Registrations sharing a block take turns from here to commit, so that under READ COMMITTED the later one's
            // query sees the earlier one (SQLite's database-wide write lock already serialises them). Locks are taken in a
            // fixed (sorted) order, in one statement, so two registrations cannot deadlock.
            var names = keys.Select(k => $"asset-{k.Kind}:{k.Value}").Distinct().Order(StringComparer.Ordinal).ToArray();
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtext(k)) FROM unnest({names}) AS k", ct);
        }
        var candidates = await CandidatesAsync(asset, keys, ct);
        var match = AssetMatcher.Match(asset, candidates);
        if (match.Decision == MatchDecision.Definite)
            return new AssetMatchOutcome(match.Definite!.Candidate.Id, null);
        if (match.Decision == MatchDecision.None)
            return AssetMatchOutcome.None;
        var cases = match.Cases.Select(c => OpenCase(asset, c, now)).ToList();
        db.DuplicateCases.AddRange(cases);
        journal.Append([.. cases.SelectMany(c => c.TakeEvents())]);
        await db.SaveChangesAsync(ct);
        return new AssetMatchOutcome(null, cases[0]);
    }

    /// <summary>A review case for the pair, with the evidence the reviewer reads; its parties are the registrants of both assets.</summary>
    public static DuplicateCase OpenCase(Asset asset, ScoredCandidate candidate, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(asset);
        ArgumentNullException.ThrowIfNull(candidate);
        return DuplicateCase.Open("asset", asset.Id.Value, candidate.Candidate.Id.Value, candidate.Score.Probability, candidate.Score.Weight,
            JsonSerializer.Serialize(candidate.Score.Evidence, DuplicateCase.EvidenceJsonOptions), [.. candidate.Candidate.PartyList, .. asset.PartyList], now);
    }

    /// <summary>Per block, the longest-registered assets neither merged nor decommissioned, as <see cref="AssetBlocks"/> picks them; one query (UNION ALL).</summary>
    private async Task<List<Asset>> CandidatesAsync(Asset asset, List<(BlockKind Kind, string Value)> keys, CancellationToken ct)
    {
        var id = asset.Id;
        IQueryable<Asset>? query = null;
        foreach (var (kind, value) in keys)
        {
            var block = db.Assets.AsNoTracking()
                .Where(InBlock(kind, value))
                .Where(a => a.Id != id && a.Status != AssetStatus.Merged && a.Status != AssetStatus.Decommissioned)
                .OrderBy(a => a.RegisteredAt)
                .Take(AssetBlocking.MaxPerBlock);
            query = query is null ? block : query.Concat(block);
        }
        var rows = await query!.ToListAsync(ct);
        return [.. rows.DistinctBy(a => a.Id).OrderBy(a => a.RegisteredAt)];
    }

    public static Expression<Func<Asset, bool>> InBlock(BlockKind kind, string value) => kind switch
    {
        BlockKind.Mpan => a => a.Mpan == value,
        BlockKind.Postcode => a => a.Postcode == value,
        BlockKind.Serial => a => a.SerialKey == value,
        BlockKind.Address => a => a.AddressKey == value,
        _ => a => a.GeoCell == value,
    };

    public static Expression<Func<Asset, string?>> KeyOf(BlockKind kind) => kind switch
    {
        BlockKind.Mpan => a => a.Mpan,
        BlockKind.Postcode => a => a.Postcode,
        BlockKind.Serial => a => a.SerialKey,
        BlockKind.Address => a => a.AddressKey,
        _ => a => a.GeoCell,
    };

    /// <summary>The blocks holding any of <paramref name="values"/> of one key, for a set of assets at once (an import's sweep).</summary>
    public static Expression<Func<Asset, bool>> InBlocks(BlockKind kind, List<string> values) => kind switch
    {
        BlockKind.Mpan => a => values.Contains(a.Mpan!),
        BlockKind.Postcode => a => values.Contains(a.Postcode!),
        BlockKind.Serial => a => values.Contains(a.SerialKey!),
        BlockKind.Address => a => values.Contains(a.AddressKey!),
        _ => a => values.Contains(a.GeoCell!),
    };
}

/// <summary>A single registration's matching outcome: a definite match (answer 409 naming it) or the first review case opened.</summary>
public sealed record AssetMatchOutcome(AssetId? DefiniteMatch, DuplicateCase? FirstCase)
{
    public static readonly AssetMatchOutcome None = new(null, null);
}
