namespace FlexRegistry.Assets.Confirmation;

/// <summary>
/// The trusted sources configured for this register (<see cref="IAssetDataSource"/>, tried in registration order) and
/// the one rule every write that leaves an asset's data awaiting confirmation follows: when no source covers the asset,
/// its data stays as declared and it is settled in that same write. The confirmation worker would settle it the same
/// way right after the commit; doing it in the write spares the worker a read and an UPDATE of the asset per
/// registration, import row or change, and spares the asset's next change a collision with that UPDATE.
/// </summary>
public sealed class TrustedSources(IEnumerable<IAssetDataSource> sources)
{
    internal const string NoSourceNote = "No trusted source covers this asset; the data stays provisional (declared).";

    private readonly IReadOnlyList<IAssetDataSource> all = [.. sources];

    /// <summary>The first source that can say anything about the asset, or null.</summary>
    public IAssetDataSource? For(Asset asset) => all.FirstOrDefault(s => s.AppliesTo(asset));

    /// <summary>
    /// Whether the asset still awaits a trusted source after this write: false when nothing is due, or when nothing
    /// covers it (then it is settled here, its data provisional as declared). Wake the worker only when true.
    /// </summary>
    public bool AwaitConfirmation(Asset asset, DateTimeOffset now)
    {
        if (asset.ConfirmationDueAt is null)
            return false;
        if (For(asset) is not null)
            return true;
        asset.StopConfirming(NoSourceNote, now);
        return false;
    }
}
