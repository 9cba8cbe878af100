namespace FlexRegistry.Assets;

/// <summary>One published lifecycle transition of an asset.</summary>
/// <param name="Code">The transition's name.</param>
/// <param name="Endpoint">How it is made.</param>
/// <param name="From">The statuses it starts from.</param>
/// <param name="To">The status it leaves the asset in (null: unchanged).</param>
/// <param name="Roles">Who may make it (roles on the asset).</param>
/// <param name="Event">The event it raises, to every party of the asset.</param>
/// <param name="Effects">What it does.</param>
public sealed record LifecycleTransition(
    string Code, string Endpoint, IReadOnlyList<AssetStatus> From, AssetStatus? To, AssetRoles Roles, string Event, string Effects)
{
    public bool StartsFrom(AssetStatus status) => From.Contains(status);
}

/// <summary>
/// THE lifecycle of an asset (BUC.2 step 7): every way its status or its identity-bearing data changes over fifteen
/// years, as data. <c>GET /api/v1/reference/asset-lifecycle</c> publishes it; each handler checks its row (start
/// status, roles) before it changes anything, and each transition is one new version in the asset's history, one event
/// to every party and one audit record.
/// </summary>
public static class AssetLifecycle
{
    public const string Commission = "commission";
    public const string ChangeOwner = "change-owner";
    public const string MoveMeterPoint = "move-meter-point";
    public const string Upgrade = "upgrade";
    public const string Decommission = "decommission";
    public const string Merge = "merge";

    private const AssetRoles Writers = AssetRoles.Registrant | AssetRoles.RegistryOperator;

    public static readonly IReadOnlyList<LifecycleTransition> Transitions =
    [
        new(Commission, "PATCH /api/v1/assets/{id} with status commissioned and commissioningDate",
            [AssetStatus.Planned], AssetStatus.Commissioned, Writers | AssetRoles.Installer, "flexregistry.asset.commissioned",
            "The asset is in service. Its technical and meter-point data change only through upgrade and move-meter-point from now on."),
        new(ChangeOwner, "POST /api/v1/assets/{id}/change-owner",
            [AssetStatus.Planned, AssetStatus.Commissioned], null, Writers | AssetRoles.Owner, "flexregistry.asset.owner_changed",
            "The new owner's consent evidence replaces the old (consent group, declared by the caller); the old owner party is detached and the new one, when it is a participant, attached. Operators are told: their claims rest on the old owner's consent."),
        new(MoveMeterPoint, "POST /api/v1/assets/{id}/move-meter-point",
            [AssetStatus.Planned, AssetStatus.Commissioned], null, Writers | AssetRoles.Owner, "flexregistry.asset.meter_point_moved",
            "The asset moves to a new MPAN (meter exchange, new supply): its exact identity key moves with it and stays unique (409 asset.duplicate naming the holder otherwise); the DNO area is derived again; identity data is provisional until re-confirmed."),
        new(Upgrade, "POST /api/v1/assets/{id}/upgrade",
            [AssetStatus.Commissioned], null, Writers | AssetRoles.Owner | AssetRoles.Installer, "flexregistry.asset.upgraded",
            "New capacities or connection voltage (a bigger battery, a new inverter): the technical data is provisional again until a trusted source re-confirms it."),
        new(Decommission, "POST /api/v1/assets/{id}/decommission",
            [AssetStatus.Planned, AssetStatus.Commissioned], AssetStatus.Decommissioned, Writers | AssetRoles.Owner, "flexregistry.asset.decommissioned",
            "The asset is out of service for good: it keeps its ID and history, leaves searches and duplicate matching (reading it by ID still works), takes no new parties or operator claims and no further changes."),
        new(Merge, "POST /api/v1/duplicate-cases/{id}/merge",
            [AssetStatus.Planned, AssetStatus.Commissioned], AssetStatus.Merged, AssetRoles.Registrant | AssetRoles.RegistryOperator, "flexregistry.asset.merged",
            "A duplicate is merged into its survivor: its ID keeps resolving and names the survivor (mergedInto); its parties become the survivor's."),
    ];

    public static LifecycleTransition Find(string code) => Transitions.First(t => t.Code == code);
}
