namespace FlexRegistry.Assets;

/// <summary>
/// One entry of the published asset taxonomy (<c>GET /api/v1/reference/asset-types</c>): the wire code, the
/// two-letter code embedded in asset IDs, the fields a registration of this type must give, the capacity bounds and
/// whether storage capacity applies. Bounds are inclusive and in kW / kWh; a null maximum means the type has none.
/// </summary>
public sealed record AssetType(
    string Code,
    string IdCode,
    string Name,
    IReadOnlyList<string> RequiredFields,
    CapacityBounds ImportCapacityKw,
    CapacityBounds ExportCapacityKw,
    CapacityBounds? StorageCapacityKwh)
{
    public const string Portfolio = "portfolio";

    private static readonly string[] Device = ["mpan", "manufacturer", "model", "serialNumber", "address", "ownerConsent", "status"];
    private static readonly string[] Site = ["mpan", "serialNumber", "address", "ownerConsent", "status"];

    public static IReadOnlyList<AssetType> All { get; } =
    [
        new("heat-pump", "HP", "Heat pump", [.. Device, "importCapacityKw"], new(0.5m, 100m), new(0m, 0m), null),
        new("ev-chargepoint", "EV", "EV chargepoint", [.. Device, "importCapacityKw"], new(1.4m, 350m), new(0m, 0m), null),
        new("v2g-chargepoint", "VG", "Vehicle-to-grid chargepoint", [.. Device, "importCapacityKw", "exportCapacityKw", "storageCapacityKwh"],
            new(1.4m, 350m), new(1m, 350m), new(1m, 200m)),
        new("battery-storage", "BS", "Battery storage", [.. Device, "importCapacityKw", "exportCapacityKw", "storageCapacityKwh"],
            new(0.5m, 10_000m), new(0.5m, 10_000m), new(0.5m, 50_000m)),
        new("solar-pv", "PV", "Solar PV", [.. Device, "exportCapacityKw"], new(0m, 10_000m), new(0.1m, 10_000m), null),
        new("wind", "WD", "Wind turbine", [.. Device, "exportCapacityKw"], new(0m, 10_000m), new(0.1m, 10_000m), null),
        new("generator", "GN", "Generator or CHP", [.. Device, "exportCapacityKw"], new(0m, 10_000m), new(1m, 10_000m), null),
        new("ic-demand", "IC", "Industrial and commercial demand", [.. Site, "importCapacityKw"], new(1m, 20_000m), new(0m, 20_000m), null),
        new("other-der", "OD", "Other distributed energy resource", [.. Site, "importCapacityKw"], new(0m, 20_000m), new(0m, 20_000m), null),
        new(Portfolio, "PF", "Portfolio of assets", ["serialNumber", "status"], new(0m, 1_000_000m), new(0m, 1_000_000m), null),
    ];

    /// <summary>Storage capacity applies only to these types (<see cref="StorageCapacityKwh"/> is not null).</summary>
    public bool HasStorage => StorageCapacityKwh is not null;

    public bool IsPortfolio => Code == Portfolio;

    public bool Requires(string field) => RequiredFields.Contains(field, StringComparer.Ordinal);

    public static AssetType? Find(string? code) => All.FirstOrDefault(t => string.Equals(t.Code, code?.Trim(), StringComparison.OrdinalIgnoreCase));

    public static AssetType? FindByIdCode(string idCode) => All.FirstOrDefault(t => t.IdCode == idCode);
}

/// <summary>Inclusive bounds of a capacity.</summary>
public sealed record CapacityBounds(decimal Min, decimal? Max)
{
    public bool Contains(decimal value) => value >= Min && (Max is null || value <= Max);
}
