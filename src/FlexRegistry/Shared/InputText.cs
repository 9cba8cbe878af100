using System.Globalization;

namespace FlexRegistry.Shared;

/// <summary>The kinds of text a field may hold. Everything a client sends as text is one of them.</summary>
public enum TextKind
{
    /// <summary>One line of printable Unicode: letters, marks, digits, punctuation, symbols and spaces (the default).</summary>
    Line,

    /// <summary>Printable Unicode and line feeds and tabs (notes, reasons, descriptions: fields marked <c>[DataType(DataType.MultilineText)]</c>).</summary>
    Paragraph,
}

/// <summary>
/// What text the register accepts, defined once for every field of every body (JSON, CSV, NDJSON): printable
/// Unicode — general categories L, M, N, P, S and Zs, plus line feed and tab for <see cref="TextKind.Paragraph"/>. Refused,
/// each class with its own code: control characters (Cc, including NUL, and the line and paragraph separators Zl, Zp),
/// bidirectional controls (the Trojan Source characters), other invisible format characters (zero-width space and
/// joiners, word joiner, byte order mark, soft hyphen: Cf), unpaired surrogates, and unassigned, non- or private-use
/// code points. Accepted text is trimmed and normalised to NFC (<see cref="Normalise"/>) before anything stores or
/// compares it, and lengths are counted in code points of the normalised text, as JSON Schema's maxLength counts them.
/// </summary>
public static class InputText
{
    /// <summary>The longest text of a field that declares no length of its own.</summary>
    public const int DefaultMaxLength = 1000;

    /// <summary>The most items of a list that declares no size of its own.</summary>
    public const int DefaultMaxItems = 100;

    public const string ControlCharacter = "text.control_character";
    public const string BidiControl = "text.bidi_control";
    public const string InvisibleCharacter = "text.invisible_character";
    public const string UnpairedSurrogate = "text.unpaired_surrogate";
    public const string NotPrintable = "text.not_printable";

    /// <summary>Every code a refused character can give, with what it means (published in docs/security.md and the errors page).</summary>
    public static readonly IReadOnlyDictionary<string, string> Codes = new Dictionary<string, string>
    {
        [ControlCharacter] = "a control character (U+0000–U+001F, U+007F–U+009F, including NUL), or a line or paragraph separator (U+2028, U+2029); line feed and tab only in multi-line fields",
        [BidiControl] = "a bidirectional control (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069) that can make text display differently from what it is",
        [InvisibleCharacter] = "an invisible format character (e.g. zero-width space U+200B, joiners U+200C/U+200D, word joiner U+2060, byte order mark U+FEFF, soft hyphen U+00AD)",
        [UnpairedSurrogate] = "half of a UTF-16 surrogate pair (e.g. \\ud800 alone): not a character",
        [NotPrintable] = "an unassigned, private-use or non-character code point",
    };

    /// <summary>The first broken rule of <paramref name="value"/> (code and message), or null when it is acceptable text.</summary>
    public static (string Code, string Message)? Problem(string value, TextKind kind = TextKind.Line)
    {
        ArgumentNullException.ThrowIfNull(value);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c is >= ' ' and < '\x7f')
                continue; // printable ASCII: the common case
            if (char.IsSurrogate(c))
            {
                if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
                {
                    var category = CharUnicodeInfo.GetUnicodeCategory(char.ConvertToUtf32(c, value[i + 1]));
                    if (Refusal(category, char.ConvertToUtf32(c, value[++i]), kind) is { } astral)
                        return astral;
                    continue;
                }
                return (UnpairedSurrogate, $"The text has an unpaired surrogate at position {i + 1}.");
            }
            if (Refusal(CharUnicodeInfo.GetUnicodeCategory(c), c, kind) is { } refusal)
                return refusal;
        }
        return null;
    }

    private static (string, string)? Refusal(UnicodeCategory category, int codePoint, TextKind kind)
    {
        var at = $"U+{codePoint:X4}";
        return category switch
        {
            UnicodeCategory.Control when kind == TextKind.Paragraph && codePoint is '\n' or '\t' => null,
            UnicodeCategory.Control or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator =>
                (ControlCharacter, $"The text holds the control character {at}."),
            UnicodeCategory.Format when IsBidiControl(codePoint) => (BidiControl, $"The text holds the bidirectional control {at}."),
            UnicodeCategory.Format => (InvisibleCharacter, $"The text holds the invisible character {at}."),
            UnicodeCategory.OtherNotAssigned or UnicodeCategory.PrivateUse or UnicodeCategory.Surrogate =>
                (NotPrintable, $"The text holds {at}, which is not a printable character."),
            _ => null,
        };
    }

    private static bool IsBidiControl(int c) => c is 0x061C or 0x200E or 0x200F or (>= 0x202A and <= 0x202E) or (>= 0x2066 and <= 0x2069);

    /// <summary>
    /// Trimmed and in NFC: the form in which text is stored, compared and measured. ICU's normaliser does it (ICU4N): the
    /// service runs in invariant-globalization mode, where string.Normalize changes nothing.
    /// </summary>
    public static string Normalise(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var trimmed = value.Trim();
        if (IsAscii(trimmed))
            return trimmed;
        var nfc = ICU4N.Text.Normalizer2.NFCInstance;
        return nfc.IsNormalized(trimmed) ? trimmed : nfc.Normalize(trimmed).Trim();
    }

    private static bool IsAscii(string value) => System.Text.Ascii.IsValid(value);

    /// <summary>Length in code points, as JSON Schema's maxLength counts.</summary>
    public static int Length(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var length = value.Length;
        foreach (var c in value)
        {
            if (char.IsLowSurrogate(c))
                length--;
        }
        return length;
    }
}
