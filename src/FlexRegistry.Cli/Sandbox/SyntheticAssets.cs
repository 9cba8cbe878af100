using System.Globalization;
using Bogus;
using FlexRegistry.Shared;

namespace FlexRegistry.Cli.Sandbox;

/// <summary>One synthetic asset row, in the member names of <c>RegisterAssetRequest</c>.</summary>
public sealed record SyntheticAsset(
    string Type,
    string Mpan,
    string? Manufacturer,
    string? Model,
    string SerialNumber,
    string Line1,
    string Town,
    string Postcode,
    decimal? ImportCapacityKw,
    decimal? ExportCapacityKw,
    decimal? StorageCapacityKwh,
    decimal ConnectionVoltageKv,
    string Status,
    DateOnly? CommissioningDate,
    string ConsentReference,
    string ConsentMethod,
    DateOnly ConsentDate);

/// <summary>What a generated row is: a new asset, an exact duplicate (same identity keys, other formatting) or a near duplicate.</summary>
public enum RowKind
{
    Unique,
    Duplicate,
    NearDuplicate,
}

/// <summary>
/// Realistic synthetic GB assets for sandboxes and benchmarks. Every asset is a pure function of (seed, index), so a
/// second file can carry duplicates of assets in a first one without reading it: generate the first with indices
/// 0…N−1 and the second with <c>startIndex = N</c>. MPANs are unique per index (an affine bijection of the index
/// into the ten free digits) with a real distributor ID 10–23 and a correct check digit; the postcode is in a
/// postcode area served by that DNO; types, makes, models and capacities follow the published taxonomy's bounds.
/// </summary>
public sealed class SyntheticAssets
{
    private const ulong MpanSpace = 10_000_000_000UL; // ten digits after the distributor ID, before the check digit
    private const ulong MpanMultiplier = 6_364_136_223UL; // odd and not a multiple of 5: a bijection modulo 10^10
    private const string InwardLetters = "ABDEFGHJLNPQRSTUWXYZ";
    private const string SerialAlphabet = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ";

    private static readonly (string Type, int Weight)[] TypeMix =
    [
        ("ev-chargepoint", 40), ("heat-pump", 25), ("solar-pv", 14), ("battery-storage", 10), ("v2g-chargepoint", 2),
        ("ic-demand", 3), ("other-der", 2), ("generator", 2), ("wind", 2),
    ];

    private static readonly Dictionary<string, (string Maker, string Model, string Prefix)[]> Makes = new(StringComparer.Ordinal)
    {
        ["ev-chargepoint"] = [("myenergi Ltd", "zappi v2 7kW", "ZP"), ("Ohme Technologies", "ePod", "OH"), ("Pod Point", "Solo 3", "PP"),
            ("Wallbox", "Pulsar Plus", "WB"), ("Easee", "One", "ES"), ("Andersen EV", "A2", "AN")],
        ["heat-pump"] = [("Mitsubishi Electric", "Ecodan PUZ-WM85VAA", "ME"), ("Daikin", "Altherma 3 H HT", "DK"),
            ("Vaillant", "aroTHERM plus 7kW", "VA"), ("Samsung", "EHS Mono HT Quiet", "SM"), ("Octopus Energy", "Cosy 6", "OC")],
        ["solar-pv"] = [("SolarEdge", "SE3680H", "SE"), ("Enphase", "IQ8 Combiner", "EN"), ("Fronius", "Primo GEN24", "FR"), ("SMA", "Sunny Boy 4.0", "SB")],
        ["battery-storage"] = [("Tesla", "Powerwall 3", "TP"), ("GivEnergy", "All in One", "GE"), ("SolarEdge", "Home Battery", "SH"), ("Sonnen", "sonnenBatterie 10", "SN")],
        ["v2g-chargepoint"] = [("Wallbox", "Quasar 2", "WQ"), ("Indra", "V2X", "IN")],
        ["generator"] = [("Cummins", "C1100 D5", "CU"), ("Edina", "CHP 400", "ED"), ("Caterpillar", "G3516", "CA")],
        ["wind"] = [("Ryse Energy", "E-10", "RY"), ("Enercon", "E-44", "EC"), ("Vestas", "V52", "VE")],
        ["ic-demand"] = [(null!, null!, "IC")],
        ["other-der"] = [(null!, null!, "OD")],
    };

    /// <summary>The main post town of each postcode area the DNO areas serve (<see cref="DnoArea.PostcodeAreasOf"/>).</summary>
    private static readonly Dictionary<string, string> PostTowns = new(StringComparer.Ordinal)
    {
        ["AL"] = "St Albans",
        ["CB"] = "Cambridge",
        ["CM"] = "Chelmsford",
        ["CO"] = "Colchester",
        ["EN"] = "Enfield",
        ["IG"] = "Ilford",
        ["IP"] = "Ipswich",
        ["LU"] = "Luton",
        ["MK"] = "Milton Keynes",
        ["NR"] = "Norwich",
        ["PE"] = "Peterborough",
        ["RM"] = "Romford",
        ["SG"] = "Stevenage",
        ["SS"] = "Southend-on-Sea",
        ["WD"] = "Watford",
        ["DE"] = "Derby",
        ["LE"] = "Leicester",
        ["LN"] = "Lincoln",
        ["NG"] = "Nottingham",
        ["NN"] = "Northampton",
        ["E"] = "London",
        ["EC"] = "London",
        ["N"] = "London",
        ["NW"] = "London",
        ["SE"] = "London",
        ["SW"] = "London",
        ["W"] = "London",
        ["WC"] = "London",
        ["CH"] = "Chester",
        ["CW"] = "Crewe",
        ["L"] = "Liverpool",
        ["LL"] = "Llandudno",
        ["B"] = "Birmingham",
        ["CV"] = "Coventry",
        ["DY"] = "Dudley",
        ["GL"] = "Gloucester",
        ["HR"] = "Hereford",
        ["ST"] = "Stoke-on-Trent",
        ["TF"] = "Telford",
        ["WR"] = "Worcester",
        ["WS"] = "Walsall",
        ["WV"] = "Wolverhampton",
        ["DH"] = "Durham",
        ["DL"] = "Darlington",
        ["NE"] = "Newcastle upon Tyne",
        ["SR"] = "Sunderland",
        ["TS"] = "Middlesbrough",
        ["BB"] = "Blackburn",
        ["BL"] = "Bolton",
        ["CA"] = "Carlisle",
        ["FY"] = "Blackpool",
        ["LA"] = "Lancaster",
        ["M"] = "Manchester",
        ["OL"] = "Oldham",
        ["PR"] = "Preston",
        ["SK"] = "Stockport",
        ["WN"] = "Wigan",
        ["AB"] = "Aberdeen",
        ["DD"] = "Dundee",
        ["HS"] = "Stornoway",
        ["IV"] = "Inverness",
        ["KW"] = "Kirkwall",
        ["PH"] = "Perth",
        ["ZE"] = "Lerwick",
        ["DG"] = "Dumfries",
        ["EH"] = "Edinburgh",
        ["FK"] = "Falkirk",
        ["G"] = "Glasgow",
        ["KA"] = "Kilmarnock",
        ["KY"] = "Kirkcaldy",
        ["ML"] = "Motherwell",
        ["TD"] = "Galashiels",
        ["BN"] = "Brighton",
        ["CT"] = "Canterbury",
        ["DA"] = "Dartford",
        ["ME"] = "Rochester",
        ["RH"] = "Redhill",
        ["TN"] = "Tonbridge",
        ["BH"] = "Bournemouth",
        ["GU"] = "Guildford",
        ["OX"] = "Oxford",
        ["PO"] = "Portsmouth",
        ["RG"] = "Reading",
        ["SL"] = "Slough",
        ["SN"] = "Swindon",
        ["SO"] = "Southampton",
        ["SP"] = "Salisbury",
        ["CF"] = "Cardiff",
        ["NP"] = "Newport",
        ["SA"] = "Swansea",
        ["BA"] = "Bath",
        ["BS"] = "Bristol",
        ["EX"] = "Exeter",
        ["PL"] = "Plymouth",
        ["TA"] = "Taunton",
        ["TQ"] = "Torquay",
        ["TR"] = "Truro",
        ["BD"] = "Bradford",
        ["DN"] = "Doncaster",
        ["HD"] = "Huddersfield",
        ["HG"] = "Harrogate",
        ["HU"] = "Hull",
        ["HX"] = "Halifax",
        ["LS"] = "Leeds",
        ["S"] = "Sheffield",
        ["WF"] = "Wakefield",
        ["YO"] = "York",
    };

    private static readonly string[] StreetTypes =
        ["Road", "Road", "Street", "Street", "Lane", "Avenue", "Close", "Drive", "Way", "Crescent", "Gardens", "Grove", "Terrace", "Place", "Court"];

    private static readonly string[] ConsentMethods = ["signed-contract", "online-form", "installer-declaration"];
    private static readonly DateOnly Earliest = new(2015, 1, 1);

    private readonly ulong _seed;
    private readonly string[] _streets;
    private readonly string[][] _areasByDno;

    public SyntheticAssets(int seed)
    {
        _seed = Mix((ulong)(uint)seed + 0x5EED);
        // Bogus draws the street names once per seed (GB surnames and place names with British street types); the
        // per-row work is then table look-ups.
        var faker = new Faker("en_GB") { Random = new Randomizer(seed) };
        _streets = [.. Enumerable.Range(0, 4096).Select(i => (i % 3 == 0 ? faker.Address.County().Split(' ')[0] : faker.Name.LastName()) + " " + faker.PickRandom(StreetTypes))];
        _areasByDno = [.. Enumerable.Range(10, 14).Select(d => DnoArea.PostcodeAreasOf(d).ToArray())];
    }

    /// <summary>The asset with this index: always the same for the same seed.</summary>
    public SyntheticAsset Asset(long index)
    {
        var rng = new SplitMix(_seed ^ Mix((ulong)index));
        var type = PickType(ref rng);
        var dno = 10 + rng.Next(14);
        var areas = _areasByDno[dno - 10];
        var area = areas[rng.Next(areas.Length)];
        var outward = area + (1 + rng.Next(area.Length == 1 ? 9 : 20)).ToString(CultureInfo.InvariantCulture);
        var postcode = outward + " " + (char)('0' + rng.Next(10)) + InwardLetters[rng.Next(InwardLetters.Length)] + InwardLetters[rng.Next(InwardLetters.Length)];
        var line1 = (1 + rng.Next(240)).ToString(CultureInfo.InvariantCulture) + " " + _streets[rng.Next(_streets.Length)];

        var body = ((ulong)index * MpanMultiplier + (_seed % MpanSpace)) % MpanSpace;
        var mpan = Shared.Mpan.WithCheckDigit(dno.ToString("D2", CultureInfo.InvariantCulture) + body.ToString("D10", CultureInfo.InvariantCulture));

        var makes = Makes[type];
        var make = makes[rng.Next(makes.Length)];
        var serial = make.Prefix + "-" + Serial(index);

        decimal? import = null, export = null, storage = null;
        var voltage = 0.23m;
        switch (type)
        {
            case "ev-chargepoint":
                import = Pick(ref rng, 3.6m, 7.4m, 7.4m, 7.4m, 7.4m, 11m, 22m);
                break;
            case "heat-pump":
                import = 3m + (rng.Next(27) * 0.5m);
                break;
            case "solar-pv":
                export = rng.Next(20) == 0 ? 10m + rng.Next(490) : 2m + (rng.Next(45) * 0.1m);
                voltage = export > 50 ? 0.4m : 0.23m;
                break;
            case "battery-storage":
                import = Pick(ref rng, 3m, 3.6m, 5m, 5m, 6m, 10m);
                export = import;
                storage = Pick(ref rng, 5.2m, 9.5m, 13.5m, 13.5m, 10m, 20m);
                break;
            case "v2g-chargepoint":
                import = Pick(ref rng, 7.4m, 11m);
                export = Pick(ref rng, 7.4m, 10m);
                storage = 40m + rng.Next(61);
                break;
            case "generator":
                export = 50m + (rng.Next(40) * 50m);
                voltage = 0.4m;
                break;
            case "wind":
                export = Pick(ref rng, 5m, 10m, 50m, 100m, 500m);
                voltage = export > 50 ? 0.4m : 0.23m;
                break;
            case "ic-demand":
                import = 100m + (rng.Next(100) * 50m);
                voltage = rng.Next(4) == 0 ? 6.6m : 0.4m;
                break;
            default: // other-der
                import = 10m + rng.Next(490);
                voltage = 0.4m;
                break;
        }

        var planned = rng.Next(10) == 0;
        DateOnly? commissioned = planned ? null : Earliest.AddDays(rng.Next(4000)); // 2015-01-01 … 2025-12-14
        var consentDate = (commissioned ?? Earliest.AddDays(3650)).AddDays(-rng.Next(60));
        return new SyntheticAsset(
            type, mpan, make.Maker, make.Model, serial, line1, PostTowns[area], postcode, import, export, storage, voltage,
            planned ? "planned" : "commissioned", commissioned,
            "CNS-" + (rng.NextULong() & 0xFFFF_FFFF_FFFFUL).ToString("X12", CultureInfo.InvariantCulture),
            ConsentMethods[rng.Next(ConsentMethods.Length)], consentDate);
    }

    /// <summary>
    /// The same physical asset written differently: serial and make in other case and spacing (the register's
    /// normalised identity keys are equal), and another consent reference. The register must answer "duplicate".
    /// </summary>
    public static SyntheticAsset ExactDuplicate(SyntheticAsset original, long variant)
    {
        ArgumentNullException.ThrowIfNull(original);
        var serial = (variant % 3) switch
        {
            0 => original.SerialNumber.ToLowerInvariant(),
            1 => original.SerialNumber.Replace("-", " ", StringComparison.Ordinal),
            _ => " " + original.SerialNumber.Replace("-", "", StringComparison.Ordinal) + " ",
        };
        return original with
        {
            SerialNumber = serial,
            Manufacturer = variant % 2 == 0 ? original.Manufacturer?.ToUpperInvariant() : original.Manufacturer,
            ConsentReference = original.ConsentReference + "-R",
        };
    }

    /// <summary>
    /// The same asset as a second FSP records it, so that no identity key matches: the serial with two adjacent characters
    /// swapped (a typo), the street type abbreviated and the capacity a little different. The register must open a
    /// possible-duplicate case naming the original.
    /// </summary>
    public static SyntheticAsset NearDuplicate(SyntheticAsset original, long variant)
    {
        ArgumentNullException.ThrowIfNull(original);
        // Serials of new assets are a bijection of the index into eight base-34 characters after the maker's prefix; two of
        // those characters swapped (where they differ) gives a serial that only another index could have, and no index does
        // in practice (34^8 serials for a few million assets).
        var serial = original.SerialNumber;
        var body = serial.IndexOf('-', StringComparison.Ordinal) + 1;
        var at = body + (int)(variant % 7);
        while (at < serial.Length - 1 && serial[at] == serial[at + 1])
            at++;
        if (at >= serial.Length - 1)
            at = body;
        serial = serial[..at] + serial[at + 1] + serial[at] + serial[(at + 2)..];
        return original with
        {
            SerialNumber = serial,
            Line1 = Abbreviate(original.Line1),
            ImportCapacityKw = Nudge(original.ImportCapacityKw),
            ExportCapacityKw = Nudge(original.ExportCapacityKw),
            ConsentReference = original.ConsentReference + "-N",
        };
    }

    private static string Abbreviate(string line1)
    {
        foreach (var (word, abbreviation) in new[] { (" Road", " Rd"), (" Street", " St"), (" Lane", " Ln"), (" Avenue", " Ave"), (" Close", " Cl"), (" Drive", " Dr") })
        {
            if (line1.EndsWith(word, StringComparison.Ordinal))
                return line1[..^word.Length] + abbreviation;
        }
        return line1 + ".";
    }

    // Never below the original, so a capacity stays within its type's bounds (the maxima are far above any generated value).
    private static decimal? Nudge(decimal? value) => value is { } v and > 0 ? Math.Round(v * 1.02m, 1) : value;

    private static string Serial(long index)
    {
        // A bijection of the index into eight base-34 characters, so serials look random but never repeat.
        const ulong space = 1_785_793_904_896UL; // 34^8
        var scrambled = (((ulong)index * 2_654_435_761UL) + 1_234_567UL) % space;
        Span<char> chars = stackalloc char[8];
        for (var i = 7; i >= 0; i--)
        {
            chars[i] = SerialAlphabet[(int)(scrambled % 34)];
            scrambled /= 34;
        }
        return new string(chars);
    }

    private static string PickType(ref SplitMix rng)
    {
        var total = 0;
        foreach (var (_, weight) in TypeMix)
            total += weight;
        var roll = rng.Next(total);
        foreach (var (type, weight) in TypeMix)
        {
            if (roll < weight)
                return type;
            roll -= weight;
        }
        return TypeMix[0].Type;
    }

    private static decimal Pick(ref SplitMix rng, params ReadOnlySpan<decimal> values) => values[rng.Next(values.Length)];

    internal static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>SplitMix64: tiny, fast and deterministic; plenty for synthetic data (not for anything secret).</summary>
    internal struct SplitMix(ulong state)
    {
        private ulong _state = state;

        public ulong NextULong()
        {
            _state += 0x9E3779B97F4A7C15UL;
            return Mix(_state);
        }

        public int Next(int maxExclusive) => (int)(NextULong() % (ulong)maxExclusive);

        public double NextDouble() => (NextULong() >> 11) * (1.0 / (1UL << 53));
    }
}
