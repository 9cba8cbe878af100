using System.Text;
using FlexRegistry.Shared.Matching;

namespace FlexRegistry.Participants;

/// <summary>
/// Organisation-name matching for near-duplicate detection: "Acme Energy Ltd" and "ACME ENERGY LIMITED" normalise
/// to the same string; names that differ slightly are scored by token and character similarity.
/// </summary>
public static class OrganisationName
{
    /// <summary>Legal-form words that say nothing about which organisation it is.</summary>
    private static readonly Dictionary<string, string> Canonical = new(StringComparer.Ordinal)
    {
        ["limited"] = "ltd",
        ["ltd"] = "ltd",
        ["plc"] = "plc",
        ["public"] = "",
        ["company"] = "co",
        ["co"] = "co",
        ["llp"] = "llp",
        ["lp"] = "lp",
        ["partnership"] = "lp",
        ["liability"] = "",
        ["and"] = "&",
        ["the"] = "",
        ["uk"] = "uk",
        ["group"] = "group",
        ["holdings"] = "holdings",
        ["cic"] = "cic",
    };

    private static readonly HashSet<string> LegalForms = new(StringComparer.Ordinal) { "ltd", "plc", "co", "llp", "lp", "cic", "" };

    public static string Normalise(string name)
    {
        var tokens = Tokens(name).Select(t => Canonical.GetValueOrDefault(t, t)).Where(t => t.Length > 0);
        return string.Join(' ', tokens);
    }

    /// <summary>The distinctive part of the name, without legal-form words, for scoring.</summary>
    public static string Core(string normalisedName) =>
        string.Join(' ', normalisedName.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(t => !LegalForms.Contains(t)));

    /// <summary>
    /// Similarity in [0, 1] of two normalised names: the larger of token-set Jaccard and Jaro-Winkler over the
    /// names' cores, so both word reorderings and small typos score high. Jaro-Winkler is scaled by the ratio of the
    /// names' word counts, so "Octopus Energy" and "Octopus Energy Services" (a sister company) do not look alike.
    /// </summary>
    public static double Similarity(string normalisedA, string normalisedB)
    {
        var a = Core(normalisedA);
        var b = Core(normalisedB);
        if (a.Length == 0 || b.Length == 0)
            return normalisedA == normalisedB ? 1 : 0;
        if (a == b)
            return 1;
        var ta = a.Split(' ').ToHashSet(StringComparer.Ordinal);
        var tb = b.Split(' ').ToHashSet(StringComparer.Ordinal);
        var jaccard = (double)ta.Intersect(tb).Count() / ta.Union(tb).Count();
        var wordRatio = (double)Math.Min(ta.Count, tb.Count) / Math.Max(ta.Count, tb.Count);
        return Math.Max(jaccard, Text.JaroWinkler(a, b) * wordRatio);
    }

    private static string[] Tokens(string name)
    {
        var folded = Text.Fold(name).ToLowerInvariant().Replace("&", " and ", StringComparison.Ordinal);
        var sb = new StringBuilder(folded.Length);
        foreach (var c in folded)
            sb.Append(char.IsLetterOrDigit(c) ? c : ' ');
        return sb.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries);
    }
}
