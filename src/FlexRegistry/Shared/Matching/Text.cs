using System.Text;
using F23.StringSimilarity;

namespace FlexRegistry.Shared.Matching;

/// <summary>
/// Text folding and string distances for record linkage. The distances are F23.StringSimilarity's (a port of
/// java-string-similarity); this class only fixes which one each comparison uses.
/// </summary>
public static class Text
{
    private static readonly JaroWinkler JaroWinklerMeasure = new();
    private static readonly OptimalStringAlignment Osa = new();

    /// <summary>
    /// Jaro-Winkler similarity in [0, 1] (prefix bonus for up to 4 characters, applied above 0.7): small typos near the
    /// end of a word cost little, a different first letter a lot.
    /// </summary>
    public static double JaroWinkler(string a, string b) => a == b ? 1 : JaroWinklerMeasure.Similarity(a, b);

    /// <summary>
    /// Optimal string alignment distance: insertions, deletions, substitutions and transpositions of two adjacent
    /// characters each count one (a restricted Damerau-Levenshtein distance).
    /// </summary>
    public static int EditDistance(string a, string b) => a == b ? 0 : (int)Osa.Distance(a, b);

    /// <summary>
    /// Upper case with accented Latin letters folded to ASCII, by table: the service runs with invariant globalisation,
    /// where Unicode decomposition is not available.
    /// </summary>
    public static string Fold(string s)
    {
        ArgumentNullException.ThrowIfNull(s);
        var sb = new StringBuilder(s.Length);
        foreach (var c in s.ToLowerInvariant())
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
        return sb.ToString().ToUpperInvariant();
    }

    /// <summary>The letters and digits of <paramref name="s"/>, folded (<see cref="Fold"/>); everything else dropped.</summary>
    public static string Compact(string? s)
    {
        if (string.IsNullOrWhiteSpace(s))
            return "";
        var folded = Fold(s);
        var sb = new StringBuilder(folded.Length);
        foreach (var c in folded)
        {
            if (char.IsAsciiLetterOrDigit(c))
                sb.Append(c);
        }
        return sb.ToString();
    }

    /// <summary>The words of <paramref name="s"/>: runs of letters and digits, folded; "&amp;" reads as "AND".</summary>
    public static List<string> Words(string? s)
    {
        var words = new List<string>();
        if (string.IsNullOrWhiteSpace(s))
            return words;
        var folded = Fold(s).Replace("&", " AND ", StringComparison.Ordinal).Replace("'", "", StringComparison.Ordinal)
            .Replace("’", "", StringComparison.Ordinal);
        var sb = new StringBuilder();
        foreach (var c in folded)
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                sb.Append(c);
                continue;
            }
            if (sb.Length > 0)
                words.Add(sb.ToString());
            sb.Clear();
        }
        if (sb.Length > 0)
            words.Add(sb.ToString());
        return words;
    }

    /// <summary>
    /// The share of the shorter word list found in the longer (overlap coefficient), a word counting as found when it is
    /// equal or, for words of three or more letters, a typo away (Jaro-Winkler ≥ 0.9). Extra words on one side (a
    /// locality, a building name) cost nothing; a different street name or type does.
    /// </summary>
    public static double WordOverlap(IReadOnlyList<string> a, IReadOnlyList<string> b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Count == 0 || b.Count == 0)
            return 0;
        var (shorter, longer) = a.Count <= b.Count ? (a, b) : (b, a);
        var used = new bool[longer.Count];
        var found = 0;
        foreach (var word in shorter)
        {
            var at = -1;
            for (var i = 0; i < longer.Count && at < 0; i++)
            {
                if (!used[i] && longer[i] == word)
                    at = i;
            }
            for (var i = 0; i < longer.Count && at < 0; i++)
            {
                if (!used[i] && word.Length >= 3 && longer[i].Length >= 3 && JaroWinkler(word, longer[i]) >= 0.9)
                    at = i;
            }
            if (at >= 0)
            {
                used[at] = true;
                found++;
            }
        }
        return (double)found / shorter.Count;
    }

    private const string Accented = "àáâãäåāăąçćčďđèéêëēėęěìíîïīįłñńňòóôõöøōőŕřśšşťţùúûüūůűųýÿźżž";
    private const string Plain = "aaaaaaaaacccddeeeeeeeeiiiiiilnnnoooooooorrsssttuuuuuuuuyyzzz";
}
