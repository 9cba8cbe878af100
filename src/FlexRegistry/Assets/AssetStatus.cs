namespace FlexRegistry.Assets;

/// <summary>Lifecycle of an asset. Planned assets are registrable (BUC.2 step 2c) and become commissioned later.</summary>
public enum AssetStatus
{
    Planned,
    Commissioned,
    Merged,
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
    ];

    public static bool CanMove(AssetStatus from, AssetStatus to) => from == to || Allowed.Contains((from, to));

    public static string ToWire(this AssetStatus status) => status.ToString().ToLowerInvariant();

    public static string ToWire(this DataStatus status) => status.ToString().ToLowerInvariant();
}
