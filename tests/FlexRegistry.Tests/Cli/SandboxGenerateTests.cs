using System.Globalization;
using System.Text.Json;
using FlexRegistry.Assets;
using FlexRegistry.Cli.Sandbox;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Shared;
using FlexRegistry.Tests.Infrastructure;

namespace FlexRegistry.Tests.Cli;

/// <summary>
/// <c>flexreg sandbox generate</c> without a register: every row passes the published rule catalogue (the same
/// <see cref="AssetValidation"/> the API runs), identifiers are real GB ones, and the manifest's duplicates are what
/// it says: same normalised identity keys for exact duplicates, none shared but the same meter point for near ones.
/// </summary>
public sealed class SandboxGenerateTests : IDisposable
{
    private static readonly DateOnly Today = new(2026, 1, 1);
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("flexreg-cli-");

    [Theory]
    [InlineData("csv")]
    [InlineData("ndjson")]
    public async Task GeneratedRows_PassTheRuleCatalogue_WithRealGbIdentifiers(string format)
    {
        var path = Path.Combine(_dir.FullName, "assets." + format);
        var summary = await GenerateAssets.RunAsync(new GenerateOptions(3000, path, 0.1, 0.02, Seed: 7, Format: format));
        var rows = ReadRows(path, format);
        Assert.Equal(3000, rows.Count);
        Assert.Equal(3000, summary.Rows);
        Assert.InRange(summary.Duplicates, 200, 400); // 10 % ± noise
        Assert.InRange(summary.NearDuplicates, 25, 100);

        var types = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (row, i) in rows.Select((r, i) => (r, i + 1)))
        {
            var result = AssetValidation.Validate(row, Today);
            Assert.True(result.Valid, $"row {i}: {string.Join("; ", result.Errors.Select(e => $"{e.Field} {e.Code} {e.Message}"))}");
            Assert.Empty(result.Warnings);
            Assert.True(Mpan.TryParse(row.Mpan, out var mpan), $"row {i}: {row.Mpan}");
            Assert.InRange(mpan.DistributorId, 10, 23);
            // The postcode lies in an area the MPAN's DNO serves.
            Assert.True(Postcode.TryParse(row.Address!.Postcode, out var postcode), $"row {i}: {row.Address.Postcode}");
            Assert.Equal(mpan.DistributorId, DnoArea.FindByPostcodeArea(postcode.Area)?.DistributorId);
            types.Add(result.Data!.Type.Code);
        }
        Assert.Equal(9, types.Count); // every taxonomy type but portfolio
    }

    [Fact]
    public async Task Manifest_ExactDuplicatesShareTheIdentityKeys_NearDuplicatesShareOnlyTheMeterPoint()
    {
        var path = Path.Combine(_dir.FullName, "assets.ndjson");
        await GenerateAssets.RunAsync(new GenerateOptions(2000, path, 0.1, 0.05, Seed: 11, Format: "ndjson"));
        var rows = ReadRows(path, "ndjson");
        var manifest = GenerateAssets.ReadManifest(path + ".manifest.csv").ToList();
        Assert.Contains(manifest, m => m.Kind == RowKind.Duplicate);
        Assert.Contains(manifest, m => m.Kind == RowKind.NearDuplicate);
        var flagged = manifest.Select(m => m.RowNumber).ToHashSet();

        foreach (var entry in manifest)
        {
            var row = Data(rows[(int)entry.RowNumber - 1]);
            var original = Data(rows[(int)entry.DuplicateOfRow!.Value - 1]);
            Assert.DoesNotContain(entry.DuplicateOfRow.Value, flagged); // always a duplicate of a new asset
            Assert.Equal(original.Mpan, row.Mpan);
            Assert.Equal(original.Type, row.Type);
            var sameKeys = Keys(row).Intersect(Keys(original)).Any();
            if (entry.Kind == RowKind.Duplicate)
                Assert.True(sameKeys, $"row {entry.RowNumber} should share an identity key with row {entry.DuplicateOfRow}");
            else
                Assert.False(sameKeys, $"near duplicate row {entry.RowNumber} shares an identity key with row {entry.DuplicateOfRow}");
        }

        // Rows not in the manifest are new assets: no two of them share a key or an MPAN.
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 1; i <= rows.Count; i++)
        {
            if (flagged.Contains(i))
                continue;
            var data = Data(rows[i - 1]);
            foreach (var key in Keys(data).Append("mpan:" + data.Mpan))
                Assert.True(seen.Add(key), $"row {i} repeats {key}");
        }
    }

    [Fact]
    public async Task SameSeed_SameFile_AndAFollowUpFile_DuplicatesTheFirstOnesAssets()
    {
        var first = Path.Combine(_dir.FullName, "first.csv");
        var again = Path.Combine(_dir.FullName, "again.csv");
        var next = Path.Combine(_dir.FullName, "next.ndjson");
        await GenerateAssets.RunAsync(new GenerateOptions(500, first, 0, 0, Seed: 3));
        await GenerateAssets.RunAsync(new GenerateOptions(500, again, 0, 0, Seed: 3));
        Assert.Equal(await File.ReadAllBytesAsync(first), await File.ReadAllBytesAsync(again));

        await GenerateAssets.RunAsync(new GenerateOptions(500, next, 0.3, 0, Seed: 3, Format: "ndjson", StartIndex: 500));
        var firstRows = ReadRows(first, "csv");
        var nextRows = ReadRows(next, "ndjson");
        var intoFirst = GenerateAssets.ReadManifest(next + ".manifest.csv").Where(m => m.DuplicateOfIndex < 500).ToList();
        Assert.NotEmpty(intoFirst);
        foreach (var entry in intoFirst)
        {
            Assert.Null(entry.DuplicateOfRow);
            var original = Data(firstRows[(int)entry.DuplicateOfIndex]); // first file: index i is row i + 1
            Assert.True(Keys(Data(nextRows[(int)entry.RowNumber - 1])).Intersect(Keys(original)).Any());
        }
        // New assets of the follow-up never collide with the first file's.
        var firstMpans = firstRows.Select(r => r.Mpan).ToHashSet(StringComparer.Ordinal);
        var flagged = GenerateAssets.ReadManifest(next + ".manifest.csv").Select(m => m.RowNumber).ToHashSet();
        Assert.All(nextRows.Where((_, i) => !flagged.Contains(i + 1)), r => Assert.DoesNotContain(r.Mpan, firstMpans));
    }

    [Fact]
    public async Task Csv_QuotesFieldsThatNeedIt_AndHasTheDocumentedHeader()
    {
        var path = Path.Combine(_dir.FullName, "assets.csv");
        await GenerateAssets.RunAsync(new GenerateOptions(300, path, 0.3, 0, Seed: 5));
        var lines = await File.ReadAllLinesAsync(path);
        Assert.Equal(string.Join(',', AssetFileWriter.CsvColumns), lines[0]);
        Assert.Contains(lines, l => l.Contains("\" ", StringComparison.Ordinal)); // a serial with a leading space is quoted
        Assert.Equal(301, lines.Length);
    }

    private static AssetData Data(RegisterAssetRequest row) => AssetValidation.Validate(row, Today).Data!;

    private static IEnumerable<string> Keys(AssetData d) =>
        new[] { AssetKeys.Identity(d.Type, d.Manufacturer, d.SerialNumber, "registrant"), AssetKeys.Meter(d.Type, d.Mpan, d.SerialNumber) }.OfType<string>();

    /// <summary>Reads a generated file back into API requests (CSV: RFC 4180 with the dotted field-path header).</summary>
    public static List<RegisterAssetRequest> ReadRows(string path, string format)
    {
        if (format == "ndjson")
            return [.. File.ReadLines(path).Select(l => JsonSerializer.Deserialize<RegisterAssetRequest>(l, ApiExtensions.Json)!)];
        var lines = File.ReadLines(path).ToList();
        var header = ParseCsvLine(lines[0]);
        return [.. lines.Skip(1).Select(line =>
        {
            var cells = header.Zip(ParseCsvLine(line)).ToDictionary(p => p.First, p => p.Second.Length == 0 ? null : p.Second, StringComparer.Ordinal);
            static decimal? Dec(string? s) => s is null ? null : decimal.Parse(s, CultureInfo.InvariantCulture);
            static DateOnly? Day(string? s) => s is null ? null : DateOnly.Parse(s, CultureInfo.InvariantCulture);
            return new RegisterAssetRequest
            {
                Type = cells["type"], Mpan = cells["mpan"], Manufacturer = cells["manufacturer"], Model = cells["model"], SerialNumber = cells["serialNumber"],
                Address = new AssetAddressDto { Line1 = cells["address.line1"], Town = cells["address.town"], Postcode = cells["address.postcode"] },
                ImportCapacityKw = Dec(cells["importCapacityKw"]), ExportCapacityKw = Dec(cells["exportCapacityKw"]),
                StorageCapacityKwh = Dec(cells["storageCapacityKwh"]), ConnectionVoltageKv = Dec(cells["connectionVoltageKv"]),
                Status = cells["status"], CommissioningDate = Day(cells["commissioningDate"]),
                OwnerConsent = new OwnerConsentDto { Reference = cells["ownerConsent.reference"], Method = cells["ownerConsent.method"], Date = Day(cells["ownerConsent.date"]) },
            };
        })];
    }

    private static List<string> ParseCsvLine(string line)
    {
        var cells = new List<string>();
        var cell = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    cell.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    cell.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                cells.Add(cell.ToString());
                cell.Clear();
            }
            else
            {
                cell.Append(c);
            }
        }
        cells.Add(cell.ToString());
        return cells;
    }

    public void Dispose() => _dir.Delete(recursive: true);
}
