using FlexRegistry.Assets;

namespace FlexRegistry.Shared;

/// <summary>
/// An asset's rated capacity changed (a PATCH before commissioning, an upgrade after): the conflict register judges its
/// capacity rule again, in the same request, as a decommissioning does. Declared here, answered by the market layer
/// (<c>Market/CapacityRechecks.cs</c>), so that assets do not depend on it.
/// </summary>
public interface ICapacityRechecks
{
    /// <summary>Owes the asset's conflict re-check: added to the unit of work, it commits with the change.</summary>
    void Queue(AssetId asset);

    /// <summary>After the change has committed: runs the re-checks it owes (the conflict-check worker runs any that could not).</summary>
    Task CommittedAsync(CancellationToken ct);
}
