using System.Diagnostics.CodeAnalysis;
using FlexRegistry.Shared;

namespace FlexRegistry.Participants;

/// <summary>
/// The register's one identifier for an organisation: <c>FRP-</c>, 12 random Crockford base-32 characters and a
/// check character (<see cref="CheckCharacter"/>) computed over <c>FRP</c> + the body (e.g. <c>FRP-7K3M9QX2VD4H1</c>).
/// About 60 bits of randomness: not sequential, not guessable. Input is case-insensitive.
/// </summary>
public readonly record struct ParticipantId : IParsable<ParticipantId>, IComparable<ParticipantId>
{
    public const string Prefix = "FRP-";
    private const int BodyLength = 12;
    public const int Length = 4 + BodyLength + 1;

    private ParticipantId(string value) => Value = value;

    public string Value { get; }

    public static ParticipantId New()
    {
        while (true)
        {
            var body = CheckCharacter.RandomBody(BodyLength);
            if (CheckCharacter.TryCompute("FRP" + body, out var check))
                return new ParticipantId(Prefix + body + check);
        }
    }

    public static bool TryParse([NotNullWhen(true)] string? s, out ParticipantId result)
    {
        result = default;
        if (s is null || s.Length != Length)
            return false;
        var upper = s.ToUpperInvariant();
        if (!upper.StartsWith(Prefix, StringComparison.Ordinal))
            return false;
        var body = upper.AsSpan(Prefix.Length, BodyLength);
        foreach (var c in body)
        {
            if (!CheckCharacter.IsBodyCharacter(c))
                return false;
        }
        // The check covers FRP, the body and the check character (assembled on the stack: see AssetId.TryParse).
        Span<char> checkedText = stackalloc char[3 + BodyLength + 1];
        "FRP".CopyTo(checkedText);
        upper.AsSpan(Prefix.Length).CopyTo(checkedText[3..]);
        if (!CheckCharacter.IsValid(checkedText))
            return false;
        result = new ParticipantId(upper);
        return true;
    }

    public static ParticipantId Parse(string s) =>
        TryParse(s, out var id) ? id : throw new FormatException($"'{s}' is not a valid participant ID.");

    static ParticipantId IParsable<ParticipantId>.Parse(string s, IFormatProvider? provider) => Parse(s);

    static bool IParsable<ParticipantId>.TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out ParticipantId result) =>
        TryParse(s, out result);

    public override string ToString() => Value;

    /// <summary>Ordinal, as keyset pages through participants compare IDs.</summary>
    public int CompareTo(ParticipantId other) => string.CompareOrdinal(Value, other.Value);

    public static bool operator <(ParticipantId left, ParticipantId right) => left.CompareTo(right) < 0;

    public static bool operator >(ParticipantId left, ParticipantId right) => left.CompareTo(right) > 0;

    public static bool operator <=(ParticipantId left, ParticipantId right) => left.CompareTo(right) <= 0;

    public static bool operator >=(ParticipantId left, ParticipantId right) => left.CompareTo(right) >= 0;
}
