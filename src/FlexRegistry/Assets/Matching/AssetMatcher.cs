using FlexRegistry.Shared.Matching;

namespace FlexRegistry.Assets.Matching;

/// <summary>What the register does with a new asset that an existing one resembles.</summary>
public enum MatchDecision
{
    /// <summary>Registered; nothing alike enough.</summary>
    None,

    /// <summary>Registered, provisional, with a duplicate case for the parties and the registry operator.</summary>
    Review,

    /// <summary>Answered like an exact duplicate: 409 <c>asset.duplicate</c> naming the existing asset.</summary>
    Definite,
}

/// <summary>One compared pair: the total match weight (prior included, in bits) and what each field contributed.</summary>
public sealed record PairScore(double Weight, IReadOnlyList<FieldEvidence> Evidence, bool SerialIdentifies, bool SameMaker, bool SameType)
{
    public double Probability => MatchWeight.Probability(Weight);
}

public sealed record ScoredCandidate(Asset Candidate, PairScore Score);

/// <summary>The matcher's answer for one new asset: the decision, the definite match, or the cases to open (best first).</summary>
public sealed record AssetMatch(MatchDecision Decision, ScoredCandidate? Definite, IReadOnlyList<ScoredCandidate> Cases)
{
    public static readonly AssetMatch Nothing = new(MatchDecision.None, null, []);
}

/// <summary>
/// Record linkage for assets (BUC.2 step 4, second level): every informative field is compared with its own measure
/// (<see cref="AssetComparisons"/>), each comparison's level adds its Fellegi–Sunter match weight, and the total decides.
/// Pure: the same call serves a single registration, an import's sweep and the labelled evaluation set.
/// </summary>
public static class AssetMatcher
{
    /// <summary>At or above this total weight (probability 0.89 with the prior) a pair is a case for review.</summary>
    public const double ReviewWeight = 3.0;

    /// <summary>
    /// At or above this total weight (probability 0.985), and only when the serial numbers agree (exactly or in an
    /// equivalent form) and so do maker and type, the new record is the existing asset: answered like an exact duplicate.
    /// A device's own identifier has to say so; no amount of agreement on place, model and size makes two records one
    /// asset without it (two chargepoints on one drive agree on all of those).
    /// </summary>
    public const double DefiniteWeight = 6.0;

    /// <summary>Besides the best, further cases are opened only for candidates this close to it (in bits), and at most this many in all.</summary>
    private const double FurtherCasesWithin = 2.0;

    private const int MaxCases = 3;

    /// <summary>Compares <paramref name="subject"/> with each candidate and decides.</summary>
    public static AssetMatch Match(Asset subject, IEnumerable<Asset> candidates)
    {
        ArgumentNullException.ThrowIfNull(subject);
        ArgumentNullException.ThrowIfNull(candidates);
        if (subject.AssetType.IsPortfolio)
            return AssetMatch.Nothing;
        var profile = AssetProfile.Of(subject);
        var scored = candidates
            .Where(c => !c.AssetType.IsPortfolio)
            .Select(c => new ScoredCandidate(c, Compare(profile, AssetProfile.Of(c))))
            .Where(s => s.Score.Weight >= ReviewWeight)
            .OrderByDescending(s => s.Score.Weight)
            .ThenBy(s => s.Candidate.RegisteredAt)
            .ThenBy(s => s.Candidate.Id.Value, StringComparer.Ordinal)
            .ToList();
        if (scored.Count == 0)
            return AssetMatch.Nothing;
        var best = scored[0];
        if (IsDefinite(best.Score))
            return new AssetMatch(MatchDecision.Definite, best, []);
        var cases = scored.Where(s => s.Score.Weight >= best.Score.Weight - FurtherCasesWithin).Take(MaxCases).ToList();
        return new AssetMatch(MatchDecision.Review, null, cases);
    }

    public static bool IsDefinite(PairScore score)
    {
        ArgumentNullException.ThrowIfNull(score);
        return score.Weight >= DefiniteWeight && score.SerialIdentifies && score.SameMaker && score.SameType;
    }

    public static PairScore Compare(Asset a, Asset b) => Compare(AssetProfile.Of(a), AssetProfile.Of(b));

    internal static PairScore Compare(AssetProfile a, AssetProfile b)
    {
        var evidence = new List<FieldEvidence>(8) { new("prior", "blocked pair", Math.Round(AssetComparisons.Prior, 2)) };
        var weight = AssetComparisons.Prior;

        void Add(Comparison comparison, string? level)
        {
            if (level is null)
            {
                evidence.Add(FieldEvidence.Missing(comparison));
                return;
            }
            var chosen = comparison.Level(level);
            evidence.Add(FieldEvidence.Of(comparison, chosen));
            weight += chosen.Weight;
        }

        var serial = a.Serial.Length == 0 || b.Serial.Length == 0 ? (SerialRelation?)null : SerialNumbers.Relate(a.Serial, b.Serial);
        Add(AssetComparisons.Serial, serial switch
        {
            null => null,
            SerialRelation.Exact => "exact",
            SerialRelation.Equivalent => "equivalent",
            SerialRelation.Transposition => "transposition",
            SerialRelation.OneEdit => "one-edit",
            SerialRelation.Series => "series",
            SerialRelation.Similar => "similar",
            _ => "different",
        });
        var maker = a.Maker.Length == 0 || b.Maker.Length == 0 ? (MakerRelation?)null : Manufacturers.Relate(a.Maker, b.Maker);
        Add(AssetComparisons.MakeAndModel, MakeAndModelLevel(maker, ModelLevel(a, b)));
        var type = TypeLevel(a.Type, b.Type);
        Add(AssetComparisons.Type, type);
        Add(AssetComparisons.Premises, PremisesLevel(a, b));
        Add(AssetComparisons.Capacity, CapacityLevel(a, b));
        Add(AssetComparisons.Commissioned, DateLevel(a.Commissioned, b.Commissioned));
        return new PairScore(Math.Round(weight, 2), evidence,
            serial is SerialRelation.Exact or SerialRelation.Equivalent, maker == MakerRelation.Same, type == "same");
    }

    private static string? MakeAndModelLevel(MakerRelation? maker, string? model) => (maker, model) switch
    {
        (null, _) => null,
        (MakerRelation.Same, "same") => "same-make-and-model",
        (MakerRelation.Same, "similar") => "same-make-similar-model",
        (MakerRelation.Same, null) => "same-make-model-unknown",
        (MakerRelation.Same, _) => "same-make-other-model",
        (MakerRelation.Similar, "same" or "similar" or null) => "similar-make",
        (MakerRelation.Similar, _) => "similar-make-other-model",
        _ => "other-make",
    };

    private static string? ModelLevel(AssetProfile a, AssetProfile b)
    {
        if (a.ModelCompact.Length == 0 || b.ModelCompact.Length == 0)
            return null;
        if (a.ModelCompact == b.ModelCompact)
            return "same";
        var (shorter, longer) = a.ModelCompact.Length <= b.ModelCompact.Length ? (a.ModelCompact, b.ModelCompact) : (b.ModelCompact, a.ModelCompact);
        if ((shorter.Length >= 3 && longer.Contains(shorter, StringComparison.Ordinal))
            || Text.WordOverlap(a.ModelWords, b.ModelWords) >= 0.5
            || Text.JaroWinkler(a.ModelCompact, b.ModelCompact) >= 0.88)
            return "similar";
        return "different";
    }

    private static readonly HashSet<(string, string)> RelatedTypes =
    [
        ("ev-chargepoint", "v2g-chargepoint"), ("battery-storage", "v2g-chargepoint"), ("battery-storage", "solar-pv"),
        ("generator", "other-der"), ("ic-demand", "other-der"), ("battery-storage", "other-der"), ("solar-pv", "other-der"),
        ("heat-pump", "other-der"), ("ev-chargepoint", "other-der"), ("other-der", "wind"), ("other-der", "v2g-chargepoint"),
    ];

    private static string TypeLevel(string a, string b)
    {
        if (a == b)
            return "same";
        var pair = string.CompareOrdinal(a, b) < 0 ? (a, b) : (b, a);
        return RelatedTypes.Contains(pair) ? "related" : "different";
    }

    private static string? PremisesLevel(AssetProfile a, AssetProfile b)
    {
        var meter = a.Mpan is null || b.Mpan is null ? (bool?)null : a.Mpan == b.Mpan;
        var address = UkAddress.Relate(a.Address, b.Address);
        var postcode = PostcodeLevel(a, b);
        var distance = a.Latitude is { } la && a.Longitude is { } lo && b.Latitude is { } lb && b.Longitude is { } lob
            ? Geo.DistanceMetres(la, lo, lb, lob)
            : (double?)null;
        // The same place: postcodes equal or a typo apart, or the coordinates within 150 m.
        var samePlace = postcode is PostcodeAgreement.Same or PostcodeAgreement.Typo || distance <= 150;
        if (meter == true)
        {
            if (address is AddressRelation.OtherFlat or AddressRelation.OtherNumber or AddressRelation.OtherStreet)
                return "meter-other-address";
            return samePlace || postcode == PostcodeAgreement.Unknown || address == AddressRelation.Same ? "meter-and-address" : "meter-other-address";
        }
        if (address is AddressRelation.Unknown && postcode == PostcodeAgreement.Unknown && distance is null)
            return null;
        if (samePlace || (address == AddressRelation.Same && postcode == PostcodeAgreement.District))
        {
            switch (address)
            {
                case AddressRelation.Same:
                    return meter == false && MpanTypo(a.Mpan!, b.Mpan!) ? "address-meter-typo" : "address";
                case AddressRelation.FlatUnknown:
                    return "address-flat-unknown";
                case AddressRelation.OtherFlat:
                    return "other-flat";
                case AddressRelation.OtherNumber:
                    return "other-number";
                default:
                    return "same-postcode";
            }
        }
        return postcode == PostcodeAgreement.District || distance <= 500 ? "nearby" : "far";
    }

    /// <summary>
    /// MPANs one digit or one adjacent swap apart in their first twelve digits: a typo whose check digit the typist (or
    /// their software) recomputed. A typo that breaks the check digit never gets this far: validation refuses it.
    /// </summary>
    private static bool MpanTypo(string a, string b) => Text.EditDistance(a[..12], b[..12]) == 1 && a.Length == b.Length;

    private enum PostcodeAgreement
    {
        Unknown,
        Same,
        Typo,
        District,
        Other,
    }

    private static PostcodeAgreement PostcodeLevel(AssetProfile a, AssetProfile b)
    {
        if (a.Postcode is null || b.Postcode is null)
            return PostcodeAgreement.Unknown;
        if (a.Postcode == b.Postcode)
            return PostcodeAgreement.Same;
        if (Text.EditDistance(a.Postcode.Replace(" ", "", StringComparison.Ordinal), b.Postcode.Replace(" ", "", StringComparison.Ordinal)) == 1)
            return PostcodeAgreement.Typo;
        return a.District == b.District ? PostcodeAgreement.District : PostcodeAgreement.Other;
    }

    private static readonly Dictionary<string, double> RoundingTolerance = new(StringComparer.Ordinal)
    {
        ["ev-chargepoint"] = 0.06,
        ["v2g-chargepoint"] = 0.06,
        ["heat-pump"] = 0.12,
        ["solar-pv"] = 0.12,
    };

    private static string? CapacityLevel(AssetProfile a, AssetProfile b)
    {
        var rated = Relate(a.Rated, b.Rated, a.Type);
        var storage = Relate(a.Storage, b.Storage, a.Type);
        // The worse of the two when both are known.
        return (rated, storage) switch
        {
            (null, null) => null,
            (null, var s) => s,
            (var r, null) => r,
            var (r, s) => Order(r!) >= Order(s!) ? r : s,
        };

        static int Order(string level) => level switch { "equal" => 0, "rounded" => 1, "close" => 2, _ => 3 };
    }

    private static string? Relate(double? x, double? y, string type)
    {
        if (x is not { } a || y is not { } b)
            return null;
        var max = Math.Max(Math.Abs(a), Math.Abs(b));
        var relative = max == 0 ? 0 : Math.Abs(a - b) / max;
        if (relative <= 0.005)
            return "equal";
        if (relative <= RoundingTolerance.GetValueOrDefault(type, 0.10) || RoundedEqual(a, b))
            return "rounded";
        return relative <= 0.3 ? "close" : "different";
    }

    /// <summary>One value is the other rounded to a whole number, a half or one decimal.</summary>
    private static bool RoundedEqual(double a, double b) =>
        Math.Round(a) == Math.Round(b) || Math.Round(a * 2) == Math.Round(b * 2) || Math.Round(a, 1) == Math.Round(b, 1);

    private static string? DateLevel(DateOnly? a, DateOnly? b)
    {
        if (a is not { } x || b is not { } y)
            return null;
        var days = Math.Abs(x.DayNumber - y.DayNumber);
        return days == 0 ? "same" : days <= 45 ? "within-45-days" : days <= 400 ? "within-400-days" : "different";
    }
}

/// <summary>An asset's fields in the forms the comparisons use, computed once per asset.</summary>
internal sealed record AssetProfile(
    string Type,
    string? Mpan,
    string Serial,
    string Maker,
    string ModelCompact,
    IReadOnlyList<string> ModelWords,
    UkAddress Address,
    string? Postcode,
    string? District,
    double? Latitude,
    double? Longitude,
    double? Rated,
    double? Storage,
    DateOnly? Commissioned)
{
    /// <summary>Profiles by asset object, kept while the asset's data is unchanged (its <see cref="Asset.Version"/> moves with every change).</summary>
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Asset, Tuple<Guid, AssetProfile>> Cache = [];

    public static AssetProfile Of(Asset asset)
    {
        if (Cache.TryGetValue(asset, out var cached) && cached.Item1 == asset.Version)
            return cached.Item2;
        var profile = Build(asset);
        Cache.AddOrUpdate(asset, Tuple.Create(asset.Version, profile));
        return profile;
    }

    private static AssetProfile Build(Asset a)
    {
        var maker = Manufacturers.Canonical(a.Manufacturer);
        var makerWords = Text.Words(a.Manufacturer).ToHashSet(StringComparer.Ordinal);
        var modelWords = Text.Words(a.Model).Where(w => !makerWords.Contains(w) && w != maker).ToList();
        return new AssetProfile(a.Type, a.Mpan, AssetKeys.Normalise(a.SerialNumber), maker, string.Concat(modelWords), modelWords,
            UkAddress.Parse(a.AddressLine1), a.Postcode, a.PostcodeDistrict, a.Latitude, a.Longitude, a.RatedCapacityKw,
            a.StorageCapacityKwh, a.CommissioningDate);
    }
}

/// <summary>Distances on the map.</summary>
public static class Geo
{
    /// <summary>Great-circle distance (haversine), in metres.</summary>
    public static double DistanceMetres(double lat1, double lon1, double lat2, double lon2)
    {
        const double radius = 6_371_000;
        var dLat = double.DegreesToRadians(lat2 - lat1);
        var dLon = double.DegreesToRadians(lon2 - lon1);
        var h = (Math.Sin(dLat / 2) * Math.Sin(dLat / 2))
            + (Math.Cos(double.DegreesToRadians(lat1)) * Math.Cos(double.DegreesToRadians(lat2)) * Math.Sin(dLon / 2) * Math.Sin(dLon / 2));
        return 2 * radius * Math.Asin(Math.Min(1, Math.Sqrt(h)));
    }
}
