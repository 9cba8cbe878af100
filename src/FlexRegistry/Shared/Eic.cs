namespace FlexRegistry.Shared;

/// <summary>
/// An ENTSO-E Energy Identification Code: 16 characters from [0-9A-Z-], the last a check
/// character computed over the first 15 (EIC Reference Manual). Used for market parties,
/// areas and resources in European and GB balancing and flexibility markets.
/// </summary>
public readonly record struct Eic
{
    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-";

    private readonly string? _value;

    private Eic(string value) => _value = value;

    /// <summary>The 16 upper-case characters; empty for <c>default(Eic)</c>.</summary>
    public string Value => _value ?? string.Empty;

    public static string DescribeRule =>
        "16 characters from 0-9, A-Z and '-' (case-insensitive); the 16th is a check character: with " +
        "0-9 = 0-9, A-Z = 10-35 and '-' = 36, weight the first 15 by 16 down to 2, sum, and the check value is " +
        "36 - ((sum - 1) mod 37); a check value of 36 ('-') is never issued.";

    public static bool TryParse(string? input, out Eic value)
    {
        value = default;
        if (input is null)
            return false;

        var trimmed = input.Trim();
        if (trimmed.Length != 16)
            return false;

        Span<char> code = stackalloc char[16];
        var sum = 0;
        for (var i = 0; i < 16; i++)
        {
            var c = char.ToUpperInvariant(trimmed[i]);
            var n = Alphabet.IndexOf(c, StringComparison.Ordinal);
            if (n < 0)
                return false;
            code[i] = c;
            if (i < 15)
                sum += n * (16 - i);
        }

        // Mathematical modulo: sum is 0 when the first 15 characters are all '0'.
        var check = 36 - ((((sum - 1) % 37) + 37) % 37);
        // A code whose check would be '-' is not issued, so a trailing '-' is never valid.
        if (check == 36 || Alphabet[check] != code[15])
            return false;

        value = new Eic(new string(code));
        return true;
    }

    public static Eic Parse(string input) =>
        TryParse(input, out var value)
            ? value
            : throw new FormatException($"'{input}' is not a valid EIC: {DescribeRule}");

    public override string ToString() => Value;
}
