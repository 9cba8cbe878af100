using System.ComponentModel.DataAnnotations;
namespace FlexRegistry.Client.Contracts;

/// <summary>
/// Body of <c>POST /api/v1/assets</c> and <c>POST /api/v1/assets/check</c>, and the shape a JSON merge patch applies
/// to. Which fields are required depends on the type (see <c>GET /api/v1/reference/asset-types</c>); every broken rule
/// is reported at once.
/// </summary>
public sealed record RegisterAssetRequest
{
    /// <summary>Taxonomy code: heat-pump, ev-chargepoint, v2g-chargepoint, battery-storage, solar-pv, wind, generator, ic-demand, other-der, portfolio.</summary>
    [MaxLength(50)]
    public string? Type { get; init; }
    [MaxLength(50)]
    public string? Mpan { get; init; }
    [MaxLength(50)]
    public string? ExportMpan { get; init; }
    [MaxLength(100)]
    public string? Manufacturer { get; init; }
    [MaxLength(100)]
    public string? Model { get; init; }
    [MaxLength(100)]
    public string? SerialNumber { get; init; }
    public AssetAddressDto? Address { get; init; }
    public LocationDto? Location { get; init; }
    public decimal? ImportCapacityKw { get; init; }
    public decimal? ExportCapacityKw { get; init; }
    public decimal? StorageCapacityKwh { get; init; }
    public decimal? ConnectionVoltageKv { get; init; }

    /// <summary>planned or commissioned.</summary>
    [MaxLength(20)]
    public string? Status { get; init; }
    public DateOnly? CommissioningDate { get; init; }
    public OwnerConsentDto? OwnerConsent { get; init; }

    /// <summary>Markets or services the asset is already qualified in (BUC.2 step 2b fast-track).</summary>
    [MaxLength(20)]
    public IReadOnlyList<string>? MarketQualifications { get; init; }
}

public sealed record AssetAddressDto
{
    [MaxLength(200)]
    public string? Line1 { get; init; }
    [MaxLength(100)]
    public string? Town { get; init; }
    [MaxLength(20)]
    public string? Postcode { get; init; }
}

public sealed record LocationDto
{
    [Range(-90.0, 90.0)]
    public double? Latitude { get; init; }
    [Range(-180.0, 180.0)]
    public double? Longitude { get; init; }
}

public sealed record OwnerConsentDto
{
    [MaxLength(200)]
    public string? Reference { get; init; }

    /// <summary>How consent was given, e.g. signed-contract, online-form, installer-declaration.</summary>
    [MaxLength(200)]
    public string? Method { get; init; }
    public DateOnly? Date { get; init; }
}

/// <summary>Answer to a registration: the asset ID (201, with ETag). Warnings are rules of severity warning.</summary>
public sealed record RegisterAssetResponse(
    string AssetId,
    string Status,
    string DataStatus,
    IReadOnlyList<FieldErrorDto> Warnings,
    string? DuplicateCaseId);

/// <summary>Answer to a dry-run check: nothing is stored.</summary>
public sealed record AssetCheckResponse(bool Valid, IReadOnlyList<FieldErrorDto> Errors, IReadOnlyList<FieldErrorDto> Warnings, string? DnoArea, string? GspGroup);

/// <summary>
/// An asset as the reader may see it: each field group the visibility rule withholds from this reader
/// (<c>GET /api/v1/reference/visibility</c>) is null and named in <see cref="WithheldGroups"/>. Its parties and the
/// registry operator see everything. <see cref="Version"/> is its version number (1 at registration, one more with every
/// change; <c>GET /api/v1/assets/{id}/history</c> lists them); the ETag header is the token to send back in If-Match.
/// </summary>
public sealed record AssetResponse(
    string AssetId,
    string Type,
    string? Status,
    string? DataStatus,
    string? ConfirmationNote,
    string? MergedInto,
    string? Mpan,
    string? ExportMpan,
    string? Manufacturer,
    string? Model,
    string? SerialNumber,
    AssetAddressDto? Address,
    LocationDto? Location,
    string? PostcodeDistrict,
    string? DnoArea,
    string? GspGroup,
    decimal? ImportCapacityKw,
    decimal? ExportCapacityKw,
    decimal? StorageCapacityKwh,
    decimal? ConnectionVoltageKv,
    DateOnly? CommissioningDate,
    OwnerConsentDto? OwnerConsent,
    IReadOnlyList<string>? MarketQualifications,
    bool? FastTracked,
    string? RegistrantId,
    IReadOnlyDictionary<string, ProvenanceDto>? Provenance,
    DateTimeOffset? RegisteredAt,
    DateTimeOffset? UpdatedAt,
    long? Version,
    LocationDto? ApproximateLocation = null,
    IReadOnlyList<string>? WithheldGroups = null);

/// <summary>Where a field group's values came from: who declared them, which trusted source confirmed them and when.</summary>
public sealed record ProvenanceDto(string DeclaredBy, string? ConfirmedBy, DateTimeOffset? ConfirmedAt, string State);

/// <summary>One search hit: the asset's identity, technical and coarse-location fields that the reader may see (withheld ones are null and named).</summary>
public sealed record AssetSummary(
    string AssetId,
    string Type,
    string? Status,
    string? DataStatus,
    string? PostcodeDistrict,
    string? DnoArea,
    string? GspGroup,
    decimal? ImportCapacityKw,
    decimal? ExportCapacityKw,
    string? RegistrantId,
    IReadOnlyList<string>? WithheldGroups = null);

/// <summary>The filters of the asset search (<c>GET /api/v1/assets</c>); null: not filtered.</summary>
public sealed record AssetFilter
{
    public string? Type { get; init; }

    /// <summary>DNO licence area by MPAN distributor ID (10–23).</summary>
    public string? DnoArea { get; init; }
    public string? GspGroup { get; init; }
    public string? PostcodeDistrict { get; init; }
    public decimal? MinCapacityKw { get; init; }
    public decimal? MaxCapacityKw { get; init; }

    /// <summary>Why the caller reads assets it is not a party to (a published purpose code, e.g. procurement); such reads are access-logged.</summary>
    public string? Purpose { get; init; }
}

/// <summary>An entry of the published asset taxonomy.</summary>
public sealed record AssetTypeResponse(
    string Code,
    string IdCode,
    string Name,
    IReadOnlyList<string> RequiredFields,
    CapacityBoundsDto ImportCapacityKw,
    CapacityBoundsDto ExportCapacityKw,
    CapacityBoundsDto? StorageCapacityKwh,
    bool Storage);

public sealed record CapacityBoundsDto(decimal Min, decimal? Max);

/// <summary>One published validation rule.</summary>
public sealed record ValidationRuleResponse(string Code, string Description, IReadOnlyList<string> Fields, string Severity);
