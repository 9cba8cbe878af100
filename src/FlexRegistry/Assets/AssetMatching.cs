using System.Text.Json;
using FlexRegistry.Duplicates;
using FlexRegistry.Participants;
using FlexRegistry.Persistence;
using Microsoft.EntityFrameworkCore;

namespace FlexRegistry.Assets;

/// <summary>
/// Second-level de-duplication: a new asset that shares no exact key with an existing one but looks like it.
/// Blocking keeps it cheap: only assets at the same MPAN, or at the same postcode with the same type, are compared
/// (both indexed), never the whole register. Each pair is scored per field; at or above <see cref="Threshold"/> a
/// duplicate case is opened with the per-field evidence and the new asset stays provisional.
/// </summary>
public sealed class AssetMatching(RegistryDbContext db, Journal journal)
{
    public const double Threshold = 0.8;

    /// <summary>At most this many blocked candidates are scored per asset (a block is one meter point or one postcode's assets of one type).</summary>
    public const int MaxCandidates = 200;

    private static readonly (string Field, double Weight)[] Weights =
    [
        ("mpan", 0.30), ("type", 0.15), ("ratedCapacityKw", 0.20), ("address.line1", 0.15), ("address.postcode", 0.10), ("model", 0.10),
    ];

    public async Task<DuplicateCase?> FlagNearDuplicatesAsync(Asset asset, DateTimeOffset now, CancellationToken ct)
    {
        var mpan = asset.Mpan;
        var postcode = asset.Postcode;
        var type = asset.Type;
        if (mpan is null && postcode is null)
            return null;
        if (db.Database.IsNpgsql())
        {
            // Registrations in the same block take turns from here to commit, so that under READ COMMITTED the later
            // one's query sees the earlier one (SQLite's database-wide write lock already serialises them). Locks are
            // taken in a fixed order so two registrations cannot deadlock.
            var keys = new[] { mpan is null ? null : "asset-mpan:" + mpan, postcode is null ? null : $"asset-postcode:{postcode}:{type}" }
                .OfType<string>().Order(StringComparer.Ordinal).ToList();
            // One round trip; the select list is evaluated left to right, so the order above holds.
            if (keys.Count == 2)
                await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtext({keys[0]})), pg_advisory_xact_lock(hashtext({keys[1]}))", ct);
            else
                await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtext({keys[0]}))", ct);
        }
        var id = asset.Id;
        var candidates = await db.Assets.AsNoTracking()
            .Where(a => a.Id != id && a.Status != AssetStatus.Merged && a.Status != AssetStatus.Decommissioned)
            .Where(a => (mpan != null && a.Mpan == mpan) || (postcode != null && a.Postcode == postcode && a.Type == type))
            .OrderBy(a => a.RegisteredAt)
            .Take(MaxCandidates)
            .ToListAsync(ct);

        DuplicateCase? first = null;
        foreach (var candidate in candidates)
        {
            var evidence = Evidence(asset, candidate);
            var score = Score(evidence);
            if (score < Threshold)
                continue;
            var duplicateCase = DuplicateCase.Open("asset", asset.Id.Value, candidate.Id.Value, score, JsonSerializer.Serialize(evidence),
                [.. candidate.PartyList, .. asset.PartyList], now);
            db.DuplicateCases.Add(duplicateCase);
            journal.Append(duplicateCase.TakeEvents());
            first ??= duplicateCase;
        }
        if (first is not null)
            await db.SaveChangesAsync(ct);
        return first;
    }

    /// <summary>Per-field similarity in [0, 1]; a field missing on either side is left out rather than guessed.</summary>
    public static Dictionary<string, double> Evidence(Asset a, Asset b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var evidence = new Dictionary<string, double>(StringComparer.Ordinal);
        if (a.Mpan is not null && b.Mpan is not null)
            evidence["mpan"] = a.Mpan == b.Mpan ? 1 : 0;
        evidence["type"] = a.Type == b.Type ? 1 : 0;
        if (a.RatedCapacityKw is { } ca && b.RatedCapacityKw is { } cb)
            evidence["ratedCapacityKw"] = Math.Round(CapacitySimilarity(ca, cb), 4);
        if (a.AddressLine1 is not null && b.AddressLine1 is not null)
            evidence["address.line1"] = Math.Round(TextSimilarity(a.AddressLine1, b.AddressLine1), 4);
        if (a.Postcode is not null && b.Postcode is not null)
            evidence["address.postcode"] = a.Postcode == b.Postcode ? 1 : 0;
        if (a.Model is not null && b.Model is not null)
            evidence["model"] = Math.Round(TextSimilarity($"{a.Manufacturer} {a.Model}", $"{b.Manufacturer} {b.Model}"), 4);
        return evidence;
    }

    /// <summary>The weighted mean of the fields present on both sides.</summary>
    public static double Score(IReadOnlyDictionary<string, double> evidence)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        double sum = 0, weights = 0;
        foreach (var (field, weight) in Weights)
        {
            if (evidence.TryGetValue(field, out var value))
            {
                sum += value * weight;
                weights += weight;
            }
        }
        return weights == 0 ? 0 : sum / weights;
    }

    /// <summary>1 − relative difference: 7.0 and 7.4 kW score 0.95; 7 and 22 kW score 0.32.</summary>
    public static double CapacitySimilarity(double a, double b)
    {
        var max = Math.Max(Math.Abs(a), Math.Abs(b));
        return max == 0 ? 1 : 1 - (Math.Abs(a - b) / max);
    }

    /// <summary>Token and character similarity of free text (addresses, makes and models), case and punctuation ignored.</summary>
    public static double TextSimilarity(string a, string b) =>
        OrganisationName.Similarity(OrganisationName.Normalise(a), OrganisationName.Normalise(b));
}
