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

    /// <summary>
    /// The name the directory searches (<see cref="Participant.SearchName"/>): its normalised words without legal forms,
    /// "&amp;"/"and", or a "T/A" / "trading as" joint, so "Octopus Energy Ltd" and "OCTOPUS ENERGY LIMITED" both read
    /// "octopus energy". A name that is nothing but legal-form words keeps them (so it is still findable).
    /// </summary>
    public static string SearchKey(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var tokens = Tokens(name).ToList();
        for (var i = tokens.Count - 2; i >= 0; i--)
        {
            if ((tokens[i], tokens[i + 1]) is ("t", "a") or ("trading", "as"))
                tokens.RemoveRange(i, 2);
        }
        // Initials written with stops ("P.L.C.", "U.K.") are one word.
        var words = new List<string>(tokens.Count);
        var initials = "";
        foreach (var token in tokens)
        {
            if (token.Length == 1 && char.IsAsciiLetter(token[0]))
            {
                initials += token;
                continue;
            }
            if (initials.Length > 0)
                words.Add(initials);
            initials = "";
            words.Add(token);
        }
        if (initials.Length > 0)
            words.Add(initials);
        var canonical = words.Select(t => Canonical.GetValueOrDefault(t, t)).Where(t => t.Length > 0).ToList();
        var core = canonical.Where(t => !LegalForms.Contains(t) && t != "&").ToList();
        return string.Join(' ', core.Count > 0 ? core : canonical);
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
