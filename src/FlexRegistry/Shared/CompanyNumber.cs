using System.Collections.Frozen;

namespace FlexRegistry.Shared;

/// <summary>
/// A Companies House registered number: eight characters, either eight digits (England and
/// Wales companies) or a two-character prefix and six digits.
/// </summary>
/// <remarks>
/// Accepted prefixes, from the Companies House list of company number prefixes:
/// <list type="bullet">
/// <item>none: England and Wales company; SC: Scottish company; NI: Northern Ireland company; R0: Northern Ireland company (pre-partition)</item>
/// <item>OC / SO / NC: limited liability partnership (England and Wales / Scotland / Northern Ireland)</item>
/// <item>LP / SL / NL: limited partnership; SG: Scottish qualifying partnership</item>
/// <item>FC: overseas company; SF / NF: overseas company registered in Scotland / Northern Ireland before 1 October 2009</item>
/// <item>GE / GS / GN: European Economic Interest Grouping; SE / ES / EN: European company (Societas Europaea)</item>
/// <item>AC / SA / NA: assurance company; ZC / SZ / NZ: unregistered company (s1043)</item>
/// <item>CE / CS: charitable incorporated organisation (England and Wales / Scotland)</item>
/// <item>RC / SR / NR: royal charter body; IC / SI: investment company with variable capital; IP / SP / NP: registered (industrial and provident) society</item>
/// </list>
/// Numbers with a letter suffix (some registered societies and a few LLPs) are not accepted:
/// they are rare, are registered outside Companies House, and flexibility participants are
/// companies and LLPs.
/// </remarks>
public readonly record struct CompanyNumber
{
    private static readonly FrozenSet<string> Prefixes = FrozenSet.ToFrozenSet(
    [
        "SC", "NI", "R0",
        "OC", "SO", "NC",
        "LP", "SL", "NL", "SG",
        "FC", "SF", "NF",
        "GE", "GS", "GN", "SE", "ES", "EN",
        "AC", "SA", "NA", "ZC", "SZ", "NZ",
        "CE", "CS",
        "RC", "SR", "NR", "IC", "SI", "IP", "SP", "NP",
    ], StringComparer.Ordinal);

    private readonly string? _value;

    private CompanyNumber(string value) => _value = value;

    /// <summary>The eight upper-case characters, zero-padded; empty for <c>default(CompanyNumber)</c>.</summary>
    public string Value => _value ?? string.Empty;

    /// <summary>The two-character prefix (e.g. "SC", "OC", "R0"), or null for an England and Wales company.</summary>
    public string? Prefix => Value.Length == 8 && !char.IsAsciiDigit(Value[0]) ? Value[..2] : null;

    public static string DescribeRule =>
        "8 characters: 8 digits, or a Companies House prefix (SC, NI, R0, OC, SO, NC, LP, SL, NL, SG, FC, SF, NF, " +
        "GE, GS, GN, SE, ES, EN, AC, SA, NA, ZC, SZ, NZ, CE, CS, RC, SR, NR, IC, SI, IP, SP, NP) and 6 digits; " +
        "spaces are ignored and dropped leading zeros restored.";

    public static bool TryParse(string? input, out CompanyNumber value)
    {
        value = default;
        if (input is null)
            return false;

        var compact = string.Concat(input.Where(c => !char.IsWhiteSpace(c))).ToUpperInvariant();
        if (compact.Length is 0 or > 8)
            return false;

        // A leading letter starts a prefix; "R0" is the only prefix whose second character is a digit.
        var prefix = compact.Length >= 2 && char.IsAsciiLetterUpper(compact[0]) ? compact[..2] : string.Empty;
        if (prefix.Length > 0 && !Prefixes.Contains(prefix))
            return false;

        var serial = compact[prefix.Length..];
        var width = 8 - prefix.Length;
        // Registered numbers count from 1, so a serial of only zeros is a typing error.
        if (serial.Length is 0 || serial.Length > width || !serial.All(char.IsAsciiDigit) || serial.All(c => c == '0'))
            return false;

        value = new CompanyNumber(prefix + serial.PadLeft(width, '0'));
        return true;
    }

    public static CompanyNumber Parse(string input) =>
        TryParse(input, out var value)
            ? value
            : throw new FormatException($"'{input}' is not a valid company number: {DescribeRule}");

    public override string ToString() => Value;
}
