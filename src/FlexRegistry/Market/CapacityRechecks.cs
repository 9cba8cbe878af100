using FlexRegistry.Assets;
using FlexRegistry.Shared;

namespace FlexRegistry.Market;

/// <summary>
/// A changed capacity owes its asset a conflict check (<see cref="ICapacityRechecks"/>): queued in the change's own
/// transaction (<see cref="ConflictChecks"/>), run as soon as it has committed, by the worker otherwise.
/// </summary>
public sealed class CapacityRechecks(ConflictChecks checks) : ICapacityRechecks
{
    private readonly List<ConflictCheck> _owed = [];

    public void Queue(AssetId asset) => _owed.Add(checks.Queue(ConflictScope.OfAsset(asset)));

    public async Task CommittedAsync(CancellationToken ct)
    {
        foreach (var check in _owed)
            await checks.RunAsync(check, ct);
        _owed.Clear();
    }
}
