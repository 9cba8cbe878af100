namespace FlexRegistry.Shared;

/// <summary>
/// A UK postcode in its canonical form: upper case, outward code, one space, inward code
/// (e.g. "SW1A 1AA"). Only the format is checked, not that the postcode has been issued.
/// </summary>
public readonly record struct Postcode
{
    private const string FirstLetters = "ABCDEFGHIJKLMNOPRSTUWYZ";        // not Q, V, X
    private const string SecondLetters = "ABCDEFGHKLMNOPQRSTUVWXY";       // not I, J, Z
    private const string ThirdLettersA9A = "ABCDEFGHJKPSTUW";
    private const string FourthLettersAa9A = "ABEHMNPRVWXY";
    private const string InwardLetters = "ABDEFGHJLNPQRSTUWXYZ";          // not C, I, K, M, O, V

    private readonly string? _value;

    private Postcode(string value) => _value = value;

    /// <summary>The canonical postcode, e.g. "SW1A 1AA"; empty for <c>default(Postcode)</c>.</summary>
    public string Value => _value ?? string.Empty;

    /// <summary>The outward code, e.g. "SW1A".</summary>
    public string Outward => Value.Length > 4 ? Value[..^4] : string.Empty;

    /// <summary>The inward code, e.g. "1AA".</summary>
    public string Inward => Value.Length > 4 ? Value[^3..] : string.Empty;

    /// <summary>The postcode area: the leading letters of the outward code, e.g. "SW".</summary>
    public string Area => string.Concat(Outward.TakeWhile(char.IsAsciiLetter));

    /// <summary>The postcode district, which is the outward code, e.g. "SW1A".</summary>
    public string District => Outward;

    public static string DescribeRule =>
        "outward code A9, A99, AA9, AA99, A9A or AA9A, then inward code 9AA (case and spacing ignored); first letter " +
        "not Q, V or X; second letter not I, J or Z; A9A third letter from ABCDEFGHJKPSTUW; AA9A fourth letter from " +
        "ABEHMNPRVWXY; inward letters not C, I, K, M, O or V; GIR 0AA is also valid.";

    public static bool TryParse(string? input, out Postcode value)
    {
        value = default;
        if (input is null)
            return false;

        var compact = string.Concat(input.Where(c => !char.IsWhiteSpace(c))).ToUpperInvariant();
        if (compact.Length is < 5 or > 7)
            return false;

        var outward = compact[..^3];
        var inward = compact[^3..];
        var valid = compact == "GIR0AA" || (IsOutward(outward) && IsInward(inward));
        if (!valid)
            return false;

        value = new Postcode(outward + " " + inward);
        return true;
    }

    public static Postcode Parse(string input) =>
        TryParse(input, out var value)
            ? value
            : throw new FormatException($"'{input}' is not a valid UK postcode: {DescribeRule}");

    public override string ToString() => Value;

    private static bool IsInward(string inward) =>
        char.IsAsciiDigit(inward[0]) && InwardLetters.Contains(inward[1], StringComparison.Ordinal)
        && InwardLetters.Contains(inward[2], StringComparison.Ordinal);

    private static bool IsOutward(string outward)
    {
        if (!FirstLetters.Contains(outward[0], StringComparison.Ordinal))
            return false;

        // Shapes, with A a letter and 9 a digit: A9, A99, A9A, AA9, AA99, AA9A.
        return outward.Length switch
        {
            2 => char.IsAsciiDigit(outward[1]),
            3 when char.IsAsciiDigit(outward[1]) =>
                char.IsAsciiDigit(outward[2]) || ThirdLettersA9A.Contains(outward[2], StringComparison.Ordinal),
            3 => SecondLetters.Contains(outward[1], StringComparison.Ordinal) && char.IsAsciiDigit(outward[2]),
            4 => SecondLetters.Contains(outward[1], StringComparison.Ordinal) && char.IsAsciiDigit(outward[2])
                && (char.IsAsciiDigit(outward[3]) || FourthLettersAa9A.Contains(outward[3], StringComparison.Ordinal)),
            _ => false,
        };
    }
}
