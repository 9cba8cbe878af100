using System.Globalization;
using FlexRegistry.Shared;

namespace FlexRegistry.Assets.Matching;

/// <summary>The blocking keys: each is an indexed column of the assets table, so each block is one index probe.</summary>
public enum BlockKind
{
    /// <summary>The same meter point.</summary>
    Mpan,

    /// <summary>The same postcode (any type: a chargepoint registered as a V2G unit is still found).</summary>
    Postcode,

    /// <summary>The same serial, folded (<see cref="SerialNumbers.BlockingKey"/>): finds a device whose MPAN and postcode were both recorded differently.</summary>
    Serial,

    /// <summary>
    /// The same postcode area, house number, flat and first street word: finds the premises when the postcode is mistyped
    /// (inward or district), its MPAN recorded differently and its serial damaged too.
    /// </summary>
    Address,

    /// <summary>The same cell of 0.01° latitude by 0.01° longitude (about 1.1 km by 0.7 km), when coordinates are given.</summary>
    Geo,
}

/// <summary>
/// Multi-key blocking, as record linkage does it: a pair is compared when it shares any one key, so a pair is still found
/// when any one field is damaged. The keys are columns of the asset (set by <see cref="Asset"/> whenever its data
/// changes); <see cref="AssetBlocks"/> is the same look-up over assets in memory.
/// </summary>
public static class AssetBlocking
{
    /// <summary>At most this many assets of one block are compared, the longest-registered first.</summary>
    public const int MaxPerBlock = 100;

    public static string? AddressKey(string? line1, string? postcode)
    {
        if (string.IsNullOrEmpty(line1) || !Postcode.TryParse(postcode, out var parsed))
            return null;
        var address = UkAddress.Parse(line1);
        var (number, flat) = UkAddress.Split(address);
        if (number is null && flat is null)
            return null;
        return $"{parsed.Area}|{number}|{flat}|{address.StreetWord}";
    }

    public static string? GeoCell(double? latitude, double? longitude) =>
        latitude is { } lat && longitude is { } lon
            ? string.Create(CultureInfo.InvariantCulture, $"{Math.Floor(lat * 100)}|{Math.Floor(lon * 100)}")
            : null;

    /// <summary>The asset's blocking keys, those it has.</summary>
    public static IEnumerable<(BlockKind Kind, string Value)> Keys(Asset asset)
    {
        ArgumentNullException.ThrowIfNull(asset);
        if (asset.Mpan is { } mpan)
            yield return (BlockKind.Mpan, mpan);
        if (asset.Postcode is { } postcode)
            yield return (BlockKind.Postcode, postcode);
        if (asset.SerialKey is { } serial)
            yield return (BlockKind.Serial, serial);
        if (asset.AddressKey is { } address)
            yield return (BlockKind.Address, address);
        if (asset.GeoCell is { } cell)
            yield return (BlockKind.Geo, cell);
    }

    public static string? Key(Asset asset, BlockKind kind) => kind switch
    {
        BlockKind.Mpan => asset.Mpan,
        BlockKind.Postcode => asset.Postcode,
        BlockKind.Serial => asset.SerialKey,
        BlockKind.Address => asset.AddressKey,
        _ => asset.GeoCell,
    };
}

/// <summary>
/// Blocks over assets held in memory (an import's sweep, the evaluation set): the same keys, order and cap as the
/// database look-up of a single registration. Assets are kept in the order added, which callers make registration order.
/// </summary>
public sealed class AssetBlocks
{
    private readonly Dictionary<(BlockKind, string), List<Asset>> _blocks = [];

    public AssetBlocks(IEnumerable<Asset> assets)
    {
        ArgumentNullException.ThrowIfNull(assets);
        foreach (var asset in assets)
            Add(asset);
    }

    public void Add(Asset asset)
    {
        foreach (var key in AssetBlocking.Keys(asset))
        {
            if (!_blocks.TryGetValue(key, out var block))
                _blocks[key] = block = [];
            block.Add(asset);
        }
    }

    /// <summary>
    /// The assets sharing a block with <paramref name="subject"/> that <paramref name="eligible"/> admits, each once: per
    /// block the first <see cref="AssetBlocking.MaxPerBlock"/> in order.
    /// </summary>
    public List<Asset> CandidatesFor(Asset subject, Func<Asset, bool> eligible)
    {
        ArgumentNullException.ThrowIfNull(eligible);
        var seen = new HashSet<Asset>(ReferenceEqualityComparer.Instance);
        var candidates = new List<Asset>();
        foreach (var key in AssetBlocking.Keys(subject))
        {
            if (!_blocks.TryGetValue(key, out var block))
                continue;
            var taken = 0;
            foreach (var asset in block)
            {
                if (taken == AssetBlocking.MaxPerBlock)
                    break;
                if (ReferenceEquals(asset, subject) || asset.Id == subject.Id || !eligible(asset))
                    continue;
                taken++;
                if (seen.Add(asset))
                    candidates.Add(asset);
            }
        }
        return candidates;
    }
}
