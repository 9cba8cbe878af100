using System.CommandLine;
using System.Globalization;
using FlexRegistry.Client;
using FlexRegistry.Client.Contracts;
using Spectre.Console;

namespace FlexRegistry.Cli.Assets;

/// <summary>
/// <c>flexreg assets import FILE</c> (and <c>export</c>, <see cref="ExportCommand"/>): streams a CSV or NDJSON file to <c>POST /api/v1/asset-imports</c> with a live
/// progress bar (bytes uploaded, then rows processed from the import's counters), then writes the per-row results.
/// </summary>
public static class AssetsCommand
{
    public static Command Create(CliContext context, ConnectionOptions connection)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(connection);
        var file = new Argument<FileInfo>("FILE") { Description = "CSV (header row, RFC 4180, UTF-8) or NDJSON (.ndjson/.jsonl) file of assets" };
        var results = new Option<string?>("--results") { Description = "Where to write the per-row results (.csv or .ndjson); default FILE.results.csv" };
        var key = new Option<string?>("--idempotency-key") { Description = "Same key and same file: the same import (safe to retry)" };
        var import = new Command("import", "Bulk-register assets from a file, with progress and per-row results") { file, results, key };
        connection.AddTo(import);
        import.SetAction(async (parsed, ct) =>
        {
            var source = parsed.GetValue(file)!;
            var resultsPath = parsed.GetValue(results) ?? source.FullName + ".results.csv";
            var client = connection.CreateClient(parsed, Timeout.InfiniteTimeSpan);
            var status = await ImportAsync(context, client, source, resultsPath, parsed.GetValue(key), ct);
            var table = new Table().AddColumns("Import", "Status", "Rows", "Registered", "Duplicates", "Possible duplicates", "Invalid");
            table.AddRow(status.ImportId, status.Status, N(status.RowsProcessed), N(status.Registered), N(status.Duplicates), N(status.PossibleDuplicates), N(status.Invalid));
            context.Console.Write(table);
            if (status.Status != "completed")
            {
                context.Console.MarkupLineInterpolated($"[red]Import {status.ImportId} failed[/]: {status.Failure}");
                return Flexreg.CheckFailed;
            }
            context.Console.MarkupLineInterpolated($"Per-row results: {resultsPath}");
            return Flexreg.Ok;
        });
        var assets = new Command("assets", "Assets: bulk registration and export");
        assets.Subcommands.Add(import);
        assets.Subcommands.Add(ExportCommand.Create(context, connection));
        return assets;
    }

    /// <summary>Uploads, follows the import to its end and downloads its results; returns the final status.</summary>
    public static async Task<AssetImportStatus> ImportAsync(CliContext context, FlexRegistryClient client, FileInfo source, string resultsPath, string? idempotencyKey, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(source);
        var contentType = source.Extension.ToLowerInvariant() is ".ndjson" or ".jsonl" ? "application/x-ndjson" : "text/csv";
        var resultsFormat = resultsPath.EndsWith(".ndjson", StringComparison.OrdinalIgnoreCase) || resultsPath.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase)
            ? "ndjson" : "csv";
        AssetImportStatus status = null!;
        await context.Console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .StartAsync(async progress =>
            {
                var upload = progress.AddTask($"Uploading {source.Name}", maxValue: Math.Max(1, source.Length));
                await using (var stream = new ProgressStream(new FileStream(source.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16), upload))
                    status = await client.StartAssetImportAsync(stream, contentType, idempotencyKey, ct);
                upload.Value = upload.MaxValue;
                upload.StopTask();

                var processing = progress.AddTask("Processing rows", maxValue: Math.Max(1, status.RowsReceived));
                while (!status.Finished)
                {
                    Show(processing, status);
                    await Task.Delay(context.PollInterval, ct);
                    status = await client.GetAssetImportAsync(status.ImportId, ct);
                }
                Show(processing, status);
                processing.StopTask();
            });
        if (status.Status == "completed")
        {
            await using var output = new FileStream(resultsPath, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
            await client.DownloadAssetImportResultsAsync(status.ImportId, resultsFormat, output, ct);
        }
        return status;
    }

    private static void Show(ProgressTask task, AssetImportStatus status)
    {
        task.MaxValue = Math.Max(1, Math.Max(status.RowsReceived, status.RowsProcessed));
        task.Value = status.RowsProcessed;
        task.Description = $"{status.Status}: {N(status.RowsProcessed)}/{N(status.RowsReceived)} rows · {N(status.Registered)} registered · {N(status.Duplicates)} duplicates · {N(status.Invalid)} invalid";
    }

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>A read-only stream that moves a progress task as the HTTP client reads the file.</summary>
    private sealed class ProgressStream(Stream inner, ProgressTask task) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => inner.CanSeek;
        public override bool CanWrite => false;
        public override long Length => inner.Length;

        public override long Position
        {
            get => inner.Position;
            set => inner.Position = value;
        }

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await inner.ReadAsync(buffer, cancellationToken));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        private int Count(int read)
        {
            task.Increment(read);
            return read;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
                inner.Dispose();
            base.Dispose(disposing);
        }

        public override async ValueTask DisposeAsync()
        {
            await inner.DisposeAsync();
            await base.DisposeAsync();
        }
    }
}
