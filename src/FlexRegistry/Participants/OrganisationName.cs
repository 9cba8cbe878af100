using System.Text;

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
        return Math.Max(jaccard, JaroWinkler(a, b) * wordRatio);
    }

    private static string[] Tokens(string name)
    {
        var folded = RemoveDiacritics(name.ToLowerInvariant()).Replace("&", " and ", StringComparison.Ordinal);
        var sb = new StringBuilder(folded.Length);
        foreach (var c in folded)
            sb.Append(char.IsLetterOrDigit(c) ? c : ' ');
        return sb.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>
    /// Folds accented Latin letters to ASCII by table: the service runs with invariant globalisation, where Unicode
    /// decomposition is not available.
    /// </summary>
    internal static string RemoveDiacritics(string s)
    {
        var sb = new StringBuilder(s.Length);
        foreach (var c in s)
        {
            var at = Accented.IndexOf(c, StringComparison.Ordinal);
            if (at >= 0)
                sb.Append(Plain[at]);
            else if (c == 'ß')
                sb.Append("ss");
            else if (c == 'æ')
                sb.Append("ae");
            else if (c == 'œ')
                sb.Append("oe");
            else
                sb.Append(c);
        }
        return sb.ToString();
    }

    private const string Accented = "àáâãäåāăąçćčďđèéêëēėęěìíîïīįłñńňòóôõöøōőŕřśšşťţùúûüūůűųýÿźżž";
    private const string Plain = "aaaaaaaaacccddeeeeeeeeiiiiiilnnnoooooooorrsssttuuuuuuuuyyzzz";

    internal static double JaroWinkler(string s1, string s2)
    {
        if (s1 == s2)
            return 1;
        var window = Math.Max(0, (Math.Max(s1.Length, s2.Length) / 2) - 1);
        var m1 = new bool[s1.Length];
        var m2 = new bool[s2.Length];
        var matches = 0;
        for (var i = 0; i < s1.Length; i++)
        {
            var lo = Math.Max(0, i - window);
            var hi = Math.Min(s2.Length - 1, i + window);
            for (var j = lo; j <= hi; j++)
            {
                if (m2[j] || s1[i] != s2[j])
                    continue;
                m1[i] = m2[j] = true;
                matches++;
                break;
            }
        }
        if (matches == 0)
            return 0;
        var transpositions = 0;
        for (int i = 0, k = 0; i < s1.Length; i++)
        {
            if (!m1[i])
                continue;
            while (!m2[k])
                k++;
            if (s1[i] != s2[k])
                transpositions++;
            k++;
        }
        var m = (double)matches;
        var jaro = ((m / s1.Length) + (m / s2.Length) + ((m - (transpositions / 2.0)) / m)) / 3;
        var prefix = 0;
        while (prefix < Math.Min(4, Math.Min(s1.Length, s2.Length)) && s1[prefix] == s2[prefix])
            prefix++;
        return jaro + (prefix * 0.1 * (1 - jaro));
    }
}
