using System.Diagnostics.CodeAnalysis;
using FlexRegistry.Shared;

namespace FlexRegistry.Assets;

/// <summary>
/// The register's one identifier for a physical asset (or a portfolio): <c>FRA-</c>, the two-letter type code of its
/// <see cref="AssetType"/>, <c>-</c>, 12 random Crockford base-32 characters and a check character
/// (<see cref="CheckCharacter"/>) computed over <c>FRA</c> + type code + body, e.g. <c>FRA-HP-7K3M9QX2VD4HN</c>.
/// About 60 bits of randomness: not sequential, not guessable. The check covers the type code too, so an ID whose
/// type letters were mistyped is refused. Input is case-insensitive.
/// </summary>
public readonly record struct AssetId : IParsable<AssetId>, IComparable<AssetId>
{
    public const string Prefix = "FRA-";
    private const int BodyLength = 12;
    public const int Length = 4 + 2 + 1 + BodyLength + 1;

    private AssetId(string value) => Value = value;

    public string Value { get; }

    /// <summary>The two-letter type code embedded in the ID (e.g. <c>HP</c>).</summary>
    public string TypeCode => Value.Substring(Prefix.Length, 2);

    public static AssetId New(AssetType type)
    {
        ArgumentNullException.ThrowIfNull(type);
        while (true)
        {
            // Bodies whose check value would be 36 have no check character and are never issued.
            var body = CheckCharacter.RandomBody(BodyLength);
            if (CheckCharacter.TryCompute("FRA" + type.IdCode + body, out var check))
                return new AssetId($"{Prefix}{type.IdCode}-{body}{check}");
        }
    }

    public static bool TryParse([NotNullWhen(true)] string? s, out AssetId result)
    {
        result = default;
        if (s is null || s.Length != Length)
            return false;
        var upper = s.ToUpperInvariant();
        if (!upper.StartsWith(Prefix, StringComparison.Ordinal) || upper[Prefix.Length + 2] != '-')
            return false;
        var typeCode = upper.Substring(Prefix.Length, 2);
        if (AssetType.FindByIdCode(typeCode) is null)
            return false;
        var body = upper.AsSpan(Prefix.Length + 3, BodyLength);
        foreach (var c in body)
        {
            if (!CheckCharacter.IsBodyCharacter(c))
                return false;
        }
        // The check covers FRA, the type code, the body and the check character: assembled on the stack, as every ID the
        // database returns is parsed again.
        Span<char> checkedText = stackalloc char[3 + 2 + BodyLength + 1];
        "FRA".CopyTo(checkedText);
        typeCode.CopyTo(checkedText[3..]);
        upper.AsSpan(Prefix.Length + 3).CopyTo(checkedText[5..]);
        if (!CheckCharacter.IsValid(checkedText))
            return false;
        result = new AssetId(upper);
        return true;
    }

    public static AssetId Parse(string s) =>
        TryParse(s, out var id) ? id : throw new FormatException($"'{s}' is not a valid asset ID.");

    static AssetId IParsable<AssetId>.Parse(string s, IFormatProvider? provider) => Parse(s);

    static bool IParsable<AssetId>.TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out AssetId result) =>
        TryParse(s, out result);

    public override string ToString() => Value;

    /// <summary>Ordinal order of the IDs: the keyset order of searches.</summary>
    public int CompareTo(AssetId other) => string.CompareOrdinal(Value, other.Value);

    public static bool operator <(AssetId left, AssetId right) => left.CompareTo(right) < 0;

    public static bool operator <=(AssetId left, AssetId right) => left.CompareTo(right) <= 0;

    public static bool operator >(AssetId left, AssetId right) => left.CompareTo(right) > 0;

    public static bool operator >=(AssetId left, AssetId right) => left.CompareTo(right) >= 0;
}
