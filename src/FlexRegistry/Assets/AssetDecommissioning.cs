using FlexRegistry.Events;

namespace FlexRegistry.Assets;

/// <summary>
/// What else ends when an asset is decommissioned: the market layer's operator claims on it and its portfolio memberships
/// (<c>Market/DecommissionedAssets.cs</c>). The decommissioning calls it in its own transaction, after the asset's row is
/// written, so it also finds rows committed by writers that were waiting on that row.
/// </summary>
public interface IAssetDecommissioning
{
    /// <summary>
    /// Ends, at <paramref name="now"/>, what the asset holds from then on (rows not yet begun end before they start: they
    /// never applied). The rows are changed in the unit of work; their events are returned with them to hand to the journal.
    /// </summary>
    Task<IReadOnlyList<EventSource>> EndAsync(Asset asset, IReadOnlyList<string> audience, DateTimeOffset now, CancellationToken ct);

    /// <summary>
    /// After the decommissioning has committed: runs what the ended rows owe once they are committed (the conflict
    /// re-check of the asset's ended memberships, queued with them by <see cref="EndAsync"/>).
    /// </summary>
    Task CommittedAsync(CancellationToken ct);
}
