using System.Globalization;
using System.Text;

namespace FlexRegistry.Cli.Sandbox;

/// <summary>What <c>flexreg sandbox generate</c> writes.</summary>
public sealed record GenerateOptions(
    long Assets,
    string Out,
    double Duplicates = 0.1,
    double NearDuplicates = 0.01,
    int Seed = 42,
    string Format = "csv",
    long StartIndex = 0);

public sealed record GenerateSummary(long Rows, long Unique, long Duplicates, long NearDuplicates, string ManifestPath);

/// <summary>
/// Writes a synthetic asset file and its sidecar manifest (<c>FILE.manifest.csv</c>), streaming: rows are written as
/// they are made, and only one integer per new asset is kept (its row number, to name it in the manifest).
/// Each row is a new asset, an exact duplicate of an earlier asset (probability <c>Duplicates</c>) or a near
/// duplicate of one (<c>NearDuplicates</c>). The earlier asset is drawn from this file's new assets and, with
/// <c>StartIndex</c> N &gt; 0, from the N assets of a file generated before with the same seed (rows 1…N of it).
/// </summary>
public static class GenerateAssets
{
    public const string ManifestHeader = "rowNumber,kind,duplicateOfIndex,duplicateOfRow";

    public static async Task<GenerateSummary> RunAsync(GenerateOptions options, IProgress<long>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Assets < 1)
            throw new ArgumentException("--assets must be at least 1.", nameof(options));
        if (options.Duplicates < 0 || options.NearDuplicates < 0 || options.Duplicates + options.NearDuplicates >= 1)
            throw new ArgumentException("--duplicates and --near-duplicates must be ≥ 0 and add up to less than 1.", nameof(options));
        if (options.Format is not ("csv" or "ndjson"))
            throw new ArgumentException("--format must be csv or ndjson.", nameof(options));

        var generator = new SyntheticAssets(options.Seed);
        var decisions = new SyntheticAssets.SplitMix(SyntheticAssets.Mix((ulong)(uint)options.Seed ^ 0xD1CE_D1CEUL));
        var manifestPath = options.Out + ".manifest.csv";
        var rowOfNewAsset = new List<int>();
        long duplicates = 0, near = 0;

        await using (var file = new FileStream(options.Out, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
        await using (var writer = new AssetFileWriter(file, options.Format))
        await using (var manifest = new StreamWriter(manifestPath, false, new UTF8Encoding(false), 1 << 16))
        {
            await manifest.WriteLineAsync(ManifestHeader);
            for (long row = 1; row <= options.Assets; row++)
            {
                var known = options.StartIndex + rowOfNewAsset.Count;
                var roll = decisions.NextDouble();
                var kind = known == 0 ? RowKind.Unique
                    : roll < options.Duplicates ? RowKind.Duplicate
                    : roll < options.Duplicates + options.NearDuplicates ? RowKind.NearDuplicate
                    : RowKind.Unique;
                if (kind == RowKind.Unique)
                {
                    writer.Write(generator.Asset(known));
                    rowOfNewAsset.Add(checked((int)row));
                }
                else
                {
                    var target = (long)(decisions.NextULong() % (ulong)known);
                    var original = generator.Asset(target);
                    writer.Write(kind == RowKind.Duplicate ? SyntheticAssets.ExactDuplicate(original, row) : SyntheticAssets.NearDuplicate(original, row));
                    var targetRow = target >= options.StartIndex ? rowOfNewAsset[(int)(target - options.StartIndex)].ToString(CultureInfo.InvariantCulture) : "";
                    await manifest.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                        $"{row},{(kind == RowKind.Duplicate ? "duplicate" : "near-duplicate")},{target},{targetRow}"));
                    if (kind == RowKind.Duplicate)
                        duplicates++;
                    else
                        near++;
                }
                if ((row & 0xFFFF) == 0)
                {
                    ct.ThrowIfCancellationRequested();
                    progress?.Report(row);
                }
            }
        }
        progress?.Report(options.Assets);
        return new GenerateSummary(options.Assets, options.Assets - duplicates - near, duplicates, near, manifestPath);
    }

    /// <summary>One manifest line: the row, what it is, and the asset index (and row in this file, if any) it duplicates.</summary>
    public sealed record ManifestEntry(long RowNumber, RowKind Kind, long DuplicateOfIndex, long? DuplicateOfRow);

    public static IEnumerable<ManifestEntry> ReadManifest(string path)
    {
        foreach (var line in File.ReadLines(path).Skip(1))
        {
            var parts = line.Split(',');
            yield return new ManifestEntry(
                long.Parse(parts[0], CultureInfo.InvariantCulture),
                parts[1] == "duplicate" ? RowKind.Duplicate : RowKind.NearDuplicate,
                long.Parse(parts[2], CultureInfo.InvariantCulture),
                parts[3].Length == 0 ? null : long.Parse(parts[3], CultureInfo.InvariantCulture));
        }
    }
}
