namespace FlexRegistry.Assets;

/// <summary>
/// One rule of the published asset validation catalogue (<c>GET /api/v1/reference/validation-rules</c>). A rule's
/// <see cref="Code"/> is what a broken rule reports, with the field path, so integrators can map every answer to the
/// published text. Severity <c>error</c> refuses the registration; <c>warning</c> accepts it and reports the warning.
/// </summary>
public sealed record ValidationRule(string Code, string Description, IReadOnlyList<string> Fields, string Severity)
{
    public const string Error = "error";
    public const string Warning = "warning";

    /// <summary>Connection voltages at or above this are transmission or EHV connections, outside this register's scope.</summary>
    public const decimal MaxConnectionVoltageKv = 11m;

    public static readonly ValidationRule TypeUnknown = new("asset.type_unknown",
        "type must be one of the published asset type codes (GET /api/v1/reference/asset-types).", ["type"], Error);
    public static readonly ValidationRule Required = new("field.required",
        "Each field listed as required by the asset type (requiredFields) must be given.", ["*"], Error);
    public static readonly ValidationRule TooLong = new("field.too_long",
        "Text fields have maximum lengths: manufacturer, model, serialNumber 100; address.line1 200; address.town 100; ownerConsent.reference and method 200.",
        ["*"], Error);
    public static readonly ValidationRule MpanInvalid = new("mpan.invalid",
        "An MPAN core is 13 digits (spaces and dashes ignored) whose last digit is the check digit over the first twelve (weights 3 5 7 13 17 19 23 29 31 37 41 43, sum mod 11 mod 10).",
        ["mpan", "exportMpan"], Error);
    public static readonly ValidationRule MpanDistributorNotDno = new("mpan.distributor_not_dno",
        "The MPAN's first two digits (distributor ID) are not one of the 14 GB DNO licence areas (10–23), e.g. an IDNO network; the DNO area is then derived from the postcode.",
        ["mpan"], Warning);
    public static readonly ValidationRule PostcodeInvalid = new("postcode.invalid",
        "address.postcode must be a UK postcode in a valid format (outward and inward code).", ["address.postcode"], Error);
    public static readonly ValidationRule CapacityOutOfBounds = new("asset.capacity_out_of_bounds",
        "importCapacityKw, exportCapacityKw and storageCapacityKwh must lie within the asset type's published bounds.",
        ["importCapacityKw", "exportCapacityKw", "storageCapacityKwh"], Error);
    public static readonly ValidationRule StorageNotApplicable = new("asset.storage_not_applicable",
        "storageCapacityKwh may be given only for storage types (battery-storage, v2g-chargepoint).", ["storageCapacityKwh"], Error);
    public static readonly ValidationRule VoltageOutOfScope = new("asset.connection_voltage_out_of_scope",
        "connectionVoltageKv must be above 0 and below 11 kV: this register holds assets connected below 11 kV.", ["connectionVoltageKv"], Error);
    public static readonly ValidationRule StatusInvalid = new("asset.status_invalid",
        "status must be planned or commissioned.", ["status"], Error);
    public static readonly ValidationRule CommissioningDateRequired = new("asset.commissioning_date_required",
        "A commissioned asset must give its commissioningDate.", ["commissioningDate"], Error);
    public static readonly ValidationRule CommissioningDateInFuture = new("asset.commissioning_date_in_future",
        "A commissioned asset's commissioningDate must not be in the future (a planned asset may give its expected date).", ["commissioningDate"], Error);
    public static readonly ValidationRule ConsentRequired = new("asset.consent_required",
        "ownerConsent must be given with a reference, a method and a date (the owner's consent to the registration).",
        ["ownerConsent", "ownerConsent.reference", "ownerConsent.method", "ownerConsent.date"], Error);
    public static readonly ValidationRule ConsentDateInFuture = new("asset.consent_date_in_future",
        "ownerConsent.date must not be in the future.", ["ownerConsent.date"], Error);
    public static readonly ValidationRule LocationInvalid = new("asset.location_invalid",
        "location needs both latitude and longitude, within Great Britain and its islands (latitude 49.8–60.9, longitude −8.7–1.8).",
        ["location.latitude", "location.longitude"], Error);
    public static readonly ValidationRule QualificationInvalid = new("asset.market_qualification_invalid",
        "Each marketQualifications entry names a market or service (1–100 characters); at most 20 entries.", ["marketQualifications"], Error);

    public static IReadOnlyList<ValidationRule> Catalogue { get; } =
    [
        TypeUnknown, Required, TooLong, MpanInvalid, MpanDistributorNotDno, PostcodeInvalid, CapacityOutOfBounds, StorageNotApplicable,
        VoltageOutOfScope, StatusInvalid, CommissioningDateRequired, CommissioningDateInFuture, ConsentRequired, ConsentDateInFuture,
        LocationInvalid, QualificationInvalid,
    ];
}
