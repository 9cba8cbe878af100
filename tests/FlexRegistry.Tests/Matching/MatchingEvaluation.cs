using System.Globalization;
using System.Text;
using FlexRegistry.Assets;
using FlexRegistry.Assets.Matching;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Participants;

namespace FlexRegistry.Tests.Matching;

/// <summary>What the register answered for one incoming row: exact key, definite match, review cases or nothing.</summary>
/// <remarks>
/// <see cref="SameDevice"/> holds the IDs that are this row's device: its counterpart in the register and any earlier
/// incoming row that described the same device again (a second near duplicate of one asset may well be found against the
/// first: that is right too).
/// </remarks>
public sealed record RowOutcome(LabelledRow Row, string? CounterpartId, IReadOnlySet<string> SameDevice, MatchDecision Decision, bool ExactKey, string? Named,
    IReadOnlyList<string> CaseCandidates)
{
    /// <summary>A duplicate answered (409) or flagged with its right counterpart named first.</summary>
    public bool FoundCounterpart => Decision != MatchDecision.None && Named is not null && SameDevice.Contains(Named);
}

/// <summary>
/// Runs a labelled set through the register's own code, in memory: the published rules (<see cref="AssetValidation"/>), the
/// aggregate (<see cref="Asset.Register"/>), the exact keys, the blocks (<see cref="AssetBlocks"/>: the keys, order and cap of
/// the database look-up) and the matcher (<see cref="AssetMatcher"/>). The register's rows first, then the incoming rows one
/// by one, each registered unless answered as a duplicate, as a second FSP's registrations would be.
/// </summary>
public static class MatchingEvaluation
{
    private static readonly DateOnly Today = new(2026, 6, 1);

    /// <param name="set">The labelled set.</param>
    /// <param name="requests">When given, filled with each registered asset's ID and request (to show what a case named).</param>
    public static IReadOnlyList<RowOutcome> Run(LabelledSet set, IDictionary<string, RegisterAssetRequest>? requests = null)
    {
        ArgumentNullException.ThrowIfNull(set);
        var start = new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);
        var providerA = ParticipantId.New();
        var providerB = ParticipantId.New();
        var byIdentity = new Dictionary<string, Asset>(StringComparer.Ordinal);
        var byMeter = new Dictionary<string, Asset>(StringComparer.Ordinal);
        var blocks = new AssetBlocks([]);
        var tick = 0;

        Asset Make(RegisterAssetRequest request, ParticipantId by)
        {
            var validation = AssetValidation.Validate(request, Today);
            if (!validation.Valid)
                throw new InvalidOperationException("The generator made an invalid row: " + string.Join("; ", validation.Errors.Select(e => $"{e.Field} {e.Code} {e.Message}")));
            return Asset.Register(validation.Data!, by, start.AddSeconds(++tick));
        }

        void Add(Asset asset)
        {
            if (asset.IdentityKey is { } i)
                byIdentity[i] = asset;
            if (asset.MeterKey is { } m)
                byMeter[m] = asset;
            blocks.Add(asset);
        }

        Asset MakeAndRemember(RegisterAssetRequest request, ParticipantId by)
        {
            var asset = Make(request, by);
            requests?.Add(asset.Id.Value, request);
            return asset;
        }

        Asset? Exact(Asset asset) =>
            (asset.IdentityKey is { } i ? byIdentity.GetValueOrDefault(i) : null) ?? (asset.MeterKey is { } m ? byMeter.GetValueOrDefault(m) : null);

        var ids = new List<string>(set.Register.Count);
        foreach (var request in set.Register)
        {
            var asset = MakeAndRemember(request, providerA);
            if (Exact(asset) is not null)
                throw new InvalidOperationException("The generator made two register rows with one exact key.");
            Add(asset);
            ids.Add(asset.Id.Value);
        }
        var outcomes = new List<RowOutcome>(set.Incoming.Count);
        // The IDs registered for each register row's device: the row itself, then incoming near duplicates registered for review.
        var devices = ids.Select(id => new HashSet<string>(StringComparer.Ordinal) { id }).ToList();
        foreach (var row in set.Incoming)
        {
            var counterpart = row.Counterpart is { } c ? ids[c] : null;
            IReadOnlySet<string> sameDevice = row.Counterpart is { } d && row.Label is RowLabel.Near or RowLabel.Exact
                ? new HashSet<string>(devices[d], StringComparer.Ordinal)
                : new HashSet<string>(StringComparer.Ordinal);
            var asset = MakeAndRemember(row.Request, providerB);
            if (Exact(asset) is { } existing)
            {
                outcomes.Add(new RowOutcome(row, counterpart, sameDevice, MatchDecision.Definite, true, existing.Id.Value, []));
                continue;
            }
            var match = AssetMatcher.Match(asset, blocks.CandidatesFor(asset, _ => true));
            if (match.Decision == MatchDecision.Definite)
            {
                outcomes.Add(new RowOutcome(row, counterpart, sameDevice, MatchDecision.Definite, false, match.Definite!.Candidate.Id.Value, []));
                continue;
            }
            outcomes.Add(match.Decision == MatchDecision.Review
                ? new RowOutcome(row, counterpart, sameDevice, MatchDecision.Review, false, match.Cases[0].Candidate.Id.Value, [.. match.Cases.Select(x => x.Candidate.Id.Value)])
                : new RowOutcome(row, counterpart, sameDevice, MatchDecision.None, false, null, []));
            Add(asset);
            if (row.Label == RowLabel.Near)
                devices[row.Counterpart!.Value].Add(asset.Id.Value);
        }
        return outcomes;
    }

    public static QualityReport Report(LabelledSet set, IReadOnlyList<RowOutcome> outcomes)
    {
        ArgumentNullException.ThrowIfNull(set);
        ArgumentNullException.ThrowIfNull(outcomes);
        var near = outcomes.Where(o => o.Row.Label == RowLabel.Near).ToList();
        var exact = outcomes.Where(o => o.Row.Label == RowLabel.Exact).ToList();
        var lookAlikes = outcomes.Where(o => o.Row.Label == RowLabel.LookAlike && o.Row.Kind != LabelledAssets.PairFromOneDelivery).ToList();
        var pairs = outcomes.Where(o => o.Row.Kind == LabelledAssets.PairFromOneDelivery).ToList();
        var fresh = outcomes.Where(o => o.Row.Label == RowLabel.New).ToList();
        var withoutSharedMpan = near.Where(o => o.Row.Request.Mpan != set.Register[o.Row.Counterpart!.Value].Mpan).ToList();

        // Every review case opened is a pair; it is right when the row is a near duplicate and the candidate its counterpart.
        // The pairs from one delivery are left out here too: they are the cases the report shows apart.
        var cases = outcomes.Where(o => o.Decision == MatchDecision.Review && o.Row.Kind != LabelledAssets.PairFromOneDelivery)
            .SelectMany(o => o.CaseCandidates.Select(c => (o, c))).ToList();
        var rightCases = cases.Count(x => x.o.Row.Label == RowLabel.Near && x.o.SameDevice.Contains(x.c));
        var definite = outcomes.Where(o => o.Decision == MatchDecision.Definite && !o.ExactKey).ToList();
        var rightDefinite = definite.Count(o => o.FoundCounterpart);
        var flags = outcomes.Where(o => o.Decision != MatchDecision.None && !o.ExactKey).ToList();
        var rightFlags = flags.Count(o => o.Row.Label == RowLabel.Near && o.FoundCounterpart);

        var nearRecall = Ratio(near.Count(o => o.FoundCounterpart), near.Count);
        var flagPrecision = Ratio(rightFlags, flags.Count);
        var f1 = flagPrecision + nearRecall == 0 ? 0 : 2 * flagPrecision * nearRecall / (flagPrecision + nearRecall);

        var table = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        table.AppendLine(inv, $"Labelled set: {set.Register.Count} registered assets; {outcomes.Count} incoming rows: {near.Count} near duplicates, {exact.Count} exact duplicates, {lookAlikes.Count} look-alikes, {fresh.Count} new.");
        table.AppendLine();
        table.AppendLine("| near duplicates, by damage (a row counts under each damage it carries) | rows | definite (409) | review | missed | wrong counterpart | recall | precision | F1 |");
        table.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var damage in near.SelectMany(o => o.Row.Damage).Distinct().Order(StringComparer.Ordinal))
        {
            var rows = near.Where(o => o.Row.Damage.Contains(damage)).ToList();
            var found = rows.Count(o => o.FoundCounterpart);
            var flagged = rows.Count(o => o.Decision != MatchDecision.None);
            var wrong = flagged - found;
            var recall = Ratio(found, rows.Count);
            var precision = Ratio(found, flagged);
            table.AppendLine(inv, $"| {damage} | {rows.Count} | {rows.Count(o => o.Decision == MatchDecision.Definite && o.FoundCounterpart)} | {rows.Count(o => o.Decision == MatchDecision.Review && o.FoundCounterpart)} | {rows.Count - flagged} | {wrong} | {recall:F3} | {precision:F3} | {F1(precision, recall):F3} |");
        }
        table.AppendLine(inv, $"| **all near duplicates** | {near.Count} | {near.Count(o => o.Decision == MatchDecision.Definite && o.FoundCounterpart)} | {near.Count(o => o.Decision == MatchDecision.Review && o.FoundCounterpart)} | {near.Count(o => o.Decision == MatchDecision.None)} | {near.Count(o => o.Decision != MatchDecision.None && !o.FoundCounterpart)} | {nearRecall:F3} | {flagPrecision:F3} | {f1:F3} |");
        table.AppendLine(inv, $"| … without a shared MPAN | {withoutSharedMpan.Count} | | | {withoutSharedMpan.Count(o => o.Decision == MatchDecision.None)} | | {Ratio(withoutSharedMpan.Count(o => o.FoundCounterpart), withoutSharedMpan.Count):F3} | | |");
        table.AppendLine(inv, $"| exact duplicates (reformatted) | {exact.Count} | {exact.Count(o => o.FoundCounterpart)} | | {exact.Count(o => !o.FoundCounterpart)} | | {Ratio(exact.Count(o => o.FoundCounterpart), exact.Count):F3} | | |");
        table.AppendLine();
        table.AppendLine("| distinct assets, by kind | rows | flagged for review | answered as duplicate | false-flag rate |");
        table.AppendLine("| --- | ---: | ---: | ---: | ---: |");
        foreach (var kind in lookAlikes.Select(o => o.Row.Kind).Distinct().Order(StringComparer.Ordinal).Append("new"))
        {
            var rows = kind == "new" ? fresh : lookAlikes.Where(o => o.Row.Kind == kind).ToList();
            table.AppendLine(inv, $"| {(kind == "new" ? "new (unlike any)" : "look-alike: " + kind)} | {rows.Count} | {rows.Count(o => o.Decision == MatchDecision.Review)} | {rows.Count(o => o.Decision == MatchDecision.Definite)} | {Ratio(rows.Count(o => o.Decision != MatchDecision.None), rows.Count):F4} |");
        }
        table.AppendLine(inv, $"| **all look-alikes** | {lookAlikes.Count} | {lookAlikes.Count(o => o.Decision == MatchDecision.Review)} | {lookAlikes.Count(o => o.Decision == MatchDecision.Definite)} | {Ratio(lookAlikes.Count(o => o.Decision != MatchDecision.None), lookAlikes.Count):F4} |");
        table.AppendLine(inv, $"| {LabelledAssets.PairFromOneDelivery} (flagged by design: no field tells it from a last-digit typo) | {pairs.Count} | {pairs.Count(o => o.Decision == MatchDecision.Review)} | {pairs.Count(o => o.Decision == MatchDecision.Definite)} | {Ratio(pairs.Count(o => o.Decision != MatchDecision.None), pairs.Count):F4} |");
        table.AppendLine();
        var reviewRate = Ratio(outcomes.Count(o => o.Decision == MatchDecision.Review), outcomes.Count);
        table.AppendLine("| overall | value | goal |");
        table.AppendLine("| --- | ---: | --- |");
        table.AppendLine(inv, $"| near-duplicate recall (409 or review, right counterpart named first) | {nearRecall:F4} ({near.Count(o => o.FoundCounterpart)}/{near.Count}) | ≥ 0.98 |");
        table.AppendLine(inv, $"| … of those without a shared MPAN | {Ratio(withoutSharedMpan.Count(o => o.FoundCounterpart), withoutSharedMpan.Count):F4} ({withoutSharedMpan.Count(o => o.FoundCounterpart)}/{withoutSharedMpan.Count}) | |");
        table.AppendLine(inv, $"| exact duplicates answered 409 with the right ID | {Ratio(exact.Count(o => o.FoundCounterpart), exact.Count):F4} ({exact.Count(o => o.FoundCounterpart)}/{exact.Count}) | 1 |");
        table.AppendLine(inv, $"| review-case precision (cases naming a true counterpart) | {Ratio(rightCases, cases.Count):F4} ({rightCases}/{cases.Count}) | ≥ 0.95 |");
        table.AppendLine(inv, $"| definite-match precision (matcher's 409s naming the true counterpart) | {Ratio(rightDefinite, definite.Count):F4} ({rightDefinite}/{definite.Count}); 95 % lower bound {LowerBound(rightDefinite, definite.Count):F4} | ≥ 0.999 |");
        table.AppendLine(inv, $"| look-alike false-flag rate | {Ratio(lookAlikes.Count(o => o.Decision != MatchDecision.None), lookAlikes.Count):F4} ({lookAlikes.Count(o => o.Decision != MatchDecision.None)}/{lookAlikes.Count}) | ≤ 0.005 |");
        var allLookAlikes = lookAlikes.Concat(pairs).ToList();
        table.AppendLine(inv, $"| … counting the pairs from one delivery too | {Ratio(allLookAlikes.Count(o => o.Decision != MatchDecision.None), allLookAlikes.Count):F4} ({allLookAlikes.Count(o => o.Decision != MatchDecision.None)}/{allLookAlikes.Count}) | |");
        table.AppendLine(inv, $"| review-case precision counting their cases as false | {Ratio(rightCases, cases.Count + pairs.Sum(o => o.CaseCandidates.Count)):F4} | |");
        table.AppendLine(inv, $"| new-asset false-flag rate | {Ratio(fresh.Count(o => o.Decision != MatchDecision.None), fresh.Count):F4} ({fresh.Count(o => o.Decision != MatchDecision.None)}/{fresh.Count}) | |");
        table.AppendLine(inv, $"| review rate (incoming rows sent to review) | {reviewRate:F4} | |");
        table.AppendLine(inv, $"| near-duplicate F1 (flags naming the true counterpart) | {f1:F4} | |");

        return new QualityReport(near.Count, nearRecall, Ratio(withoutSharedMpan.Count(o => o.FoundCounterpart), withoutSharedMpan.Count),
            withoutSharedMpan.Count, exact.Count, Ratio(exact.Count(o => o.FoundCounterpart), exact.Count), cases.Count, Ratio(rightCases, cases.Count),
            definite.Count, Ratio(rightDefinite, definite.Count), LowerBound(rightDefinite, definite.Count), lookAlikes.Count,
            Ratio(lookAlikes.Count(o => o.Decision != MatchDecision.None), lookAlikes.Count), fresh.Count,
            Ratio(fresh.Count(o => o.Decision != MatchDecision.None), fresh.Count), reviewRate, f1, table.ToString());
    }

    private static double Ratio(int part, int whole) => whole == 0 ? 1 : (double)part / whole;

    private static double F1(double precision, double recall) => precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);

    /// <summary>The one-sided 95 % lower confidence bound of a proportion (Wilson score interval).</summary>
    public static double LowerBound(int successes, int trials)
    {
        if (trials == 0)
            return 0;
        const double z = 1.6449;
        var p = (double)successes / trials;
        var denominator = 1 + (z * z / trials);
        var centre = p + (z * z / (2 * trials));
        var margin = z * Math.Sqrt((p * (1 - p) / trials) + (z * z / (4.0 * trials * trials)));
        return (centre - margin) / denominator;
    }
}

/// <summary>Precision, recall, review rate and F1 of the matcher on a labelled set, with the printed table.</summary>
public sealed record QualityReport(
    int NearDuplicates, double NearRecall, double NearRecallWithoutSharedMpan, int NearWithoutSharedMpan, int ExactDuplicates, double ExactRecall,
    int ReviewCases, double ReviewPrecision, int DefiniteDecisions, double DefinitePrecision, double DefinitePrecisionLowerBound,
    int LookAlikes, double LookAlikeFlagRate, int NewRows, double NewRowFlagRate, double ReviewRate, double F1, string Table);
