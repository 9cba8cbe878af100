using System.Text;
using FlexRegistry.Shared.Matching;

namespace FlexRegistry.Assets.Matching;

/// <summary>How two serial numbers relate, from the same characters to unrelated.</summary>
public enum SerialRelation
{
    /// <summary>The same letters and digits (case, spaces and punctuation ignored).</summary>
    Exact,

    /// <summary>
    /// The same once characters that are read or typed for one another are folded (O and 0, I/L and 1, S and 5, Z and 2,
    /// B and 8) and leading zeros dropped (spreadsheets drop them), or one is the other with a short prefix or suffix added
    /// (a maker's prefix, a check suffix).
    /// </summary>
    Equivalent,

    /// <summary>Two adjacent characters swapped.</summary>
    Transposition,

    /// <summary>
    /// Differs only inside one run of digits, by a small number: the next unit off the same production line or the same
    /// delivery. Typical of look-alikes (flats of one development, two units bought together), so weak evidence.
    /// </summary>
    Series,

    /// <summary>One character substituted, missing or extra.</summary>
    OneEdit,

    /// <summary>Two edits apart (serials of eight characters or more).</summary>
    Similar,
    Different,
}

/// <summary>Serial numbers compared the way typos and reformatting actually damage them.</summary>
public static class SerialNumbers
{
    /// <summary>Numbers in one run of digits at most this far apart read as a series.</summary>
    public const int SeriesGap = 20;

    /// <summary>Shorter serials than this are too short for a single edit to say much.</summary>
    private const int MinimumForEdits = 6;

    /// <summary>The key blocking uses: the last eight characters of the folded serial (a prefix added or dropped keeps them).</summary>
    public static string? BlockingKey(string? serial)
    {
        var folded = Folded(AssetKeys.Normalise(serial));
        return folded.Length < 5 ? null : folded.Length <= 8 ? folded : folded[^8..];
    }

    /// <summary>Confusable characters folded to digits, leading zeros dropped.</summary>
    public static string Folded(string normalised)
    {
        ArgumentNullException.ThrowIfNull(normalised);
        var sb = new StringBuilder(normalised.Length);
        foreach (var c in normalised)
        {
            sb.Append(c switch
            {
                'O' or 'Q' => '0',
                'I' or 'L' => '1',
                'S' => '5',
                'Z' => '2',
                'B' => '8',
                _ => c,
            });
        }
        var folded = sb.ToString().TrimStart('0');
        return folded;
    }

    /// <summary>Relates two serials already normalised with <see cref="AssetKeys.Normalise"/>.</summary>
    public static SerialRelation Relate(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a == b)
            return SerialRelation.Exact;
        var fa = Folded(a);
        var fb = Folded(b);
        if (fa == fb || Contains(a, b) || Contains(fa, fb))
            return SerialRelation.Equivalent;
        var longest = Math.Max(a.Length, b.Length);
        if (a.Length == b.Length && IsTransposition(a, b))
            return longest < MinimumForEdits ? SerialRelation.Similar : SerialRelation.Transposition;
        if (a.Length == b.Length && IsSeries(a, b))
            return SerialRelation.Series;
        var distance = Math.Min(Text.EditDistance(a, b), Text.EditDistance(fa, fb));
        if (distance == 1)
            return longest < MinimumForEdits ? SerialRelation.Similar : SerialRelation.OneEdit;
        // Two edits say something only in a long stretch that differs: a maker's fixed prefix ("COSY6-…") does not count,
        // or any two serials of one short format would look alike.
        if (distance == 2 && Math.Min(a.Length, b.Length) - CommonPrefix(a, b) >= 8)
            return SerialRelation.Similar;
        return SerialRelation.Different;
    }

    private static int CommonPrefix(string a, string b)
    {
        var n = 0;
        while (n < a.Length && n < b.Length && a[n] == b[n])
            n++;
        return n;
    }

    /// <summary>One is the other with at most four characters added before or after it (and at least six in common).</summary>
    private static bool Contains(string a, string b)
    {
        var (shorter, longer) = a.Length <= b.Length ? (a, b) : (b, a);
        return shorter.Length >= 6 && longer.Length - shorter.Length <= 4 && longer.Length > shorter.Length
            && (longer.StartsWith(shorter, StringComparison.Ordinal) || longer.EndsWith(shorter, StringComparison.Ordinal));
    }

    private static bool IsTransposition(string a, string b)
    {
        var first = -1;
        for (var i = 0; i < a.Length; i++)
        {
            if (a[i] == b[i])
                continue;
            if (first >= 0)
                return i == first + 1 && a[first] == b[i] && a[i] == b[first] && a[(i + 1)..] == b[(i + 1)..];
            first = i;
        }
        return false;
    }

    /// <summary>
    /// Equal outside one run of digits, the run's numbers at most <see cref="SeriesGap"/> apart, and the run the serial's
    /// counter: a run of digits ending at most two characters before the end ("…130496Z", "…0001AB"). A difference in an
    /// earlier run (a year, a model code) is a typo, not the next unit.
    /// </summary>
    private static bool IsSeries(string a, string b)
    {
        int first = -1, last = -1;
        for (var i = 0; i < a.Length; i++)
        {
            if (a[i] == b[i])
                continue;
            if (!char.IsAsciiDigit(a[i]) || !char.IsAsciiDigit(b[i]))
                return false;
            if (first < 0)
                first = i;
            last = i;
        }
        if (first < 0)
            return false;
        // The digits from the first difference to the end of the run, in both.
        var end = last;
        while (end + 1 < a.Length && char.IsAsciiDigit(a[end + 1]) && char.IsAsciiDigit(b[end + 1]))
            end++;
        for (var i = first; i <= last; i++)
        {
            if (!char.IsAsciiDigit(a[i]) || !char.IsAsciiDigit(b[i]))
                return false;
        }
        if (end - first + 1 > 18 || end < a.Length - 3)
            return false;
        var x = long.Parse(a.AsSpan(first, end - first + 1), System.Globalization.CultureInfo.InvariantCulture);
        var y = long.Parse(b.AsSpan(first, end - first + 1), System.Globalization.CultureInfo.InvariantCulture);
        return Math.Abs(x - y) <= SeriesGap;
    }
}
