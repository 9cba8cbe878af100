using FlexRegistry.Client.Contracts;
using FlexRegistry.Shared;

namespace FlexRegistry.Assets;

/// <summary>An asset's declared data after every published rule passed: canonical identifiers, derived areas.</summary>
public sealed record AssetData(
    AssetType Type,
    string? Mpan,
    string? ExportMpan,
    string? Manufacturer,
    string? Model,
    string? SerialNumber,
    string? AddressLine1,
    string? Town,
    string? Postcode,
    string? PostcodeDistrict,
    double? Latitude,
    double? Longitude,
    int? DnoDistributorId,
    string? GspGroup,
    double? ImportCapacityKw,
    double? ExportCapacityKw,
    double? StorageCapacityKwh,
    double? ConnectionVoltageKv,
    AssetStatus Status,
    DateOnly? CommissioningDate,
    string? ConsentReference,
    string? ConsentMethod,
    DateOnly? ConsentDate,
    IReadOnlyList<string> MarketQualifications);

/// <summary>The outcome of running the rule catalogue: every error and warning at once, and the data when valid.</summary>
public sealed record AssetValidationResult(AssetData? Data, IReadOnlyList<FieldError> Errors, IReadOnlyList<FieldError> Warnings)
{
    public bool Valid => Errors.Count == 0;

    public AssetData ThrowIfInvalid() =>
        Valid ? Data! : throw new RequestValidationException(Errors, AssetErrors.Invalid);
}

/// <summary>
/// Runs the published rule catalogue (<see cref="ValidationRule"/>) over a request. Pure: the same rules serve
/// registration, the dry-run check and PATCH. Natural identifiers validate themselves (<see cref="Mpan"/>,
/// <see cref="Postcode"/>); nothing here re-implements their rules.
/// </summary>
public static class AssetValidation
{
    public static AssetValidationResult Validate(RegisterAssetRequest r, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(r);
        var errors = new FieldErrors();
        var warnings = new List<FieldError>();

        var type = AssetType.Find(r.Type);
        if (type is null)
        {
            if (string.IsNullOrWhiteSpace(r.Type))
                errors.Add("type", ValidationRule.Required.Code, "type is required.");
            else
                errors.Add("type", ValidationRule.TypeUnknown.Code, $"'{r.Type}' is not an asset type; use one of {string.Join(", ", AssetType.All.Select(t => t.Code))}.");
            // Without a type the type-specific rules cannot run; report what can be checked regardless.
        }

        void Require(string field, bool present)
        {
            if (type is not null && type.Requires(field) && !present)
                errors.Add(field, ValidationRule.Required.Code, $"{field} is required for a {type.Code}.");
        }

        Require("mpan", !string.IsNullOrWhiteSpace(r.Mpan));
        Require("manufacturer", !string.IsNullOrWhiteSpace(r.Manufacturer));
        Require("model", !string.IsNullOrWhiteSpace(r.Model));
        Require("serialNumber", !string.IsNullOrWhiteSpace(r.SerialNumber));
        Require("importCapacityKw", r.ImportCapacityKw is not null);
        Require("exportCapacityKw", r.ExportCapacityKw is not null);
        Require("storageCapacityKwh", r.StorageCapacityKwh is not null);
        errors.MaxLength("manufacturer", r.Manufacturer, 100);
        errors.MaxLength("model", r.Model, 100);
        errors.MaxLength("serialNumber", r.SerialNumber, 100);

        var mpan = ParseMpan(errors, "mpan", r.Mpan);
        var exportMpan = ParseMpan(errors, "exportMpan", r.ExportMpan);
        DnoArea? dno = null;
        if (mpan is { } m)
        {
            dno = DnoArea.FindByDistributorId(m.DistributorId);
            if (!m.HasGbDistributorId)
                warnings.Add(new FieldError("mpan", ValidationRule.MpanDistributorNotDno.Code,
                    $"Distributor ID {m.DistributorId:D2} is not a GB DNO licence area (10–23); the area is derived from the postcode."));
        }

        // Address: required as a whole for most types; when given, each part is checked.
        Postcode postcode = default;
        if (r.Address is null)
        {
            Require("address", false);
        }
        else
        {
            var a = r.Address;
            var addressRequired = type is not null && type.Requires("address");
            if (addressRequired)
            {
                errors.Required("address.line1", a.Line1);
                errors.Required("address.town", a.Town);
            }
            errors.MaxLength("address.line1", a.Line1, 200);
            errors.MaxLength("address.town", a.Town, 100);
            if (string.IsNullOrWhiteSpace(a.Postcode))
            {
                if (addressRequired)
                    errors.Add("address.postcode", ValidationRule.Required.Code, "address.postcode is required.");
            }
            else if (!Postcode.TryParse(a.Postcode, out postcode))
            {
                errors.Add("address.postcode", ValidationRule.PostcodeInvalid.Code, $"Not a valid UK postcode. {Postcode.DescribeRule}");
            }
        }
        if (dno is null && postcode.Value.Length > 0)
            dno = DnoArea.FindByPostcodeArea(postcode.Area);

        if (r.Location is { } loc)
        {
            if (loc.Latitude is not { } lat || loc.Longitude is not { } lon || lat is < 49.8 or > 60.9 || lon is < -8.7 or > 1.8)
                errors.Add("location", ValidationRule.LocationInvalid.Code, "location needs latitude 49.8–60.9 and longitude −8.7–1.8 (Great Britain).");
        }

        if (type is not null)
        {
            CheckCapacity(errors, "importCapacityKw", r.ImportCapacityKw, type.ImportCapacityKw, "kW", type);
            CheckCapacity(errors, "exportCapacityKw", r.ExportCapacityKw, type.ExportCapacityKw, "kW", type);
            if (r.StorageCapacityKwh is not null)
            {
                if (type.StorageCapacityKwh is { } storageBounds)
                    CheckCapacity(errors, "storageCapacityKwh", r.StorageCapacityKwh, storageBounds, "kWh", type);
                else
                    errors.Add("storageCapacityKwh", ValidationRule.StorageNotApplicable.Code,
                        $"A {type.Code} has no storage capacity; only battery-storage and v2g-chargepoint do.");
            }
        }

        if (r.ConnectionVoltageKv is { } kv && (kv <= 0 || kv >= ValidationRule.MaxConnectionVoltageKv))
            errors.Add("connectionVoltageKv", ValidationRule.VoltageOutOfScope.Code,
                $"{kv} kV is outside this register's scope: connections must be above 0 and below {ValidationRule.MaxConnectionVoltageKv} kV.");

        AssetStatus status = default;
        var statusKnown = false;
        if (string.IsNullOrWhiteSpace(r.Status))
        {
            Require("status", false);
        }
        else
        {
            switch (r.Status.Trim().ToLowerInvariant())
            {
                case "planned":
                    status = AssetStatus.Planned;
                    statusKnown = true;
                    break;
                case "commissioned":
                    status = AssetStatus.Commissioned;
                    statusKnown = true;
                    break;
                default:
                    errors.Add("status", ValidationRule.StatusInvalid.Code, "status must be planned or commissioned.");
                    break;
            }
        }
        if (statusKnown && status == AssetStatus.Commissioned)
        {
            if (r.CommissioningDate is null)
                errors.Add("commissioningDate", ValidationRule.CommissioningDateRequired.Code, "A commissioned asset must give its commissioningDate.");
            else if (r.CommissioningDate > today)
                errors.Add("commissioningDate", ValidationRule.CommissioningDateInFuture.Code,
                    $"commissioningDate {r.CommissioningDate:yyyy-MM-dd} is in the future but status is commissioned; register it as planned.");
        }

        if (r.OwnerConsent is null)
        {
            if (type is not null && type.Requires("ownerConsent"))
                errors.Add("ownerConsent", ValidationRule.ConsentRequired.Code, "ownerConsent (reference, method, date) is required.");
        }
        else
        {
            var c = r.OwnerConsent;
            if (string.IsNullOrWhiteSpace(c.Reference))
                errors.Add("ownerConsent.reference", ValidationRule.ConsentRequired.Code, "ownerConsent.reference is required.");
            if (string.IsNullOrWhiteSpace(c.Method))
                errors.Add("ownerConsent.method", ValidationRule.ConsentRequired.Code, "ownerConsent.method is required.");
            if (c.Date is null)
                errors.Add("ownerConsent.date", ValidationRule.ConsentRequired.Code, "ownerConsent.date is required.");
            else if (c.Date > today)
                errors.Add("ownerConsent.date", ValidationRule.ConsentDateInFuture.Code, "ownerConsent.date is in the future.");
            errors.MaxLength("ownerConsent.reference", c.Reference, 200);
            errors.MaxLength("ownerConsent.method", c.Method, 200);
        }

        var qualifications = new List<string>();
        if (r.MarketQualifications is { } q)
        {
            if (q.Count > 20)
                errors.Add("marketQualifications", ValidationRule.QualificationInvalid.Code, "At most 20 market qualifications.");
            for (var i = 0; i < q.Count; i++)
            {
                var entry = q[i]?.Trim() ?? "";
                if (entry.Length is < 1 or > 100)
                    errors.Add($"marketQualifications[{i}]", ValidationRule.QualificationInvalid.Code, "A market qualification is 1–100 characters.");
                else if (!qualifications.Contains(entry, StringComparer.OrdinalIgnoreCase))
                    qualifications.Add(entry);
            }
        }

        if (errors.Any || type is null)
            return new AssetValidationResult(null, errors.All, warnings);

        var address = r.Address;
        var data = new AssetData(
            type,
            mpan?.Value,
            exportMpan?.Value,
            Clean(r.Manufacturer),
            Clean(r.Model),
            Clean(r.SerialNumber),
            Clean(address?.Line1),
            Clean(address?.Town),
            postcode.Value.Length > 0 ? postcode.Value : null,
            postcode.Value.Length > 0 ? postcode.District : null,
            r.Location?.Latitude,
            r.Location?.Longitude,
            dno?.DistributorId,
            dno?.GspGroup,
            (double?)r.ImportCapacityKw,
            (double?)r.ExportCapacityKw,
            (double?)r.StorageCapacityKwh,
            (double?)r.ConnectionVoltageKv,
            status,
            r.CommissioningDate,
            Clean(r.OwnerConsent?.Reference),
            Clean(r.OwnerConsent?.Method),
            r.OwnerConsent?.Date,
            qualifications);
        return new AssetValidationResult(data, [], warnings);
    }

    private static Mpan? ParseMpan(FieldErrors errors, string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
            return null;
        if (Mpan.TryParse(value, out var mpan))
            return mpan;
        errors.Add(field, ValidationRule.MpanInvalid.Code, $"Not a valid MPAN core. {Mpan.DescribeRule}");
        return null;
    }

    private static void CheckCapacity(FieldErrors errors, string field, decimal? value, CapacityBounds bounds, string unit, AssetType type)
    {
        if (value is { } v && !bounds.Contains(v))
            errors.Add(field, ValidationRule.CapacityOutOfBounds.Code,
                $"{field} {v} {unit} is outside the {type.Code} bounds {bounds.Min}–{(bounds.Max is { } max ? max.ToString(System.Globalization.CultureInfo.InvariantCulture) : "∞")} {unit}.");
    }

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
