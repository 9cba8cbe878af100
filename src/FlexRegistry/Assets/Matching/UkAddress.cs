using System.Text;
using FlexRegistry.Shared.Matching;

namespace FlexRegistry.Assets.Matching;

/// <summary>
/// The first line of a UK address taken apart for comparison: the flat or unit (<see cref="Flat"/>), the house number
/// (<see cref="Number"/>) and the remaining words (building and street names, street types in one short form). Two
/// lines describe one premises when number and flat agree and the words mostly do; "Flat 2, 10 Mill Road",
/// "2/10 Mill Rd", "10 Mill Road, Flat 2" and "Apartment 2, 10 Mill Rd." all read as flat 2 of number 10 on MILL RD.
/// </summary>
public sealed record UkAddress(string? Flat, string? Number, IReadOnlyList<string> Words, IReadOnlyList<string> Street)
{
    public static readonly UkAddress Empty = new(null, null, [], []);

    /// <summary>The street's first word: a blocking key part (<see cref="AssetBlocking.AddressKey"/>).</summary>
    public string? StreetWord => Street.Count > 0 ? Street[0] : Words.Count > 0 ? Words[0] : null;

    public bool IsEmpty => Flat is null && Number is null && Words.Count == 0;

    /// <summary>Words that introduce a flat, unit or similar part of a building; the identifier follows.</summary>
    private static readonly HashSet<string> FlatMarkers = new(StringComparer.Ordinal)
    {
        "FLAT", "FLT", "APARTMENT", "APT", "APPT", "UNIT", "SUITE", "STUDIO", "ROOM", "MAISONETTE", "PENTHOUSE",
    };

    /// <summary>Floors that name a flat ("Ground Floor Flat", "GFF"), in one code per floor.</summary>
    private static readonly Dictionary<string, string> Floors = new(StringComparer.Ordinal)
    {
        ["BASEMENT"] = "B",
        ["LOWER"] = "L",
        ["GROUND"] = "G",
        ["GRD"] = "G",
        ["GND"] = "G",
        ["FIRST"] = "1",
        ["1ST"] = "1",
        ["SECOND"] = "2",
        ["2ND"] = "2",
        ["THIRD"] = "3",
        ["3RD"] = "3",
        ["FOURTH"] = "4",
        ["4TH"] = "4",
        ["TOP"] = "T",
        ["UPPER"] = "U",
    };

    private static readonly Dictionary<string, string> FloorFlatAbbreviations = new(StringComparer.Ordinal)
    {
        ["BF"] = "BF",
        ["BSMT"] = "BF",
        ["LGF"] = "LF",
        ["GFF"] = "GF",
        ["GF"] = "GF",
        ["FFF"] = "1F",
        ["FF"] = "1F",
        ["1F"] = "1F",
        ["SFF"] = "2F",
        ["2F"] = "2F",
        ["TFF"] = "TF",
        ["TF"] = "TF",
    };

    /// <summary>
    /// Street types and other common address words in one form each (the Royal Mail / BS 7666 abbreviations): "Road" and
    /// "Rd" compare equal. "St" stays "ST" and so do "Street" and "Saint": which one is meant never matters for equality.
    /// </summary>
    private static readonly Dictionary<string, string> ShortForms = new(StringComparer.Ordinal)
    {
        ["ROAD"] = "RD",
        ["STREET"] = "ST",
        ["STR"] = "ST",
        ["SAINT"] = "ST",
        ["AVENUE"] = "AVE",
        ["AV"] = "AVE",
        ["AVE"] = "AVE",
        ["LANE"] = "LN",
        ["CLOSE"] = "CL",
        ["DRIVE"] = "DR",
        ["DRV"] = "DR",
        ["CRESCENT"] = "CRES",
        ["CRESC"] = "CRES",
        ["CR"] = "CRES",
        ["GARDENS"] = "GDNS",
        ["GDN"] = "GDNS",
        ["GROVE"] = "GR",
        ["GRO"] = "GR",
        ["TERRACE"] = "TER",
        ["TERR"] = "TER",
        ["TCE"] = "TER",
        ["PLACE"] = "PL",
        ["COURT"] = "CT",
        ["CRT"] = "CT",
        ["SQUARE"] = "SQ",
        ["PARADE"] = "PDE",
        ["PARK"] = "PK",
        ["WALK"] = "WLK",
        ["GREEN"] = "GRN",
        ["MOUNT"] = "MT",
        ["HILL"] = "HL",
        ["MEWS"] = "MWS",
        ["ROW"] = "RW",
        ["WAY"] = "WY",
        ["VIEW"] = "VW",
        ["RISE"] = "RI",
        ["BOULEVARD"] = "BLVD",
        ["BVD"] = "BLVD",
        ["COTTAGES"] = "COTTS",
        ["COTTAGE"] = "COTT",
        ["HOUSE"] = "HO",
        ["BUILDINGS"] = "BLDGS",
        ["ESTATE"] = "EST",
        ["INDUSTRIAL"] = "IND",
        ["BUSINESS"] = "BUS",
        ["CENTRE"] = "CTR",
        ["CENTER"] = "CTR",
        ["APPROACH"] = "APP",
        ["BROADWAY"] = "BDWY",
        ["CAUSEWAY"] = "CSWY",
        ["CORNER"] = "CNR",
        ["COURTYARD"] = "CTYD",
        ["EMBANKMENT"] = "EMBK",
        ["HEIGHTS"] = "HTS",
        ["LOWER"] = "LWR",
        ["UPPER"] = "UPR",
        ["GREAT"] = "GT",
        ["LITTLE"] = "LT",
        ["NORTH"] = "N",
        ["SOUTH"] = "S",
        ["EAST"] = "E",
        ["WEST"] = "W",
        ["FARM"] = "FM",
        ["MANOR"] = "MNR",
        ["CHURCH"] = "CH",
        ["MOUNTAIN"] = "MTN",
        ["VILLAS"] = "VLS",
        ["WHARF"] = "WHF",
        ["YARD"] = "YD",
        ["QUAY"] = "QY",
        ["GATE"] = "GTE",
        ["CIRCUS"] = "CIR",
    };

    /// <summary>Street types (short forms): a street name ends with one ("Mill Rd", "Victoria Ct").</summary>
    private static readonly HashSet<string> StreetTypes = new(StringComparer.Ordinal)
    {
        "RD", "ST", "AVE", "LN", "CL", "DR", "CRES", "GDNS", "GR", "TER", "PL", "CT", "SQ", "PDE", "PK", "WLK", "GRN", "MT", "HL",
        "MWS", "RW", "WY", "VW", "RI", "BLVD", "APP", "BDWY", "CSWY", "EMBK", "HTS", "WHF", "YD", "QY", "GTE", "CIR", "EST", "WYND",
        "CLOSE", "BRAE", "VALE", "END", "FIELDS", "LEA", "CROFT", "CHASE", "GARTH", "DENE", "HEOL", "FFORDD",
    };

    /// <summary>Words that say nothing about which premises it is.</summary>
    private static readonly HashSet<string> Noise = new(StringComparer.Ordinal) { "THE", "AND", "OF", "NO", "NUMBER", "AT", "ON" };

    public static UkAddress Parse(string? line)
    {
        if (string.IsNullOrWhiteSpace(line))
            return Empty;
        var tokens = Tokens(line);
        string? flat = null;
        string? number = null;
        var words = new List<string>();
        var numbers = new List<(int At, string Value)>();
        for (var i = 0; i < tokens.Count; i++)
        {
            var t = tokens[i];
            if (FlatMarkers.Contains(t) && flat is null && i + 1 < tokens.Count && IsIdentifier(tokens[i + 1]))
            {
                flat = Identifier(tokens[++i]);
                continue;
            }
            if (FlatMarkers.Contains(t) && (i + 1 == tokens.Count || !IsIdentifier(tokens[i + 1])))
                continue; // "Ground Floor Flat": the floor names it
            if (Floors.TryGetValue(t, out var floor) && i + 1 < tokens.Count && tokens[i + 1] is "FLOOR" or "FLR" or "FLAT")
            {
                flat ??= floor + "F";
                i++;
                if (i + 1 < tokens.Count && tokens[i + 1] is "FLAT" or "FLT")
                    i++;
                continue;
            }
            if (FloorFlatAbbreviations.TryGetValue(t, out var code))
            {
                flat ??= code;
                continue;
            }
            if (IsScottishFlatPosition(t))
            {
                flat ??= t;
                continue;
            }
            if (IsNumberToken(t))
            {
                numbers.Add((words.Count, t));
                continue;
            }
            if (Noise.Contains(t))
                continue;
            words.Add(ShortForms.GetValueOrDefault(t, t));
        }

        // "2/10 Mill Road" (flat 2 of number 10) — unless another number follows, as in Glasgow's "2/1, 45 Dumbarton Road"
        // (second floor, first door, of number 45).
        for (var n = 0; n < numbers.Count; n++)
        {
            var value = numbers[n].Value;
            var slash = value.IndexOf('/', StringComparison.Ordinal);
            if (slash < 0)
                continue;
            if (numbers.Count > n + 1 || flat is not null)
            {
                flat ??= value;
                numbers.RemoveAt(n);
            }
            else
            {
                flat = Identifier(value[..slash]);
                numbers[n] = (numbers[n].At, value[(slash + 1)..]);
            }
            break;
        }
        var streetAt = 0;
        if (numbers.Count >= 2 && flat is null)
        {
            // "3 Victoria Court, 12 High Street": the first number is a flat in the building, the second the street number.
            flat = Identifier(numbers[0].Value);
            (streetAt, number) = numbers[1];
        }
        else if (numbers.Count >= 1)
        {
            (streetAt, number) = numbers[^1];
        }
        return new UkAddress(flat, number, words, StreetOf(words, number is null ? 0 : streetAt));
    }

    /// <summary>
    /// The street name: from the house number (or the start) to the first street type, at most four words; a building
    /// name before the number and a locality after the street type are left out.
    /// </summary>
    private static List<string> StreetOf(List<string> words, int from)
    {
        var street = new List<string>();
        for (var i = from; i < words.Count && street.Count < 4; i++)
        {
            street.Add(words[i].Length > 12 ? words[i][..12] : words[i]);
            if (StreetTypes.Contains(words[i]) && street.Count > 1)
                return street;
        }
        // No street type within four words: the name is all there is (for a line without a number, nothing definite).
        return from == 0 && street.Count == 4 ? [] : street;
    }

    /// <summary>
    /// The premises relation of two lines: the same (number and flat agree, words alike), another flat of the same
    /// building, another number on the same street, and so on. Extra words on one side (a building or locality) are
    /// allowed; a different street name is not.
    /// </summary>
    public static AddressRelation Relate(UkAddress a, UkAddress b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.IsEmpty || b.IsEmpty)
            return AddressRelation.Unknown;
        var (numberA, flatA) = Split(a);
        var (numberB, flatB) = Split(b);
        // Without a number the words are all there is to tell premises apart ("Rose Cottage" and "Ivy Cottage, Mill Lane"):
        // then every word of the shorter line must be found in the longer.
        bool? wordsAlike;
        if (numberA is null && numberB is null)
            wordsAlike = a.Words.Count == 0 || b.Words.Count == 0 ? null : Text.WordOverlap(a.Words, b.Words) >= 1.0;
        else if (a.Street.Count > 0 && b.Street.Count > 0)
            wordsAlike = Text.WordOverlap(a.Street, b.Street) >= 0.75;
        else
            wordsAlike = a.Words.Count == 0 || b.Words.Count == 0 ? null : Text.WordOverlap(a.Words, b.Words) >= 0.75;
        if (numberA is null != numberB is null)
            return wordsAlike == false ? AddressRelation.OtherStreet : AddressRelation.Unclear;
        if (numberA is not null && numberA != numberB)
            return wordsAlike == false ? AddressRelation.OtherStreet : AddressRelation.OtherNumber;
        if (numberA is null && wordsAlike != true)
            return wordsAlike == false ? AddressRelation.OtherStreet : AddressRelation.Unclear;
        if (wordsAlike == false)
            return AddressRelation.OtherStreet;
        if (flatA == flatB)
            return AddressRelation.Same;
        return flatA is null || flatB is null ? AddressRelation.FlatUnknown : AddressRelation.OtherFlat;
    }

    /// <summary>"10A" with no flat reads as number 10, flat A, so that it meets "Flat A, 10 …" (a house split into flats).</summary>
    public static (string? Number, string? Flat) Split(UkAddress address)
    {
        if (address.Flat is null && address.Number is { Length: > 1 } n && char.IsAsciiLetter(n[^1]) && char.IsAsciiDigit(n[^2]))
            return (n[..^1], n[^1..]);
        return (address.Number, address.Flat);
    }

    private static List<string> Tokens(string line)
    {
        // Letters and digits, plus "/" and "-" between two digits ("2/10", "10-12"); "No. 5" and "5," read as 5.
        var folded = Text.Fold(line).Replace("'", "", StringComparison.Ordinal).Replace("’", "", StringComparison.Ordinal)
            .Replace("&", " AND ", StringComparison.Ordinal);
        var tokens = new List<string>();
        var sb = new StringBuilder();
        for (var i = 0; i < folded.Length; i++)
        {
            var c = folded[i];
            if (char.IsAsciiLetterOrDigit(c))
            {
                sb.Append(c);
                continue;
            }
            if (c is '/' or '-' && sb.Length > 0 && char.IsAsciiDigit(sb[^1]) && i + 1 < folded.Length && char.IsAsciiDigit(folded[i + 1]))
            {
                sb.Append(c);
                continue;
            }
            if (sb.Length > 0)
                tokens.Add(sb.ToString());
            sb.Clear();
        }
        if (sb.Length > 0)
            tokens.Add(sb.ToString());
        return tokens;
    }

    /// <summary>12, 12A, 10-12, 2/10.</summary>
    private static bool IsNumberToken(string t) =>
        t.Length > 0 && char.IsAsciiDigit(t[0]) && t.Length <= 9
        && (t.All(c => char.IsAsciiDigit(c) || c is '/' or '-') || (t[..^1].All(char.IsAsciiDigit) && char.IsAsciiLetter(t[^1])));

    /// <summary>Edinburgh's "2F1" (second floor, first flat) and similar.</summary>
    private static bool IsScottishFlatPosition(string t) =>
        t.Length is >= 3 and <= 5 && char.IsAsciiDigit(t[0]) && t.Contains('F', StringComparison.Ordinal) && !t.EndsWith('F')
        && t.All(c => char.IsAsciiDigit(c) || c == 'F') && t.Count(c => c == 'F') == 1;

    /// <summary>What may follow "Flat": 2, 2A, A, 12B, 2/1.</summary>
    private static bool IsIdentifier(string t) =>
        t.Length is >= 1 and <= 6 && (t.Any(char.IsAsciiDigit) || t.Length == 1);

    /// <summary>Leading zeros never distinguish flats ("Flat 02" is flat 2).</summary>
    private static string Identifier(string t)
    {
        if (!t.All(char.IsAsciiDigit))
            return t;
        var trimmed = t.TrimStart('0');
        return trimmed.Length == 0 ? "0" : trimmed;
    }
}

/// <summary>How two address lines relate, from the same premises to different streets.</summary>
public enum AddressRelation
{
    /// <summary>Either line is missing.</summary>
    Unknown,
    Same,

    /// <summary>Same number and street; one line names a flat, the other none.</summary>
    FlatUnknown,
    OtherFlat,
    OtherNumber,
    OtherStreet,

    /// <summary>One line has a number, the other only names (a house name): cannot say.</summary>
    Unclear,
}
