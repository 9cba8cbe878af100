using FlexRegistry.Shared.Matching;

namespace FlexRegistry.Assets.Matching;

/// <summary>
/// The published comparisons of the asset matcher, one per informative field, each with its levels and their m and u
/// probabilities (Fellegi–Sunter, as in Splink). m is the share of true duplicate pairs at that level: how often a second
/// FSP's record of the same device keeps the field intact, reformats it or mistypes it. u is the share of distinct assets
/// that blocking puts side by side (same meter point, postcode, serial tail, premises or map cell) at that level: the
/// look-alikes of the register — other devices at the same premises, flats of one building, neighbours, one model
/// installed along a street with serials from one delivery. The values are set from how GB asset data is recorded and
/// damaged (docs/assets.md explains each), not fitted to one data set; the labelled evaluation set checks them.
/// </summary>
public static class AssetComparisons
{
    private static ComparisonLevel L(string name, double m, double u, string meaning) => new(name, m, u, meaning);

    /// <summary>The prior: about one blocked pair in a hundred is one asset recorded twice.</summary>
    public const double PriorProbability = 0.01;

    public static double Prior { get; } = MatchWeight.Prior(PriorProbability);

    public static readonly Comparison Serial = new("serialNumber", "Serial numbers, case, spaces and punctuation ignored (SerialNumbers.Relate).",
    [
        L("exact", 0.55, 0.002, "The same letters and digits."),
        L("equivalent", 0.12, 0.0005, "The same once look-alike characters are folded (O/0, I/1, S/5, Z/2, B/8), leading zeros dropped, or a short prefix or suffix added."),
        L("transposition", 0.08, 0.001, "Two adjacent characters swapped."),
        L("one-edit", 0.14, 0.004, "One character substituted, missing or extra (six characters or more)."),
        L("series", 0.03, 0.04, "Differs only in one run of digits, by at most 20: the next unit of one delivery."),
        L("similar", 0.01, 0.03, "Two edits apart (eight characters or more): more often the next units of a series than a typo."),
        L("different", 0.0005, 0.93, "Unrelated serials: another device."),
    ]);

    /// <summary>
    /// Maker and model as one comparison: a model agrees almost only where the maker does, so counting them apart would count
    /// one agreement twice (Splink combines dependent fields the same way).
    /// </summary>
    public static readonly Comparison MakeAndModel = new("makeAndModel",
        "Manufacturer (legal and corporate words dropped, aliases resolved: Manufacturers.Canonical) and model (the maker's name dropped).",
    [
        L("same-make-and-model", 0.62, 0.08, "One maker (equal after normalisation, or known aliases), the same model."),
        L("same-make-similar-model", 0.25, 0.05, "One maker; models written differently (one contains the other, half the words shared, or a typo apart)."),
        L("same-make-model-unknown", 0.03, 0.03, "One maker; a model missing on one side."),
        L("same-make-other-model", 0.03, 0.12, "One maker, another model."),
        L("similar-make", 0.05, 0.01, "Makers whose names extend one another or are a typo apart, with the same or a similar model."),
        L("similar-make-other-model", 0.005, 0.02, "Makers whose names are alike, other models."),
        L("other-make", 0.015, 0.75, "Different makers."),
    ]);

    public static readonly Comparison Type = new("type", "Asset type.",
    [
        L("same", 0.985, 0.4, "The same type."),
        L("related", 0.01, 0.1, "Types one device is easily registered as (EV and V2G chargepoints, battery and V2G, PV and battery, other DER and anything)."),
        L("different", 0.005, 0.5, "Unrelated types: another device at the same place."),
    ]);

    public static readonly Comparison Premises = new("premises", "Where the asset is: its meter point (MPAN) and its address (UkAddress), with the postcode and coordinates.",
    [
        L("meter-and-address", 0.62, 0.03, "The same MPAN and the same premises (or the address adds nothing)."),
        L("meter-other-address", 0.02, 0.005, "The same MPAN but the addresses name other premises."),
        L("address-meter-typo", 0.05, 0.0002, "The same premises and MPANs one digit (or one swap) apart."),
        L("address", 0.22, 0.006, "The same premises, another or no MPAN (another meter point recorded, a device moved between supplies)."),
        L("address-flat-unknown", 0.03, 0.03, "The same number and street; only one names a flat (a flat left off, or a house beside its flats)."),
        L("other-flat", 0.002, 0.2, "Another flat of the same building."),
        L("other-number", 0.002, 0.5, "Another house number on the same street."),
        L("same-postcode", 0.04, 0.1, "The same or a one-character-different postcode, the addresses unclear or on another street."),
        L("nearby", 0.01, 0.06, "The same postcode district, or within 500 m."),
        L("far", 0.004, 0.08, "Elsewhere."),
    ]);

    public static readonly Comparison Capacity = new("capacity", "Rated capacity (the larger of import and export) and, for storage, the energy capacity; tolerance per type.",
    [
        L("equal", 0.75, 0.22, "Within 0.5 %."),
        L("rounded", 0.2, 0.1, "Within the type's rounding tolerance (chargepoints 6 %, heat pumps and PV 12 %, others 10 %) or one is the other rounded."),
        L("close", 0.03, 0.25, "Within 30 %."),
        L("different", 0.02, 0.43, "Further apart: another size of device."),
    ]);

    public static readonly Comparison Commissioned = new("commissioningDate", "Commissioning date.",
    [
        L("same", 0.7, 0.04, "The same day."),
        L("within-45-days", 0.14, 0.04, "Within 45 days (installation and energisation recorded)."),
        L("within-400-days", 0.05, 0.15, "Within 400 days."),
        L("different", 0.11, 0.77, "Further apart: installed at another time."),
    ]);

    /// <summary>Every comparison, in the order a case's evidence lists them.</summary>
    public static IReadOnlyList<Comparison> All { get; } = [Serial, MakeAndModel, Type, Premises, Capacity, Commissioned];
}
