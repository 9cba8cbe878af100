using System.Buffers;
using FlexRegistry.AccessLog;
using FlexRegistry.Auth;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Shared;
using FlexRegistry.Visibility;
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
    /// <summary>Rows are written into a buffer of their own and handed to the response about this many bytes at a time.</summary>
    private const int WriteBytes = 64 * 1024;

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
        // Nothing reaches the response before the first chunk's log has committed, so that a read refused before then
        // leaves it untouched (a problem). Rows are read by projection (AssetExportRow: no aggregate per row) and go as
        // UTF-8 straight from them (AssetExportFormat), no DTO per row.
        var rows = AssetExportFormat.For(format);
        var buffer = new ArrayBufferWriter<byte>(2 * WriteBytes);
        var started = false;
        try
        {
            Task? logging = null;
            List<(AssetExportRow, GroupSet)>? waiting = null;
            var chunk = new List<AssetExportRow>(chunkSize);
            await foreach (var row in query.OrderBy(a => a.Id).Select(AssetExportRow.Projection).AsAsyncEnumerable().WithCancellation(ct))
            {
                chunk.Add(row);
                if (chunk.Count < chunkSize)
                    continue;
                (logging, waiting) = await NextAsync(chunk, logging, waiting);
                chunk = new List<AssetExportRow>(chunkSize);
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

        // One chunk's log commit runs while the next chunk is read: a chunk is written once its own log has committed.
        async Task<(Task, List<(AssetExportRow, GroupSet)>)> NextAsync(List<AssetExportRow> assets, Task? previousLog, List<(AssetExportRow, GroupSet)>? previousRows)
        {
            var (views, parties) = await visibility.ViewAsync([.. assets.Select(a => a.Ref)], reader, ct);
            var shown = new List<(AssetExportRow, GroupSet)>(assets.Count);
            var read = new List<ReadRecord>();
            for (var i = 0; i < assets.Count; i++)
            {
                if (!AssetQueries.Shows(views[i], filterGroups))
                    continue;
                shown.Add((assets[i], views[i].Groups));
                if (!views[i].IsParty)
                    read.Add(new ReadRecord(assets[i].Id.Value, views[i].Groups, parties.PartiesOf(assets[i].Id)));
            }
            var log = accessLog.RecordAsync(AssetQueries.Read(reader, AccessActions.AssetExport, read), ct);
            if (previousLog is not null)
            {
                await previousLog;
                await WriteAsync(previousRows!);
            }
            return (log, shown);
        }

        async Task WriteAsync(List<(AssetExportRow, GroupSet)> chunk)
        {
            if (!started)
            {
                started = true;
                rows.WriteHeader(buffer);
            }
            foreach (var (asset, groups) in chunk)
            {
                rows.Write(buffer, asset, groups);
                if (buffer.WrittenCount >= WriteBytes)
                    await SendAsync();
            }
            await SendAsync();
        }

        async Task SendAsync()
        {
            if (buffer.WrittenCount > 0)
                await response.BodyWriter.WriteAsync(buffer.WrittenMemory, ct);
            else
                await response.BodyWriter.FlushAsync(ct);
            buffer.ResetWrittenCount();
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
/// <see cref="CsvExportFormat"/> writes the cells in this order.
/// </summary>
public static class CsvColumns
{
    private static readonly string[] ProvenanceGroups = ["identity", "technical", "location", "consent"];

    public static IReadOnlyList<string> Names { get; } =
    [
        "assetId", "type", "status", "dataStatus", "manufacturer", "model", "registrantId", "mergedInto", "registeredAt", "updatedAt",
        "importCapacityKw", "exportCapacityKw", "storageCapacityKwh", "connectionVoltageKv", "commissioningDate", "marketQualifications",
        "fastTracked",
        .. ProvenanceGroups.SelectMany(g => new[] { $"provenance.{g}.declaredBy", $"provenance.{g}.confirmedBy", $"provenance.{g}.confirmedAt", $"provenance.{g}.state" }),
        "postcodeDistrict", "dnoArea", "gspGroup", "approximateLocation.latitude", "approximateLocation.longitude",
        "address.line1", "address.town", "address.postcode", "location.latitude", "location.longitude",
        "mpan", "exportMpan", "serialNumber", "ownerConsent.reference", "ownerConsent.method", "ownerConsent.date",
        "confirmationNote", "withheldGroups",
    ];

    public static string Header { get; } = string.Join(',', Names);
}
