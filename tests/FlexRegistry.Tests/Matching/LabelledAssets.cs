using System.Globalization;
using FlexRegistry.Assets;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Shared;

namespace FlexRegistry.Tests.Matching;

/// <summary>What an incoming row is, relative to the register it meets.</summary>
public enum RowLabel
{
    /// <summary>A new asset, unlike any registered one beyond chance.</summary>
    New,

    /// <summary>A registered asset again, only reformatted: the exact keys must answer.</summary>
    Exact,

    /// <summary>A registered asset described by a second FSP, with damage (see <see cref="LabelledRow.Damage"/>).</summary>
    Near,

    /// <summary>A distinct asset that looks like a registered one (see <see cref="LabelledRow.Kind"/>): must not be flagged.</summary>
    LookAlike,
}

/// <summary>One incoming row: the request, its label, which registered asset it duplicates (or resembles) and how.</summary>
public sealed record LabelledRow(RegisterAssetRequest Request, RowLabel Label, int? Counterpart, string Kind, IReadOnlyList<string> Damage);

/// <summary>A register (provider A's rows) and a second provider's rows, labelled.</summary>
public sealed record LabelledSet(IReadOnlyList<RegisterAssetRequest> Register, IReadOnlyList<LabelledRow> Incoming);

/// <summary>
/// A seeded generator of GB-like assets and of the ways a second FSP's record of the same asset differs, for measuring the
/// matcher (the labelled evaluation set of issue 22). The world: postcodes in real postcode areas of each DNO licence area,
/// each covering part of a street; houses (some with a letter, some named), blocks of flats (flat forms of England, Wales and
/// Scotland), business units; one MPAN per supply point with a real distributor ID and check digit, sometimes a second
/// (export) MPAN; devices from real manufacturers of the GB fleet with their models, capacities and serial formats (8-digit
/// counters, prefixed, hexadecimal with a check suffix, 28-digit, mixed letters and digits). New-build streets and blocks get
/// one model with consecutive serials and one commissioning week: the look-alikes that make matching hard.
/// </summary>
public sealed class LabelledAssets
{
    public sealed record Options(int RegisterSize, int IncomingSize, double NearShare = 0.20, double ExactShare = 0.05, double LookAlikeShare = 0.35);

    private static readonly string[] StreetStems =
    [
        "Mill", "Church", "Station", "Victoria", "Queens", "Kings", "Park", "High", "London", "Manor", "Chapel", "School", "Green",
        "Springfield", "Highfield", "Orchard", "Meadow", "Windsor", "York", "Grange", "North", "New", "St John's", "St Mary's", "Albert",
        "Alexandra", "Beech", "Oak", "Ash", "Elm", "Willow", "Cedar", "Holly", "Rose", "Hawthorn", "Bridge", "Castle", "Abbey",
        "Priory", "Rectory", "Vicarage", "Market", "West", "East", "South", "Farm", "Brook", "Lime", "Poplar", "Sycamore", "Birch",
        "Heather", "Primrose", "Bluebell", "Cromwell", "Nelson", "Wellington", "Trafalgar", "Marlborough", "Mount Pleasant", "Fairfield",
        "Ridgeway", "Greenacres", "Clarence", "Melbourne", "Stanley", "Gladstone", "Balmoral", "Osborne", "Sandringham", "Cherry",
        "Hazel", "Laurel", "Jubilee", "Coronation", "Milton", "Shakespeare", "Tennyson", "Byron", "Chaucer", "Darwin", "Newton",
        "Moorland", "Riverside", "Woodland", "Hillside", "Valley", "Lakeside", "Canal", "Quarry", "Forge", "Tannery", "Wharf",
        "Dumbarton", "Marchmont", "Argyle", "Bruce", "Wallace", "Llewellyn", "Glyndwr", "Heol", "Penrhyn", "Tregarth",
    ];

    private static readonly (string Full, string[] Short)[] StreetTypes =
    [
        ("Road", ["Rd", "Rd.", "RD"]), ("Road", ["Rd"]), ("Street", ["St", "St.", "Str"]), ("Street", ["St"]), ("Lane", ["Ln", "Ln."]),
        ("Avenue", ["Ave", "Av", "Ave."]), ("Close", ["Cl", "Cl."]), ("Drive", ["Dr", "Dr."]), ("Way", []), ("Crescent", ["Cres", "Cresc"]),
        ("Gardens", ["Gdns"]), ("Grove", ["Gr", "Gro"]), ("Terrace", ["Terr", "Ter", "Tce"]), ("Place", ["Pl"]), ("Court", ["Ct"]),
        ("Mews", []), ("Rise", []), ("View", []), ("Walk", []), ("Square", ["Sq"]), ("Parade", ["Pde"]), ("Hill", []), ("Row", []),
    ];

    private static readonly string[] HouseNames =
    [
        "Rose Cottage", "Ivy Cottage", "The Old Rectory", "The Old School House", "Orchard House", "Meadow View", "The Barn",
        "Hillside", "The Coach House", "Willow Lodge", "The Stables", "Brook House", "Manor Farm", "The Granary", "Holly Cottage",
        "Church Farm", "The Laurels", "Fern Cottage", "Woodside", "The Old Forge",
    ];

    private static readonly string[] BuildingNames =
    [
        "Victoria Court", "Albion House", "Regency Court", "Riverside Apartments", "The Maltings", "Kingsley House", "Heron Court",
        "Millennium House", "Priory Court", "Queensway House", "Canal Wharf", "The Old Brewery", "Station Court", "Elmwood Court",
    ];

    private static readonly string[] Localities = ["Histon", "Longstanton", "Headingley", "Moseley", "Jesmond", "Clifton", "Roath", "Morningside"];

    /// <summary>A device catalogue entry: maker as registered, alternative spellings a second FSP uses, models (with variants), serial format.</summary>
    private sealed record Make(string Type, string Maker, string[] MakerSpellings, (string Model, string[] Variants)[] Models, string SerialFormat);

    private static readonly Make[] Catalogue =
    [
        new("ev-chargepoint", "myenergi Ltd", ["myenergi", "MyEnergi Limited", "MYENERGI LTD"], [("zappi v2 7kW", ["Zappi 2", "ZAPPI-207UW", "zappi v2"]), ("zappi 22kW", ["Zappi 22", "ZAPPI-222UW"])], "D8:17"),
        new("ev-chargepoint", "Pod Point", ["Pod Point Ltd", "PodPoint", "Pod-Point"], [("Solo 3", ["Solo3", "SOLO 3S", "Solo"])], "P:PSL-:D6"),
        new("ev-chargepoint", "Ohme Technologies", ["Ohme", "OHME Technologies UK Ltd"], [("ePod", ["e-Pod", "EPOD"]), ("Home Pro", ["HomePro", "Home Pro Cable"])], "P:OHM:D7"),
        new("ev-chargepoint", "Wallbox", ["Wallbox Chargers SL", "WallBox"], [("Pulsar Plus", ["PulsarPlus", "Pulsar+"])], "D6:4"),
        new("ev-chargepoint", "Easee", ["Easee AS", "EASEE"], [("One", ["Easee One", "ONE"])], "A:EH:6"),
        new("ev-chargepoint", "Andersen EV", ["Andersen", "Andersen EV Ltd"], [("A2", ["Andersen A2", "A-2"])], "P:A2-:D5"),
        new("ev-chargepoint", "Hypervolt", ["Hypervolt Ltd", "HyperVolt"], [("Home 3 Pro", ["Home 3.0 Pro", "H3P"])], "H:HV:8"),
        new("heat-pump", "Mitsubishi Electric", ["Mitsubishi", "Mitsubishi Electric Europe B.V.", "MITSUBISHI ELECTRIC UK"], [("Ecodan PUZ-WM85VAA", ["Ecodan 8.5kW", "PUZ-WM85VAA", "Ecodan PUZ-WM85"]), ("Ecodan PUZ-WM112VAA", ["Ecodan 11.2kW", "PUZ-WM112VAA"])], "M"),
        new("heat-pump", "Daikin", ["Daikin UK", "Daikin Airconditioning UK Ltd", "DAIKIN"], [("Altherma 3 H HT", ["Altherma 3", "EPRA14DV3", "Altherma 3H HT"])], "P:E:D7"),
        new("heat-pump", "Vaillant", ["Vaillant Group UK Ltd", "VAILLANT"], [("aroTHERM plus 7kW", ["aroTHERM plus", "VWL 75/6", "Arotherm Plus 7"])], "D28"),
        new("heat-pump", "Samsung", ["Samsung Electronics", "Samsung Climate Solutions", "SAMSUNG"], [("EHS Mono HT Quiet", ["EHS Mono", "AE080BXYDEG", "EHS Mono HTQ"])], "S"),
        new("heat-pump", "Octopus Energy", ["Octopus", "Octopus Energy Ltd"], [("Cosy 6", ["Cosy6", "COSY 6kW"])], "P:COSY6-:D6"),
        new("solar-pv", "SolarEdge", ["SolarEdge Technologies", "Solar Edge", "SOLAREDGE"], [("SE3680H", ["SE3680H-RW000BEN4", "SE 3680H", "HD-Wave SE3680H"])], "X"),
        new("solar-pv", "Enphase", ["Enphase Energy", "ENPHASE Energy Inc"], [("IQ8 Combiner", ["IQ8", "IQ Combiner 4"])], "D12:1221"),
        new("solar-pv", "Fronius", ["Fronius International", "FRONIUS UK"], [("Primo GEN24 3.6", ["Primo GEN24", "GEN24 Plus 3.6"])], "D8:28"),
        new("solar-pv", "SMA", ["SMA Solar Technology", "SMA Solar UK"], [("Sunny Boy 4.0", ["SB4.0-1AV-41", "Sunny Boy 4"])], "D10:30"),
        new("battery-storage", "Tesla", ["Tesla Inc", "Tesla Energy", "TESLA Motors"], [("Powerwall 3", ["Powerwall", "PW3", "Powerwall 3 13.5kWh"])], "T"),
        new("battery-storage", "GivEnergy", ["Giv Energy", "GivEnergy Ltd", "GIVENERGY"], [("All in One", ["AIO", "All-in-One 13.5kWh"])], "G"),
        new("battery-storage", "Sonnen", ["sonnen GmbH", "Sonnen UK"], [("sonnenBatterie 10", ["SonnenBatterie 10 performance", "sB10"])], "D6:4"),
        new("battery-storage", "Fox ESS", ["FoxESS", "Fox ESS Co Ltd"], [("EP11", ["EP 11", "ECS EP11"])], "A:60:8"),
        new("v2g-chargepoint", "Wallbox", ["Wallbox Chargers SL", "WallBox"], [("Quasar 2", ["Quasar2", "QUASAR 2"])], "D6:7"),
        new("v2g-chargepoint", "Indra", ["Indra Renewable Technologies", "INDRA"], [("V2X", ["V2X Charger", "Indra V2X"])], "P:IND-:D6"),
        new("generator", "Cummins", ["Cummins Power Generation", "CUMMINS"], [("C1100 D5", ["C1100D5", "C1100 D5B"])], "P:C:D9"),
        new("wind", "Ryse Energy", ["Ryse", "RYSE ENERGY LTD"], [("E-10", ["E10", "Ryse E-10"])], "P:RY-:D6"),
        new("ic-demand", "", [], [], "MS"),
        new("other-der", "", [], [], "MS"),
    ];

    private static readonly (string Type, int Weight)[] TypeMix =
    [
        ("ev-chargepoint", 38), ("heat-pump", 25), ("solar-pv", 15), ("battery-storage", 11), ("v2g-chargepoint", 2),
        ("ic-demand", 3), ("other-der", 2), ("generator", 2), ("wind", 2),
    ];

    private const string InwardLetters = "ABDEFGHJLNPQRSTUWXYZ";

    /// <summary>
    /// The look-alike kind no field can tell from a near duplicate: a second unit at the same premises, same model, bought
    /// with the first (the next serial) and installed the same day — exactly what a last-digit typo of the first unit's
    /// serial looks like. The matcher flags it for review by design; the quality report shows it apart.
    /// </summary>
    public const string PairFromOneDelivery = "pair-from-one-delivery-same-premises";
    private static readonly DateOnly Today = new(2026, 6, 1);

    private readonly Random _rng;
    private readonly Options _options;
    private readonly HashSet<string> _identityKeys = new(StringComparer.Ordinal);
    private readonly HashSet<string> _mpans = new(StringComparer.Ordinal);
    private readonly HashSet<string> _postcodes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _serialCounters = new(StringComparer.Ordinal);
    private readonly List<Premises> _premises = [];
    private readonly Dictionary<Street, List<Premises>> _premisesByStreet = [];
    private readonly List<Device> _register = [];
    private int _consent;

    private LabelledAssets(int seed, Options options)
    {
        _rng = new Random(seed);
        _options = options;
    }

    public static LabelledSet Generate(int seed, Options options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new LabelledAssets(seed, options).Build();
    }

    /// <summary>A supply point: its address, postcode, MPAN(s), place, and the street or building it belongs to.</summary>
    private sealed record Premises(Street Street, string? Building, string? Flat, string? Number, string? HouseName, string Mpan, string? SecondMpan,
        double? Latitude, double? Longitude, bool Scottish)
    {
        public string Postcode => Street.Postcode;
        public string Town => Street.Town;
    }

    private sealed record Street(string Name, string Type, string Postcode, string Town, int Dno, double Latitude, double Longitude, bool Development);

    /// <summary>A registered asset with what it was generated from.</summary>
    private sealed record Device(RegisterAssetRequest Request, Premises Premises, Make Make, int ModelIndex, long SerialNumber);

    private LabelledSet Build()
    {
        var target = _options.RegisterSize;
        while (_register.Count < target)
            AddStreet();
        var incoming = new List<LabelledRow>(_options.IncomingSize);
        for (var i = 0; i < _options.IncomingSize; i++)
        {
            var roll = _rng.NextDouble();
            var row = roll < _options.NearShare ? Near()
                : roll < _options.NearShare + _options.ExactShare ? Exact()
                : roll < _options.NearShare + _options.ExactShare + _options.LookAlikeShare ? LookAlike()
                : New();
            incoming.Add(row);
        }
        return new LabelledSet([.. _register.Select(d => d.Request)], incoming);
    }

    // ---- the world -------------------------------------------------------------------------------------------------

    private Street NewStreet(bool development)
    {
        while (true)
        {
            var dno = 10 + _rng.Next(14);
            var areas = DnoArea.PostcodeAreasOf(dno);
            var area = areas[_rng.Next(areas.Count)];
            var outward = area + (1 + _rng.Next(area.Length == 1 ? 9 : 30)).ToString(CultureInfo.InvariantCulture);
            var postcode = outward + " " + _rng.Next(10) + InwardLetters[_rng.Next(20)] + InwardLetters[_rng.Next(20)];
            if (!FlexRegistry.Shared.Postcode.TryParse(postcode, out var parsed) || !_postcodes.Add(parsed.Value))
                continue;
            var (full, _) = StreetTypes[_rng.Next(StreetTypes.Length)];
            var stem = StreetStems[_rng.Next(StreetStems.Length)];
            // Somewhere in GB: a latitude and longitude per postcode, premises within a few hundred metres of it.
            return new Street(stem + " " + full, full, parsed.Value, TownOf(area), dno, 50.5 + (_rng.NextDouble() * 5), -4.5 + (_rng.NextDouble() * 5.5), development);
        }
    }

    private static string TownOf(string area) => area switch
    {
        "CB" => "Cambridge",
        "LS" => "Leeds",
        "M" => "Manchester",
        "B" => "Birmingham",
        "G" => "Glasgow",
        "EH" => "Edinburgh",
        "CF" => "Cardiff",
        "BS" => "Bristol",
        "NE" => "Newcastle upon Tyne",
        "NR" => "Norwich",
        "OX" => "Oxford",
        _ => area.Length == 1 ? "London" : area + " town",
    };

    /// <summary>A street (one postcode) of houses, a block of flats, or a row of business units, with assets on it.</summary>
    private void AddStreet()
    {
        var kind = _rng.NextDouble();
        var development = _rng.NextDouble() < 0.25;
        var street = NewStreet(development);
        var scottish = street.Postcode.StartsWith('G') && !street.Postcode.StartsWith("GL", StringComparison.Ordinal) || street.Postcode.StartsWith("EH", StringComparison.Ordinal);
        var premises = new List<Premises>();
        if (kind < 0.18)
        {
            // A block of flats: one building number, 4–40 flats, each its own supply.
            var number = (1 + _rng.Next(150)).ToString(CultureInfo.InvariantCulture);
            var building = _rng.NextDouble() < 0.6 ? BuildingNames[_rng.Next(BuildingNames.Length)] : null;
            var flats = 4 + _rng.Next(37);
            for (var f = 1; f <= flats; f++)
            {
                var flat = scottish ? $"{(f - 1) / 2}/{1 + ((f - 1) % 2)}" : f.ToString(CultureInfo.InvariantCulture);
                premises.Add(NewPremises(street, building, flat, number, null, scottish, f * 3));
            }
        }
        else if (kind < 0.25)
        {
            // Business units on an estate.
            var estate = StreetStems[_rng.Next(StreetStems.Length)] + (_rng.NextDouble() < 0.5 ? " Industrial Estate" : " Business Park");
            var units = 3 + _rng.Next(12);
            for (var u = 1; u <= units; u++)
                premises.Add(NewPremises(street with { Name = estate }, null, u.ToString(CultureInfo.InvariantCulture), null, null, false, u * 20) with { Building = "Unit" });
        }
        else
        {
            // Houses: numbered (odd or even side), a few named, a few with a letter.
            var count = 6 + _rng.Next(30);
            var start = 1 + _rng.Next(120);
            for (var h = 0; h < count; h++)
            {
                if (_rng.NextDouble() < 0.06)
                {
                    premises.Add(NewPremises(street, null, null, null, HouseNames[_rng.Next(HouseNames.Length)], false, h * 12));
                    continue;
                }
                var n = start + (h * 2);
                var number = n.ToString(CultureInfo.InvariantCulture) + (_rng.NextDouble() < 0.03 ? "A" : "");
                premises.Add(NewPremises(street, null, null, number, null, false, h * 12));
            }
        }
        _premises.AddRange(premises);
        _premisesByStreet[premises[0].Street] = premises;

        // A development: one model per type, consecutive serials, one commissioning week.
        var shared = new Dictionary<string, (Make Make, int Model, long Serial, DateOnly Date)>(StringComparer.Ordinal);
        foreach (var place in premises)
        {
            if (_register.Count >= _options.RegisterSize)
                break;
            var assets = _rng.NextDouble() switch { < 0.70 => 1, < 0.95 => 2, _ => 3 };
            if (!development && _rng.NextDouble() < 0.35)
                assets = 0; // not every premises has a flexible asset
            var types = new HashSet<string>(StringComparer.Ordinal);
            for (var a = 0; a < assets && _register.Count < _options.RegisterSize; a++)
            {
                var type = place.Building == "Unit" ? (_rng.NextDouble() < 0.6 ? "ic-demand" : "other-der") : PickType();
                if (!types.Add(type))
                    continue;
                Device device;
                if (street.Development && type is not ("ic-demand" or "other-der"))
                {
                    if (!shared.TryGetValue(type, out var s))
                    {
                        var make = PickMake(type);
                        s = (make, _rng.Next(Math.Max(1, make.Models.Length)), NextSerialBlock(make, 60), CommissionDate());
                    }
                    device = NewDevice(place, type, s.Make, s.Model, s.Serial, s.Date.AddDays(_rng.Next(5)));
                    shared[type] = s with { Serial = s.Serial + 1 + _rng.Next(2) };
                }
                else
                {
                    var make = PickMake(type);
                    device = NewDevice(place, type, make, _rng.Next(Math.Max(1, make.Models.Length)), NextSerialBlock(make, 1), CommissionDate());
                }
                _register.Add(device);
            }
        }
    }

    private Premises NewPremises(Street street, string? building, string? flat, string? number, string? houseName, bool scottish, int offsetMetres)
    {
        var mpan = NewMpan(street.Dno);
        var second = _rng.NextDouble() < 0.1 ? NewMpan(street.Dno) : null;
        var located = _rng.NextDouble() < 0.4;
        return new Premises(street, building, flat, number, houseName, mpan, second,
            located ? Math.Round(street.Latitude + (offsetMetres / 111_000.0), 6) : null,
            located ? Math.Round(street.Longitude + (_rng.NextDouble() * 0.0004), 6) : null, scottish);
    }

    private string NewMpan(int dno)
    {
        while (true)
        {
            var body = dno.ToString("D2", CultureInfo.InvariantCulture) + ((long)(_rng.NextDouble() * 1e10)).ToString("D10", CultureInfo.InvariantCulture);
            var mpan = Mpan.WithCheckDigit(body);
            if (_mpans.Add(mpan))
                return mpan;
        }
    }

    private DateOnly CommissionDate() => new DateOnly(2016, 1, 1).AddDays(_rng.Next(3600));

    private string PickType()
    {
        var roll = _rng.Next(TypeMix.Sum(t => t.Weight));
        foreach (var (type, weight) in TypeMix)
        {
            if (roll < weight)
                return type;
            roll -= weight;
        }
        return TypeMix[0].Type;
    }

    private Make PickMake(string type)
    {
        var makes = Catalogue.Where(m => m.Type == type).ToArray();
        return makes[_rng.Next(makes.Length)];
    }

    /// <summary>The first of <paramref name="count"/> unused consecutive serial numbers of the make (a random place in its range).</summary>
    private long NextSerialBlock(Make make, int count)
    {
        var key = make.Maker + "|" + make.SerialFormat;
        var next = _serialCounters.GetValueOrDefault(key, 1000 + _rng.Next(50_000));
        _serialCounters[key] = next + count + _rng.Next(5_000);
        return next;
    }

    // ---- devices and requests --------------------------------------------------------------------------------------

    private Device NewDevice(Premises place, string type, Make make, int model, long serial, DateOnly commissioned)
    {
        var request = Request(place, type, make, model, serial, commissioned);
        while (!TryClaimKeys(request))
        {
            serial += 7919;
            request = request with { SerialNumber = SerialText(make, serial) };
        }
        return new Device(request, place, make, model, serial);
    }

    /// <summary>The register's exact keys of the request (maker + serial; MPAN + type + serial), in the register's normalisation.</summary>
    private static IEnumerable<string> Keys(RegisterAssetRequest r, string? maker)
    {
        var serial = AssetKeys.Normalise(r.SerialNumber);
        if (AssetKeys.Normalise(maker).Length > 0)
            yield return "I:" + AssetKeys.Normalise(maker) + "|" + serial;
        yield return "M:" + r.Mpan + "|" + r.Type + "|" + serial;
    }

    /// <summary>Claims the request's keys when no asset holds them yet.</summary>
    private bool TryClaimKeys(RegisterAssetRequest r, params string?[] otherMakers)
    {
        var keys = Keys(r, r.Manufacturer).Concat(otherMakers.SelectMany(m => Keys(r, m))).ToList();
        if (keys.Any(_identityKeys.Contains))
            return false;
        keys.ForEach(k => _identityKeys.Add(k));
        return true;
    }

    private RegisterAssetRequest Request(Premises place, string type, Make make, int model, long serial, DateOnly commissioned)
    {
        var (import, export, storage) = Capacity(type);
        var planned = _rng.NextDouble() < 0.06;
        return new RegisterAssetRequest
        {
            Type = type,
            Mpan = place.Mpan,
            Manufacturer = make.Maker.Length == 0 ? null : make.Maker,
            Model = make.Models.Length == 0 ? null : make.Models[model % make.Models.Length].Model,
            SerialNumber = SerialText(make, serial),
            Address = new AssetAddressDto { Line1 = Line1(place), Town = place.Town, Postcode = place.Postcode },
            Location = place.Latitude is { } lat ? new LocationDto { Latitude = lat, Longitude = place.Longitude } : null,
            ImportCapacityKw = import,
            ExportCapacityKw = export,
            StorageCapacityKwh = storage,
            ConnectionVoltageKv = type is "ic-demand" or "generator" ? 0.4m : 0.23m,
            Status = planned ? "planned" : "commissioned",
            CommissioningDate = planned ? null : commissioned,
            OwnerConsent = new OwnerConsentDto { Reference = "CNS-" + (++_consent).ToString("D7", CultureInfo.InvariantCulture), Method = "signed-contract", Date = commissioned.AddDays(-10) },
        };
    }

    private (decimal? Import, decimal? Export, decimal? Storage) Capacity(string type)
    {
        decimal Pick(params decimal[] values) => values[_rng.Next(values.Length)];
        return type switch
        {
            "ev-chargepoint" => (Pick(3.6m, 7m, 7.2m, 7.4m, 7.4m, 7.4m, 11m, 22m), null, null),
            "heat-pump" => (Pick(5m, 6m, 7m, 8.5m, 9m, 11.2m, 12m, 14m, 16m), null, null),
            "solar-pv" => (null, Pick(2.5m, 3m, 3.6m, 3.68m, 4m, 4.2m, 5m, 6m), null),
            "battery-storage" => Battery(),
            "v2g-chargepoint" => (Pick(7.4m, 11m), Pick(7.4m, 10m), Pick(40m, 60m, 77m, 100m)),
            "generator" => (null, Pick(100m, 250m, 500m, 1000m), null),
            "wind" => (null, Pick(5m, 10m, 50m, 100m), null),
            "ic-demand" => (Pick(150m, 300m, 500m, 1200m, 2500m), null, null),
            _ => (Pick(20m, 50m, 120m, 400m), null, null),
        };

        (decimal?, decimal?, decimal?) Battery()
        {
            var power = Pick(3m, 3.6m, 5m, 6m, 10m);
            return (power, power, Pick(5.2m, 8.2m, 9.5m, 10m, 13.5m));
        }
    }

    private static string Line1(Premises p)
    {
        var street = p.Street.Name;
        if (p.Building == "Unit")
            return $"Unit {p.Flat}, {street}";
        if (p.HouseName is not null)
            return $"{p.HouseName}, {street}";
        if (p.Flat is null)
            return $"{p.Number} {street}";
        if (p.Scottish)
            return $"{p.Flat}, {p.Number} {street}";
        return p.Building is null ? $"Flat {p.Flat}, {p.Number} {street}" : $"Flat {p.Flat}, {p.Building}, {p.Number} {street}";
    }

    /// <summary>The serial in the make's real format.</summary>
    private static string SerialText(Make make, long n)
    {
        var f = make.SerialFormat;
        var inv = CultureInfo.InvariantCulture;
        if (f.StartsWith("D8:", StringComparison.Ordinal) || f.StartsWith("D6:", StringComparison.Ordinal) || f.StartsWith("D10:", StringComparison.Ordinal) || f.StartsWith("D12:", StringComparison.Ordinal))
        {
            var parts = f.Split(':');
            var width = int.Parse(parts[0][1..], inv);
            var prefix = parts[1];
            return prefix + (n % (long)Math.Pow(10, width - prefix.Length)).ToString("D" + (width - prefix.Length), inv);
        }
        if (f.StartsWith("P:", StringComparison.Ordinal))
        {
            var parts = f.Split(':');
            var width = int.Parse(parts[2][1..], inv);
            return parts[1] + (n % (long)Math.Pow(10, width)).ToString("D" + width, inv);
        }
        if (f.StartsWith("A:", StringComparison.Ordinal))
        {
            var parts = f.Split(':');
            return parts[1] + Base36(n * 7919, int.Parse(parts[2], inv));
        }
        if (f.StartsWith("H:", StringComparison.Ordinal))
            return f.Split(':')[1] + (n * 2_654_435_761L % 0xFFFFFFFFL).ToString("X8", inv);
        return f switch
        {
            "D28" => "21" + (20 + (n % 6)).ToString(inv) + "33002029" + (n % 1_000_000_000_000L).ToString("D12", inv) + "N" + (n % 9),
            "M" => (1 + (n % 9)).ToString(inv) + "ZU" + (n % 100_000).ToString("D5", inv),
            "S" => "0D6H7AEN" + (n % 1_000_000).ToString("D6", inv) + "Z",
            "X" => (0x7E000000 + (n % 0xFFFFFF)).ToString("X8", inv) + "-" + ((n * 31) % 255).ToString("X2", inv),
            "T" => "TG12" + (2 + (n % 4)).ToString(inv) + (n % 10_000_000).ToString("D7", inv) + "A" + (char)('A' + (n % 26)),
            "G" => "SA" + (2200 + (n % 99)).ToString(inv) + "G" + (n % 1000).ToString("D3", inv) + (char)('A' + (n / 1000 % 26)),
            _ => (17 + (n % 8)).ToString(inv) + "K" + (n % 10_000_000).ToString("D7", inv), // a meter serial, for I&C sites
        };
    }

    private static string Base36(long n, int width)
    {
        const string alphabet = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ";
        var chars = new char[width];
        var v = (ulong)n;
        for (var i = width - 1; i >= 0; i--)
        {
            chars[i] = alphabet[(int)(v % (ulong)alphabet.Length)];
            v /= (ulong)alphabet.Length;
        }
        return new string(chars);
    }

    // ---- incoming rows ---------------------------------------------------------------------------------------------

    private int PickRegistered(Func<Device, bool>? where = null)
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var i = _rng.Next(_register.Count);
            if (where is null || where(_register[i]))
                return i;
        }
        return _rng.Next(_register.Count);
    }

    private LabelledRow New()
    {
        // A new asset at a premises of the world: often a neighbour of registered ones, sometimes the same premises.
        var place = _premises[_rng.Next(_premises.Count)];
        var type = place.Building == "Unit" ? "ic-demand" : PickType();
        var make = PickMake(type);
        var device = NewDevice(place, type, make, _rng.Next(Math.Max(1, make.Models.Length)), NextSerialBlock(make, 1), CommissionDate());
        return new LabelledRow(device.Request, RowLabel.New, null, "new", []);
    }

    private LabelledRow Exact()
    {
        var i = PickRegistered();
        var r = _register[i].Request;
        var serial = r.SerialNumber!;
        serial = _rng.Next(3) switch
        {
            0 => serial.ToLowerInvariant(),
            1 => string.Join(' ', serial.Chunk(4).Select(c => new string(c))),
            _ => " " + serial.Replace("-", "", StringComparison.Ordinal) + " ",
        };
        var copy = r with
        {
            SerialNumber = serial,
            Manufacturer = r.Manufacturer is null ? null : (_rng.Next(2) == 0 ? r.Manufacturer.ToUpperInvariant() : r.Manufacturer + "."),
            Address = r.Address! with { Line1 = AbbreviateStreet(r.Address.Line1!) },
            OwnerConsent = r.OwnerConsent! with { Reference = "CNS-B" + (++_consent).ToString("D7", CultureInfo.InvariantCulture) },
        };
        return new LabelledRow(copy, RowLabel.Exact, i, "exact", ["reformatted"]);
    }

    private LabelledRow Near()
    {
        while (true)
        {
            var i = PickRegistered(d => d.Request.SerialNumber!.Length >= 6);
            var device = _register[i];
            var r = device.Request;
            var damage = new List<string>();
            // First what breaks the exact keys (else it would be an exact duplicate): the serial, or the maker's name
            // together with the meter point.
            var roll = _rng.NextDouble();
            string serial = r.SerialNumber!;
            string? maker = r.Manufacturer;
            string mpan = r.Mpan!;
            var makerAlias = device.Make.MakerSpellings.Length > 0 && roll >= 0.72;
            if (roll < 0.30)
            {
                serial = SerialTypo(serial);
                damage.Add("serial-typo");
            }
            else if (roll < 0.50)
            {
                serial = Transpose(serial);
                damage.Add("serial-transposition");
            }
            else if (roll < 0.72 || !makerAlias)
            {
                serial = SerialFormat(serial, device.Make);
                damage.Add("serial-format");
            }
            if (makerAlias)
            {
                maker = device.Make.MakerSpellings[_rng.Next(device.Make.MakerSpellings.Length)];
                damage.Add("manufacturer-alias");
            }
            if (serial == r.SerialNumber && (maker is null || AssetKeys.Normalise(maker) == AssetKeys.Normalise(r.Manufacturer)))
                continue;

            // Then what else a second FSP records differently.
            var line1 = r.Address!.Line1!;
            var postcode = r.Address.Postcode!;
            if ((makerAlias && serial == r.SerialNumber) || _rng.NextDouble() < 0.25)
            {
                // The meter point: another one recorded, a mistyped one (check digit recomputed), or a new supply.
                var m = _rng.NextDouble();
                if (m < 0.4)
                {
                    mpan = device.Premises.SecondMpan ?? NewMpan(int.Parse(r.Mpan![..2], CultureInfo.InvariantCulture));
                    damage.Add("mpan-other-meter");
                }
                else if (m < 0.75)
                {
                    mpan = MpanTypo(r.Mpan!);
                    damage.Add("mpan-typo");
                }
                else
                {
                    mpan = NewMpan(int.Parse(r.Mpan![..2], CultureInfo.InvariantCulture));
                    damage.Add("moved-supply");
                }
            }
            if (_rng.NextDouble() < 0.45)
            {
                var abbreviated = AbbreviateStreet(line1);
                if (abbreviated != line1)
                {
                    line1 = abbreviated;
                    damage.Add("street-abbreviation");
                }
            }
            if (device.Premises.Flat is not null && device.Premises.Building != "Unit" && _rng.NextDouble() < 0.7)
            {
                line1 = FlatForm(device.Premises, line1);
                damage.Add("flat-form");
            }
            if (_rng.NextDouble() < 0.10)
            {
                postcode = PostcodeTypo(postcode);
                damage.Add("postcode-typo");
            }
            var request = r with
            {
                Mpan = mpan,
                Manufacturer = maker,
                SerialNumber = serial,
                Address = r.Address with { Line1 = line1, Postcode = postcode, Town = _rng.NextDouble() < 0.2 ? r.Address.Town!.ToUpperInvariant() : r.Address.Town },
                OwnerConsent = r.OwnerConsent! with { Reference = "CNS-B" + (++_consent).ToString("D7", CultureInfo.InvariantCulture) },
            };
            if (_rng.NextDouble() < 0.25 && Rounded(request) is { } rounded)
            {
                request = rounded;
                damage.Add("capacity-rounded");
            }
            if (_rng.NextDouble() < 0.2 && device.Make.Models.Length > 0)
            {
                var variants = device.Make.Models[device.ModelIndex % device.Make.Models.Length].Variants;
                request = request with { Model = variants[_rng.Next(variants.Length)] };
                damage.Add("model-variant");
            }
            if (_rng.NextDouble() < 0.15 && request.CommissioningDate is { } date)
            {
                var shifted = date.AddDays(_rng.Next(1, 30) * (_rng.Next(2) == 0 ? -1 : 1));
                request = request with { CommissioningDate = shifted > Today ? date : shifted };
                damage.Add("date-shift");
            }
            if (request.Location is not null && _rng.NextDouble() < 0.5)
            {
                request = request with { Location = _rng.NextDouble() < 0.5 ? null : new LocationDto { Latitude = request.Location.Latitude + 0.0008, Longitude = request.Location.Longitude - 0.0005 } };
                damage.Add("location-differs");
            }
            // The damage must not happen to produce another asset's keys (a typo giving the next serial of a series):
            // such a row would be another asset's exact duplicate. Draw again.
            if (!TryClaimKeys(request, serial == r.SerialNumber ? null : r.Manufacturer))
                continue;
            return new LabelledRow(request, RowLabel.Near, i, damage[0], damage);
        }
    }

    private LabelledRow LookAlike()
    {
        var roll = _rng.NextDouble();
        var i = PickRegistered(d => d.Make.Models.Length > 0);
        var x = _register[i];
        var r = x.Request;
        if (roll < 0.18)
        {
            // Another chargepoint (or unit of the same type) on the same drive: same supply and address, often the same model
            // and size, sometimes bought together (the next serial), sometimes installed the same day.
            // A quarter were installed together (same day); half of those are a pair from one delivery (the next serial).
            var make = _rng.NextDouble() < 0.6 ? x.Make : PickMake(r.Type!);
            var together = _rng.NextDouble() < 0.25;
            var pair = make == x.Make && together && _rng.NextDouble() < 0.5;
            var serial = pair ? x.SerialNumber + 1 + _rng.Next(3) : NextSerialBlock(make, 1);
            var date = together ? r.CommissioningDate ?? CommissionDate() : CommissionDate();
            var device = NewDevice(x.Premises, r.Type!, make, make == x.Make ? x.ModelIndex : 0, serial, date);
            var request = device.Request with { Address = r.Address, ImportCapacityKw = _rng.NextDouble() < 0.6 ? r.ImportCapacityKw : device.Request.ImportCapacityKw };
            // A pair from one delivery (the next serial, same day, same model, same place) differs from a last-digit typo of
            // the first unit's serial in nothing: it is reported apart (PairFromOneDelivery).
            return new LabelledRow(request, RowLabel.LookAlike, i, pair ? PairFromOneDelivery : "second-unit-same-premises", []);
        }
        if (roll < 0.32)
        {
            // A replaced unit: same premises and type, a new device years later (registered as new; the old one is not withdrawn here).
            var make = _rng.NextDouble() < 0.6 ? x.Make : PickMake(r.Type!);
            var date = (r.CommissioningDate ?? new DateOnly(2018, 1, 1)).AddDays(400 + _rng.Next(2000));
            var device = NewDevice(x.Premises, r.Type!, make, _rng.Next(Math.Max(1, make.Models.Length)), NextSerialBlock(make, 1), date > Today ? Today.AddDays(-30) : date);
            return new LabelledRow(device.Request with { Address = r.Address }, RowLabel.LookAlike, i, "replaced-unit", []);
        }
        if (roll < 0.42)
        {
            // Another device at the same premises (a battery beside the PV).
            var type = PickType();
            if (type == r.Type || type is "ic-demand" or "other-der")
                type = r.Type == "battery-storage" ? "solar-pv" : "battery-storage";
            var make = PickMake(type);
            var device = NewDevice(x.Premises, type, make, 0, NextSerialBlock(make, 1), r.CommissioningDate ?? CommissionDate());
            return new LabelledRow(device.Request with { Address = r.Address }, RowLabel.LookAlike, i, "other-device-same-premises", []);
        }
        if (roll < 0.62)
        {
            // Another flat of the same building, or the neighbour: own supply, often the same model, the next serials and date.
            var flats = _premisesByStreet[x.Premises.Street].Where(p => p != x.Premises).ToList();
            if (flats.Count == 0)
                return LookAlike();
            var place = flats[_rng.Next(flats.Count)];
            var sameModel = _rng.NextDouble() < 0.7;
            var make = sameModel ? x.Make : PickMake(r.Type!);
            var serial = sameModel && _rng.NextDouble() < 0.5 ? x.SerialNumber + 1 + _rng.Next(8) : NextSerialBlock(make, 1);
            var date = _rng.NextDouble() < 0.5 ? r.CommissioningDate ?? CommissionDate() : CommissionDate();
            var device = NewDevice(place, r.Type!, make, sameModel ? x.ModelIndex : 0, serial, date);
            var request = sameModel ? device.Request with { ImportCapacityKw = r.ImportCapacityKw, ExportCapacityKw = r.ExportCapacityKw, StorageCapacityKwh = r.StorageCapacityKwh } : device.Request;
            return new LabelledRow(request, RowLabel.LookAlike, i, place.Flat is not null ? "other-flat-same-building" : "neighbour-same-street", []);
        }
        if (roll < 0.80)
        {
            // The same model, the next serials of the series, installed elsewhere.
            var place = _premises[_rng.Next(_premises.Count)];
            var device = NewDevice(place, r.Type!, x.Make, x.ModelIndex, x.SerialNumber + 1 + _rng.Next(20), CommissionDate());
            return new LabelledRow(device.Request with { ImportCapacityKw = r.ImportCapacityKw, ExportCapacityKw = r.ExportCapacityKw, StorageCapacityKwh = r.StorageCapacityKwh },
                RowLabel.LookAlike, i, "same-model-serial-series", []);
        }
        {
            // The hardest: a second unit at the same premises that copies everything but its own serial (same model, size, day).
            var device = NewDevice(x.Premises, r.Type!, x.Make, x.ModelIndex, NextSerialBlock(x.Make, 1), r.CommissioningDate ?? CommissionDate());
            var request = r with
            {
                SerialNumber = device.Request.SerialNumber,
                OwnerConsent = r.OwnerConsent! with { Reference = "CNS-B" + (++_consent).ToString("D7", CultureInfo.InvariantCulture) },
            };
            return new LabelledRow(request, RowLabel.LookAlike, i, "identical-unit-same-premises", []);
        }
    }

    // ---- damage ----------------------------------------------------------------------------------------------------

    private static readonly Dictionary<char, string> KeyboardNeighbours = new()
    {
        ['0'] = "9",
        ['1'] = "2",
        ['2'] = "13",
        ['3'] = "24",
        ['4'] = "35",
        ['5'] = "46",
        ['6'] = "57",
        ['7'] = "68",
        ['8'] = "79",
        ['9'] = "80",
    };

    private static readonly (char, char)[] LookAlikes = [('0', 'O'), ('1', 'I'), ('5', 'S'), ('8', 'B'), ('2', 'Z'), ('O', '0'), ('I', '1'), ('S', '5'), ('B', '8')];

    private string SerialTypo(string serial)
    {
        var positions = Enumerable.Range(0, serial.Length).Where(p => char.IsAsciiLetterOrDigit(serial[p])).ToList();
        var at = positions[_rng.Next(positions.Count)];
        var c = serial[at];
        switch (_rng.Next(4))
        {
            case 0 when KeyboardNeighbours.TryGetValue(c, out var near):
                return serial[..at] + near[_rng.Next(near.Length)] + serial[(at + 1)..];
            case 1:
                return serial[..at] + serial[(at + 1)..]; // a character dropped
            case 2:
                return serial[..at] + c + serial[at..]; // a character doubled
            default:
                var replacement = char.IsAsciiDigit(c) ? (char)('0' + ((c - '0' + 1 + _rng.Next(8)) % 10)) : (char)('A' + ((c - 'A' + 1 + _rng.Next(24)) % 26));
                return serial[..at] + replacement + serial[(at + 1)..];
        }
    }

    private string Transpose(string serial)
    {
        var pairs = Enumerable.Range(0, serial.Length - 1)
            .Where(p => char.IsAsciiLetterOrDigit(serial[p]) && char.IsAsciiLetterOrDigit(serial[p + 1]) && serial[p] != serial[p + 1]).ToList();
        if (pairs.Count == 0)
            return SerialTypo(serial);
        var at = pairs[_rng.Next(pairs.Count)];
        return serial[..at] + serial[at + 1] + serial[at] + serial[(at + 2)..];
    }

    private string SerialFormat(string serial, Make make)
    {
        var options = new List<Func<string>>();
        var lookAlikeAt = Enumerable.Range(0, serial.Length).Where(p => LookAlikes.Any(l => l.Item1 == serial[p])).ToList();
        if (lookAlikeAt.Count > 0)
        {
            options.Add(() =>
            {
                var at = lookAlikeAt[_rng.Next(lookAlikeAt.Count)];
                var swap = LookAlikes.First(l => l.Item1 == serial[at]).Item2;
                return serial[..at] + swap + serial[(at + 1)..];
            });
        }
        if (serial.StartsWith('0'))
            options.Add(() => serial.TrimStart('0'));
        var dash = serial.IndexOf('-', StringComparison.Ordinal);
        if (dash is > 0 and <= 4 && serial.Length - dash - 1 >= 6)
            options.Add(() => serial[(dash + 1)..]); // the maker's prefix left off
        if (dash < 0 && serial.All(char.IsAsciiDigit))
            options.Add(() => Prefix(make) + serial); // a prefix added
        if (dash > 4 && serial.Length - dash <= 4)
            options.Add(() => serial[..dash]); // the check suffix left off
        return options.Count == 0 ? Transpose(serial) : options[_rng.Next(options.Count)]();
    }

    private static string Prefix(Make make)
    {
        var compact = FlexRegistry.Shared.Matching.Text.Compact(make.Maker);
        return compact[..Math.Min(3, compact.Length)] + "-";
    }

    private string MpanTypo(string mpan)
    {
        while (true)
        {
            var body = mpan[..12].ToCharArray();
            if (_rng.Next(2) == 0)
            {
                var at = 2 + _rng.Next(10);
                body[at] = (char)('0' + ((body[at] - '0' + 1 + _rng.Next(8)) % 10));
            }
            else
            {
                var at = 2 + _rng.Next(9);
                (body[at], body[at + 1]) = (body[at + 1], body[at]);
            }
            var typo = Mpan.WithCheckDigit(new string(body));
            if (typo != mpan && _mpans.Add(typo))
                return typo;
        }
    }

    private string PostcodeTypo(string postcode)
    {
        while (true)
        {
            var chars = postcode.ToCharArray();
            // Mostly the inward code; sometimes the district's digit.
            var at = _rng.NextDouble() < 0.3 ? postcode.IndexOf(' ', StringComparison.Ordinal) - 1 : chars.Length - 1 - _rng.Next(3);
            chars[at] = char.IsAsciiDigit(chars[at]) ? (char)('0' + _rng.Next(10)) : InwardLetters[_rng.Next(20)];
            var typo = new string(chars);
            if (typo != postcode && FlexRegistry.Shared.Postcode.TryParse(typo, out _))
                return typo;
        }
    }

    private string AbbreviateStreet(string line1)
    {
        foreach (var (full, shorts) in StreetTypes)
        {
            var at = line1.IndexOf(" " + full, StringComparison.Ordinal);
            if (at < 0 || shorts.Length == 0)
                continue;
            var end = at + full.Length + 1;
            if (end < line1.Length && char.IsAsciiLetter(line1[end]))
                continue;
            var result = line1[..at] + " " + shorts[_rng.Next(shorts.Length)] + line1[end..];
            return _rng.Next(4) switch
            {
                0 => result.ToUpperInvariant(),
                1 => result.Replace(",", "", StringComparison.Ordinal),
                2 => result + ", " + Localities[_rng.Next(Localities.Length)],
                _ => result,
            };
        }
        return _rng.Next(2) == 0 ? line1.ToUpperInvariant() : line1.Replace(",", "", StringComparison.Ordinal);
    }

    /// <summary>The flat written another way: "2/10 Mill Road", "Flat 2 10 Mill Rd", "10 Mill Road, Flat 2", "Apartment 2, …".</summary>
    private string FlatForm(Premises p, string line1)
    {
        var street = line1[(line1.LastIndexOf(p.Number!, StringComparison.Ordinal) + p.Number!.Length + 1)..];
        if (p.Scottish)
        {
            return _rng.Next(3) switch
            {
                0 => $"Flat {p.Flat}, {p.Number} {street}",
                1 => $"{p.Flat} {p.Number} {street}",
                _ => $"Flat {p.Flat} {p.Number} {street}",
            };
        }
        return _rng.Next(6) switch
        {
            0 => $"{p.Flat}/{p.Number} {street}",
            1 => $"Flat {p.Flat} {p.Number} {street}",
            2 => $"{p.Number} {street}, Flat {p.Flat}",
            3 => $"Apartment {p.Flat}, {p.Number} {street}",
            4 => $"Flat {p.Flat}, {p.Number} {street}",
            _ => p.Building is null ? $"Apt {p.Flat}, {p.Number} {street}" : $"{p.Flat} {p.Building}, {p.Number} {street}",
        };
    }

    /// <summary>A capacity rounded the way FSPs round it (7.4 → 7, 3.68 → 3.7, 13.5 → 14 kWh), when that changes anything.</summary>
    private RegisterAssetRequest? Rounded(RegisterAssetRequest r)
    {
        static decimal? Round(decimal? v, int decimals) => v is { } x ? Math.Round(x, decimals, MidpointRounding.AwayFromZero) : null;
        var decimals = _rng.Next(2);
        var rounded = r with
        {
            ImportCapacityKw = Round(r.ImportCapacityKw, decimals),
            ExportCapacityKw = Round(r.ExportCapacityKw, decimals),
            StorageCapacityKwh = Round(r.StorageCapacityKwh, 0),
        };
        return rounded.ImportCapacityKw == r.ImportCapacityKw && rounded.ExportCapacityKw == r.ExportCapacityKw && rounded.StorageCapacityKwh == r.StorageCapacityKwh
            ? null
            : rounded;
    }
}
