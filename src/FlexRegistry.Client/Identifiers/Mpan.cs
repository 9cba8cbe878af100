namespace FlexRegistry.Shared;

/// <summary>
/// The 13-digit core of a Meter Point Administration Number (MPAN), the identifier of an
/// electricity metering point in Great Britain. The first two digits are the distributor ID;
/// the last is a check digit over the first twelve.
/// </summary>
/// <remarks>
/// Only the core is modelled: the supplementary "top line" (profile class, meter time-switch
/// code, line loss factor class) changes over the life of a meter point and is not an identifier.
/// </remarks>
public readonly record struct Mpan
{
    private static readonly int[] Primes = [3, 5, 7, 13, 17, 19, 23, 29, 31, 37, 41, 43];

    private readonly string? _value;

    private Mpan(string value) => _value = value;

    /// <summary>The 13 digits with no separators; empty for <c>default(Mpan)</c>.</summary>
    public string Value => _value ?? string.Empty;

    /// <summary>The first two digits: 10–23 are the 14 GB DNO licence areas, higher values IDNOs.</summary>
    public int DistributorId => Value.Length == 13 ? ((Value[0] - '0') * 10) + (Value[1] - '0') : 0;

    /// <summary>True when the distributor ID is one of the 14 GB DNO licence areas (10–23).</summary>
    public bool HasGbDistributorId => DnoArea.FindByDistributorId(DistributorId) is not null;

    public static string DescribeRule =>
        "13 digits (spaces and hyphens ignored); the last digit equals the sum of the first 12 digits " +
        "multiplied by 3, 5, 7, 13, 17, 19, 23, 29, 31, 37, 41, 43, taken modulo 11 and then modulo 10.";

    public static bool TryParse(string? input, out Mpan value)
    {
        value = default;
        if (input is null)
            return false;

        Span<char> digits = stackalloc char[13];
        var length = 0;
        foreach (var c in input)
        {
            if (c is ' ' or '-' || char.IsWhiteSpace(c))
                continue;
            if (!char.IsAsciiDigit(c) || length == digits.Length)
                return false;
            digits[length++] = c;
        }

        if (length != 13 || CheckDigit(digits[..12]) != digits[12])
            return false;

        value = new Mpan(new string(digits));
        return true;
    }

    public static Mpan Parse(string input) =>
        TryParse(input, out var value)
            ? value
            : throw new FormatException($"'{input}' is not a valid MPAN core: {DescribeRule}");

    /// <summary>Appends the check digit to 12 digits, for synthetic and sandbox data.</summary>
    public static string WithCheckDigit(string first12)
    {
        ArgumentNullException.ThrowIfNull(first12);
        if (first12.Length != 12 || !first12.All(char.IsAsciiDigit))
            throw new ArgumentException("Exactly 12 digits are required.", nameof(first12));
        return first12 + CheckDigit(first12);
    }

    public override string ToString() => Value;

    private static char CheckDigit(ReadOnlySpan<char> first12)
    {
        var sum = 0;
        for (var i = 0; i < 12; i++)
            sum += (first12[i] - '0') * Primes[i];
        return (char)('0' + (sum % 11 % 10));
    }
}
