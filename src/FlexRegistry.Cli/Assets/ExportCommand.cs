using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using FlexRegistry.Client;
using FlexRegistry.Client.Contracts;
using Spectre.Console;

namespace FlexRegistry.Cli.Assets;

/// <summary>
/// <c>flexreg assets export --out FILE</c>: every asset an asset search matches (the same filters as
/// <c>GET /api/v1/assets</c>), streamed to CSV or NDJSON with a running count. The rows come from
/// <see cref="FlexRegistryClient.ExportAssetsAsync"/>, which streams the register's export endpoint; NDJSON lines are
/// the assets as the register shows them to the caller, CSV the search's summary columns.
/// </summary>
public static class ExportCommand
{
    public static readonly string[] CsvColumns =
        ["assetId", "type", "status", "dataStatus", "postcodeDistrict", "dnoArea", "gspGroup", "importCapacityKw", "exportCapacityKw", "registrantId"];

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static Command Create(CliContext context, ConnectionOptions connection)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(connection);
        var output = new Option<string>("--out") { Description = "The file to write (.csv or .ndjson)", Required = true };
        var format = new Option<string?>("--format") { Description = "csv or ndjson (default: ndjson for a .ndjson or .jsonl --out, else csv)" };
        format.AcceptOnlyFromAmong("csv", "ndjson");
        var type = new Option<string?>("--type") { Description = "Only this asset type, e.g. heat-pump" };
        var dnoArea = new Option<string?>("--dno-area") { Description = "Only this DNO licence area (MPAN distributor ID 10–23)" };
        var gspGroup = new Option<string?>("--gsp-group") { Description = "Only this GSP group, e.g. _A" };
        var district = new Option<string?>("--postcode-district") { Description = "Only this postcode district, e.g. CB1" };
        var minCapacity = new Option<decimal?>("--min-capacity-kw") { Description = "Only assets of at least this capacity (the larger of import and export)" };
        var maxCapacity = new Option<decimal?>("--max-capacity-kw") { Description = "Only assets of at most this capacity" };
        var purpose = new Option<string?>("--purpose") { Description = "Why you read assets you are not a party to, e.g. procurement (market and system operators); such reads are access-logged" };
        var export = new Command("export", "Export the assets a search matches to CSV or NDJSON, with progress")
        {
            output, format, type, dnoArea, gspGroup, district, minCapacity, maxCapacity, purpose,
        };
        connection.AddTo(export);
        export.SetAction(async (parsed, ct) =>
        {
            var path = parsed.GetValue(output)!;
            var chosen = parsed.GetValue(format) ?? (Path.GetExtension(path).ToLowerInvariant() is ".ndjson" or ".jsonl" ? "ndjson" : "csv");
            var filter = new AssetFilter
            {
                Type = parsed.GetValue(type),
                DnoArea = parsed.GetValue(dnoArea),
                GspGroup = parsed.GetValue(gspGroup),
                PostcodeDistrict = parsed.GetValue(district),
                MinCapacityKw = parsed.GetValue(minCapacity),
                MaxCapacityKw = parsed.GetValue(maxCapacity),
                Purpose = parsed.GetValue(purpose),
            };
            var client = connection.CreateClient(parsed);
            long written = 0;
            await context.Console.Status().StartAsync("Exporting assets", async status =>
            {
                written = await ExportAsync(client, filter, path, chosen, n => status.Status($"Exporting assets: {n:N0} written"), ct);
            });
            context.Console.MarkupLineInterpolated($"Wrote [bold]{written:N0}[/] assets to {path}");
            return Flexreg.Ok;
        });
        return export;
    }

    /// <summary>Streams the matching assets into <paramref name="path"/>; returns how many were written.</summary>
    public static async Task<long> ExportAsync(FlexRegistryClient client, AssetFilter filter, string path, string format, Action<long>? progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(client);
        var temp = path + ".partial";
        long written = 0;
        await using (var writer = new StreamWriter(temp, false, new UTF8Encoding(false), 1 << 16))
        {
            if (format == "csv")
                await writer.WriteLineAsync(string.Join(',', CsvColumns));
            await foreach (var a in client.ExportAssetsAsync(filter, ct))
            {
                if (format == "csv")
                {
                    await writer.WriteLineAsync(string.Join(',', new[]
                    {
                        a.AssetId, a.Type, a.Status, a.DataStatus, a.PostcodeDistrict, a.DnoArea, a.GspGroup,
                        a.ImportCapacityKw?.ToString(CultureInfo.InvariantCulture), a.ExportCapacityKw?.ToString(CultureInfo.InvariantCulture), a.RegistrantId,
                    }.Select(Cell)));
                }
                else
                {
                    await writer.WriteLineAsync(JsonSerializer.Serialize(a, Json));
                }
                if (++written % 1000 == 0)
                    progress?.Invoke(written);
            }
        }
        // Renamed once complete: an interrupted export never leaves a file that looks whole.
        File.Move(temp, path, overwrite: true);
        progress?.Invoke(written);
        return written;
    }

    private static string Cell(string? value) =>
        value is null ? "" : value.IndexOfAny([',', '"', '\n', '\r']) < 0 ? value : "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
