using System.Linq.Expressions;
using FlexRegistry.Participants;

namespace FlexRegistry.Assets;

/// <summary>
/// One asset as the export reads it: the columns an exported row writes (<see cref="AssetExportFormat"/>) and the party
/// list the visibility rule needs (<see cref="Ref"/>), read by projection. An export reads a million of these, so it
/// does not build the <see cref="Asset"/> aggregate (its other columns, its four provenance groups as tracked complex
/// values, its match keys) that it never changes. <see cref="From"/> is the same projection run on an asset in memory.
/// </summary>
public sealed class AssetExportRow
{
    public AssetId Id { get; init; }
    public string Type { get; init; } = "";
    public AssetStatus Status { get; init; }
    public DataStatus DataStatus { get; init; }
    public AssetId? MergedInto { get; init; }
    public string? Mpan { get; init; }
    public string? ExportMpan { get; init; }
    public string? Manufacturer { get; init; }
    public string? Model { get; init; }
    public string? SerialNumber { get; init; }
    public string? AddressLine1 { get; init; }
    public string? Town { get; init; }
    public string? Postcode { get; init; }
    public string? PostcodeDistrict { get; init; }
    public double? Latitude { get; init; }
    public double? Longitude { get; init; }
    public int? DnoDistributorId { get; init; }
    public string? GspGroup { get; init; }
    public double? ImportCapacityKw { get; init; }
    public double? ExportCapacityKw { get; init; }
    public double? StorageCapacityKwh { get; init; }
    public double? ConnectionVoltageKv { get; init; }
    public DateOnly? CommissioningDate { get; init; }
    public string? ConsentReference { get; init; }
    public string? ConsentMethod { get; init; }
    public DateOnly? ConsentDate { get; init; }
    public IReadOnlyList<string> MarketQualifications { get; init; } = [];
    public ParticipantId RegistrantId { get; init; }
    public string Parties { get; init; } = " ";
    public Provenance IdentityProvenance { get; init; } = null!;
    public Provenance TechnicalProvenance { get; init; } = null!;
    public Provenance LocationProvenance { get; init; } = null!;
    public Provenance ConsentProvenance { get; init; } = null!;
    public string? ConfirmationNote { get; init; }
    public DateTimeOffset RegisteredAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
    public long VersionNumber { get; init; }

    /// <summary>As <see cref="Asset.FastTracked"/>.</summary>
    public bool FastTracked => MarketQualifications.Count > 0;

    /// <summary>What the relationship sources read of the asset.</summary>
    public AssetRef Ref => new(Id, Parties);

    /// <summary>
    /// The projection the database runs. Provenance is rebuilt from its columns rather than projected as a complex value,
    /// so that nothing of the aggregate's mapping is materialised.
    /// </summary>
    public static readonly Expression<Func<Asset, AssetExportRow>> Projection = a => new AssetExportRow
    {
        Id = a.Id,
        Type = a.Type,
        Status = a.Status,
        DataStatus = a.DataStatus,
        MergedInto = a.MergedInto,
        Mpan = a.Mpan,
        ExportMpan = a.ExportMpan,
        Manufacturer = a.Manufacturer,
        Model = a.Model,
        SerialNumber = a.SerialNumber,
        AddressLine1 = a.AddressLine1,
        Town = a.Town,
        Postcode = a.Postcode,
        PostcodeDistrict = a.PostcodeDistrict,
        Latitude = a.Latitude,
        Longitude = a.Longitude,
        DnoDistributorId = a.DnoDistributorId,
        GspGroup = a.GspGroup,
        ImportCapacityKw = a.ImportCapacityKw,
        ExportCapacityKw = a.ExportCapacityKw,
        StorageCapacityKwh = a.StorageCapacityKwh,
        ConnectionVoltageKv = a.ConnectionVoltageKv,
        CommissioningDate = a.CommissioningDate,
        ConsentReference = a.ConsentReference,
        ConsentMethod = a.ConsentMethod,
        ConsentDate = a.ConsentDate,
        MarketQualifications = a.MarketQualifications,
        RegistrantId = a.RegistrantId,
        Parties = a.Parties,
        IdentityProvenance = new Provenance(a.IdentityProvenance.DeclaredBy, a.IdentityProvenance.ConfirmedBy, a.IdentityProvenance.ConfirmedAt),
        TechnicalProvenance = new Provenance(a.TechnicalProvenance.DeclaredBy, a.TechnicalProvenance.ConfirmedBy, a.TechnicalProvenance.ConfirmedAt),
        LocationProvenance = new Provenance(a.LocationProvenance.DeclaredBy, a.LocationProvenance.ConfirmedBy, a.LocationProvenance.ConfirmedAt),
        ConsentProvenance = new Provenance(a.ConsentProvenance.DeclaredBy, a.ConsentProvenance.ConfirmedBy, a.ConsentProvenance.ConfirmedAt),
        ConfirmationNote = a.ConfirmationNote,
        RegisteredAt = a.RegisteredAt,
        UpdatedAt = a.UpdatedAt,
        VersionNumber = a.VersionNumber,
    };

    private static readonly Func<Asset, AssetExportRow> Compiled = Projection.Compile();

    /// <summary>The row the export would read for <paramref name="asset"/>.</summary>
    public static AssetExportRow From(Asset asset)
    {
        ArgumentNullException.ThrowIfNull(asset);
        return Compiled(asset);
    }
}
