namespace FlexRegistry.Assets.Confirmation;

/// <summary>
/// A trusted source that can confirm an asset's declared data (an OEM cloud platform, an existing market registry).
/// Sources are tried in registration order; the first that applies decides.
/// </summary>
public interface IAssetDataSource
{
    /// <summary>Short stable name recorded as the confirming source, e.g. <c>oem-cloud</c>.</summary>
    string Source { get; }

    /// <summary>Whether this source is configured and can say anything about the asset.</summary>
    bool AppliesTo(Asset asset);

    Task<AssetSourceResult> LookUpAsync(Asset asset, CancellationToken ct);
}

public enum AssetSourceOutcome
{
    /// <summary>The source agrees with the declared field groups.</summary>
    Confirmed,

    /// <summary>The source knows the asset but disagrees, or does not know it: the asset is flagged.</summary>
    Mismatch,

    /// <summary>The source could not be asked now (down, timing out): try again later.</summary>
    Unavailable,
}

/// <summary>What a source said. <see cref="Groups"/> are the field groups it confirmed; <see cref="Differences"/> field → what the source says.</summary>
public sealed record AssetSourceResult(
    AssetSourceOutcome Outcome, IReadOnlyList<string> Groups, IReadOnlyDictionary<string, string> Differences, string Summary)
{
    public static AssetSourceResult Confirmed(params string[] groups) => new(AssetSourceOutcome.Confirmed, groups, new Dictionary<string, string>(), "confirmed");

    public static AssetSourceResult Mismatch(IReadOnlyDictionary<string, string> differences) =>
        new(AssetSourceOutcome.Mismatch, [], differences, "mismatch");

    public static AssetSourceResult Unavailable(string error) => new(AssetSourceOutcome.Unavailable, [], new Dictionary<string, string>(), error);
}
