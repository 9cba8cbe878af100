using System.Globalization;

namespace FlexRegistry.Shared;

/// <summary>
/// A GB VAT registration number, held as "GB" followed by the number: 9 digits (standard),
/// 12 digits (standard plus a 3-digit branch), "GD" + 3 digits (government department,
/// 000–499) or "HA" + 3 digits (health authority, 500–999).
/// </summary>
/// <remarks>
/// The 9-digit check passes under either HMRC scheme: weights 8..2 on the first seven digits
/// plus the last two digits as a number is a multiple of 97 (numbers issued before 2010), or is
/// a multiple of 97 after adding 55 (the "9755" scheme for numbers issued since). Accepting both
/// schemes means a change of digit 2 by +6 or digit 3 by +7 can turn a valid old-scheme number
/// into a valid new-scheme one; the check cannot catch that. Northern Ireland "XI" numbers and
/// the EU-only "GD8888"/"HA8888" forms are not GB registrations and are rejected.
/// </remarks>
public readonly record struct VatNumber
{
    private static readonly int[] Weights = [8, 7, 6, 5, 4, 3, 2];

    private readonly string? _value;

    private VatNumber(string value) => _value = value;

    /// <summary>"GB" and the number, with no spaces (e.g. "GB980780684", "GBGD001"); empty for <c>default(VatNumber)</c>.</summary>
    public string Value => _value ?? string.Empty;

    public static string DescribeRule =>
        "GB, optional, then 9 digits, 12 digits (9 plus a 3-digit branch), GD + 000-499 or HA + 500-999; for the " +
        "9 digits, 8,7,6,5,4,3,2 times the first seven digits plus the last two digits as a number, with or without 55 " +
        "added, must be a multiple of 97.";

    public static bool TryParse(string? input, out VatNumber value)
    {
        value = default;
        if (input is null)
            return false;

        var number = string.Concat(input.Where(c => !char.IsWhiteSpace(c))).ToUpperInvariant();
        if (number.StartsWith("GB", StringComparison.Ordinal))
            number = number[2..];

        var valid = number.Length switch
        {
            9 or 12 => number.All(char.IsAsciiDigit) && PassesCheck(number.AsSpan(0, 9)),
            5 => IsGovernmentOrHealthAuthority(number),
            _ => false,
        };
        if (!valid)
            return false;

        value = new VatNumber("GB" + number);
        return true;
    }

    public static VatNumber Parse(string input) =>
        TryParse(input, out var value)
            ? value
            : throw new FormatException($"'{input}' is not a valid GB VAT registration number: {DescribeRule}");

    public override string ToString() => Value;

    private static bool PassesCheck(ReadOnlySpan<char> nine)
    {
        var sum = 0;
        for (var i = 0; i < 7; i++)
            sum += (nine[i] - '0') * Weights[i];
        var check = ((nine[7] - '0') * 10) + (nine[8] - '0');
        return (sum + check) % 97 == 0 || (sum + 55 + check) % 97 == 0;
    }

    private static bool IsGovernmentOrHealthAuthority(string five)
    {
        var digits = five.AsSpan(2);
        if (digits.ContainsAnyExceptInRange('0', '9'))
            return false;
        var n = int.Parse(digits, CultureInfo.InvariantCulture);
        return five[..2] switch
        {
            "GD" => n < 500,
            "HA" => n >= 500,
            _ => false,
        };
    }
}
