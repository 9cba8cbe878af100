using System.Globalization;
using System.Text;
using System.Text.Json;
using FlexRegistry.AccessLog;
using FlexRegistry.Auth;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Shared;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.EntityFrameworkCore;

namespace FlexRegistry.Assets;

/// <summary>
/// BUC.2 step 6 at procurement scale: a search streamed as CSV or NDJSON, under the same visibility rule and the same
/// access logging as the search itself. Rows come from one forward-only query in ID order; every
/// <see cref="ExportOptions.ChunkSize"/> rows are logged as one access-log entry (a batch record) and only then written to the
/// response, so no row leaves before its read is recorded. If logging fails mid-export, the response is cut off
/// (the client sees an incomplete transfer, never unlogged rows).
/// </summary>
public sealed class ExportAssets(AssetQueries queries, ExportOptions options)
{
    public const string Csv = "csv";
    public const string Ndjson = "ndjson";

    /// <summary>Checks the request (every error at once, before anything is streamed) and returns the streaming result.</summary>
    public async Task<AssetExportResult> PrepareAsync(AssetSearch search, string? format, Caller caller, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(search);
        var errors = new FieldErrors();
        var chosen = format?.Trim().ToLowerInvariant() ?? Ndjson;
        if (chosen is not (Csv or Ndjson))
            errors.Add("format", "field.invalid", "format is csv or ndjson.");
        if (search.Cursor is not null || search.Limit is not null)
            errors.Add(search.Cursor is not null ? "cursor" : "limit", "field.not_applicable", "An export streams every matching asset; cursor and limit are for the paged search.");
        await queries.PrepareAsync(search, caller, errors, ct);
        return new AssetExportResult(search, chosen, caller, Math.Max(1, options.ChunkSize));
    }
}

/// <summary>Configuration section <c>AssetExport</c>.</summary>
public sealed class ExportOptions
{
    /// <summary>Rows per access-log entry: each chunk is one commit of the log, written to the client once committed.</summary>
    public int ChunkSize { get; set; } = 5000;
}

/// <summary>The streamed export (see <see cref="ExportAssets"/>).</summary>
public sealed class AssetExportResult(AssetSearch search, string format, Caller caller, int chunkSize) : IResult, IEndpointMetadataProvider
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var ct = httpContext.RequestAborted;
        // The rows are read on a connection of their own, so that the relationship sources may query the request's.
        await using var scope = httpContext.RequestServices.CreateAsyncScope();
        var rowQueries = scope.ServiceProvider.GetRequiredService<AssetQueries>();
        var visibility = httpContext.RequestServices.GetRequiredService<AssetVisibility>();
        var accessLog = httpContext.RequestServices.GetRequiredService<AccessLogRecorder>();
        var (query, reader, filterGroups) = await rowQueries.PrepareAsync(search, caller, new FieldErrors(), ct);

        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = format == ExportAssets.Csv ? "text/csv; charset=utf-8" : "application/x-ndjson";
        response.Headers.ContentDisposition = $"attachment; filename=\"assets.{format}\"";
        // Made at the first write, so that a read refused before anything is sent leaves the response untouched (a problem).
        StreamWriter? output = null;
        try
        {
            Task? logging = null;
            List<AssetResponse>? waiting = null;
            var chunk = new List<Asset>(chunkSize);
            await foreach (var asset in query.OrderBy(a => a.Id).AsAsyncEnumerable().WithCancellation(ct))
            {
                chunk.Add(asset);
                if (chunk.Count < chunkSize)
                    continue;
                (logging, waiting) = await NextAsync(chunk, logging, waiting);
                chunk = new List<Asset>(chunkSize);
            }
            if (chunk.Count > 0)
                (logging, waiting) = await NextAsync(chunk, logging, waiting);
            if (logging is not null)
            {
                await logging;
                await WriteAsync(waiting!);
            }
            await WriteAsync([]);
        }
        catch (Exception) when (response.HasStarted)
        {
            // Rows already sent were logged; the rest must not go out. Cut the response off so the client sees it is incomplete.
            httpContext.Abort();
        }
        finally
        {
            if (output is not null && response.HasStarted)
                await output.DisposeAsync();
        }

        // One chunk's log commit runs while the next chunk is read: a chunk is written once its own log has committed.
        async Task<(Task, List<AssetResponse>)> NextAsync(List<Asset> assets, Task? previousLog, List<AssetResponse>? previousRows)
        {
            var (views, parties) = await visibility.ViewAsync(assets, reader, ct);
            var rows = new List<AssetResponse>(assets.Count);
            var read = new List<ReadRecord>();
            for (var i = 0; i < assets.Count; i++)
            {
                if (!AssetQueries.Shows(views[i], filterGroups))
                    continue;
                rows.Add(AssetVisibility.ToResponse(assets[i], views[i].Groups));
                if (!views[i].IsParty)
                    read.Add(new ReadRecord(assets[i].Id.Value, views[i].Groups, parties.PartiesOf(assets[i].Id)));
            }
            var log = accessLog.RecordAsync(AssetQueries.Read(reader, AccessActions.AssetExport, read), ct);
            if (previousLog is not null)
            {
                await previousLog;
                await WriteAsync(previousRows!);
            }
            return (log, rows);
        }

        async Task WriteAsync(List<AssetResponse> rows)
        {
            if (output is null)
            {
                output = new StreamWriter(response.BodyWriter.AsStream(leaveOpen: true), new UTF8Encoding(false), 64 * 1024);
                if (format == ExportAssets.Csv)
                    await output.WriteLineAsync(CsvColumns.Header);
            }
            foreach (var row in rows)
            {
                if (format == ExportAssets.Csv)
                    await output.WriteLineAsync(CsvColumns.Line(row));
                else
                {
                    await output.WriteAsync(JsonSerializer.Serialize(row, Json));
                    await output.WriteAsync('\n');
                }
            }
            await output.FlushAsync(ct);
        }
    }

    public static void PopulateMetadata(System.Reflection.MethodInfo method, EndpointBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(AssetResponse), ["application/x-ndjson", "text/csv"]));
    }
}

/// <summary>
/// The CSV form of <see cref="AssetResponse"/>: one column per leaf JSON path (the paths the visibility rule publishes),
/// lists joined with <c>;</c>. A withheld field is an empty cell; <c>withheldGroups</c> names the groups.
/// </summary>
public static class CsvColumns
{
    private static readonly string[] ProvenanceGroups = ["identity", "technical", "location", "consent"];

    private static readonly (string Name, Func<AssetResponse, object?> Value)[] Columns =
    [
        ("assetId", r => r.AssetId),
        ("type", r => r.Type),
        ("status", r => r.Status),
        ("dataStatus", r => r.DataStatus),
        ("manufacturer", r => r.Manufacturer),
        ("model", r => r.Model),
        ("registrantId", r => r.RegistrantId),
        ("mergedInto", r => r.MergedInto),
        ("registeredAt", r => r.RegisteredAt),
        ("updatedAt", r => r.UpdatedAt),
        ("importCapacityKw", r => r.ImportCapacityKw),
        ("exportCapacityKw", r => r.ExportCapacityKw),
        ("storageCapacityKwh", r => r.StorageCapacityKwh),
        ("connectionVoltageKv", r => r.ConnectionVoltageKv),
        ("commissioningDate", r => r.CommissioningDate),
        ("marketQualifications", r => r.MarketQualifications is null ? null : string.Join(';', r.MarketQualifications)),
        ("fastTracked", r => r.FastTracked),
        .. ProvenanceGroups.SelectMany(g => new (string, Func<AssetResponse, object?>)[]
        {
            ($"provenance.{g}.declaredBy", r => r.Provenance?.GetValueOrDefault(g)?.DeclaredBy),
            ($"provenance.{g}.confirmedBy", r => r.Provenance?.GetValueOrDefault(g)?.ConfirmedBy),
            ($"provenance.{g}.confirmedAt", r => r.Provenance?.GetValueOrDefault(g)?.ConfirmedAt),
            ($"provenance.{g}.state", r => r.Provenance?.GetValueOrDefault(g)?.State),
        }),
        ("postcodeDistrict", r => r.PostcodeDistrict),
        ("dnoArea", r => r.DnoArea),
        ("gspGroup", r => r.GspGroup),
        ("approximateLocation.latitude", r => r.ApproximateLocation?.Latitude),
        ("approximateLocation.longitude", r => r.ApproximateLocation?.Longitude),
        ("address.line1", r => r.Address?.Line1),
        ("address.town", r => r.Address?.Town),
        ("address.postcode", r => r.Address?.Postcode),
        ("location.latitude", r => r.Location?.Latitude),
        ("location.longitude", r => r.Location?.Longitude),
        ("mpan", r => r.Mpan),
        ("exportMpan", r => r.ExportMpan),
        ("serialNumber", r => r.SerialNumber),
        ("ownerConsent.reference", r => r.OwnerConsent?.Reference),
        ("ownerConsent.method", r => r.OwnerConsent?.Method),
        ("ownerConsent.date", r => r.OwnerConsent?.Date),
        ("confirmationNote", r => r.ConfirmationNote),
        ("withheldGroups", r => r.WithheldGroups is null ? null : string.Join(';', r.WithheldGroups)),
    ];

    public static IReadOnlyList<string> Names { get; } = [.. Columns.Select(c => c.Name)];

    public static string Header { get; } = string.Join(',', Names);

    public static string Line(AssetResponse row)
    {
        ArgumentNullException.ThrowIfNull(row);
        var line = new StringBuilder(512);
        for (var i = 0; i < Columns.Length; i++)
        {
            if (i > 0)
                line.Append(',');
            Append(line, Columns[i].Value(row));
        }
        return line.ToString();
    }

    private static void Append(StringBuilder line, object? value)
    {
        var text = value switch
        {
            null => null,
            string s => s,
            bool b => b ? "true" : "false",
            DateTimeOffset t => t.ToString("O", CultureInfo.InvariantCulture),
            DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString(),
        };
        if (text is null)
            return;
        // RFC 4180 quoting.
        if (text.AsSpan().IndexOfAny(",\"\r\n") >= 0)
            line.Append('"').Append(text.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
        else
            line.Append(text);
    }
}
