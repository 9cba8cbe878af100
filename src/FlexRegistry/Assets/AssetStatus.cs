namespace FlexRegistry.Assets;

/// <summary>
/// Lifecycle of an asset. Planned assets are registrable (BUC.2 step 2c) and become commissioned later; a decommissioned
/// asset keeps its ID (and its history) but leaves default searches and takes no new claims or parties; a merged one
/// resolves to its survivor. <see cref="AssetLifecycle"/> publishes the transitions between them.
/// </summary>
public enum AssetStatus
{
    Planned,
    Commissioned,
    Merged,
    Decommissioned,
}

/// <summary>How far the asset's declared data has been confirmed by a trusted source (seed 003: provisional → confirmed).</summary>
public enum DataStatus
{
    Provisional,
    Confirmed,
    Mismatch,
}

public static class AssetStatusTransitions
{
    private static readonly HashSet<(AssetStatus From, AssetStatus To)> Allowed =
    [
        (AssetStatus.Planned, AssetStatus.Commissioned),
        (AssetStatus.Planned, AssetStatus.Merged),
        (AssetStatus.Commissioned, AssetStatus.Merged),
        (AssetStatus.Planned, AssetStatus.Decommissioned),
        (AssetStatus.Commissioned, AssetStatus.Decommissioned),
    ];

    public static bool CanMove(AssetStatus from, AssetStatus to) => from == to || Allowed.Contains((from, to));

    /// <summary>Merged and decommissioned assets change no more: the end of their lives.</summary>
    public static bool IsFinal(this AssetStatus status) => status is AssetStatus.Merged or AssetStatus.Decommissioned;

    public static string ToWire(this AssetStatus status) => status.ToString().ToLowerInvariant();

    public static string ToWire(this DataStatus status) => status.ToString().ToLowerInvariant();

    public static AssetStatus ParseStatus(string wire) => Enum.Parse<AssetStatus>(wire, ignoreCase: true);

    public static DataStatus ParseDataStatus(string wire) => Enum.Parse<DataStatus>(wire, ignoreCase: true);
}
