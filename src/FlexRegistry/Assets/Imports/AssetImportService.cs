using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using FlexRegistry.Audit;
using FlexRegistry.Auth;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Persistence;
using FlexRegistry.Shared;
using Microsoft.EntityFrameworkCore;

namespace FlexRegistry.Assets.Imports;

/// <summary>Configuration section <c>Imports</c>.</summary>
public sealed class AssetImportOptions
{
    /// <summary>
    /// Rows registered per transaction (one batch = one commit = one resume point), at most <see cref="MaxBatchSize"/>
    /// (a batch's audit record lists every asset it registered, and the published audit record holds at most that many).
    /// </summary>
    public int BatchSize { get; set; } = 1000;

    public const int MaxBatchSize = AuditRecordResponse.MaxResourceIds;

    /// <summary>
    /// The near-duplicate sweep runs once this many rows are committed but not yet swept (and at the end): one blocked
    /// query per sweep, so sweeping several small batches at once costs less than one sweep each.
    /// </summary>
    public int SweepRows { get; set; } = 5000;

    /// <summary>Rows staged per transaction while the upload streams in.</summary>
    public int StagingChunk { get; set; } = 5000;

    /// <summary>Largest upload accepted (the JSON limit does not apply to this endpoint).</summary>
    public long MaxBodyBytes { get; set; } = 2L * 1024 * 1024 * 1024;

    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>An upload still receiving after this long was interrupted (the service stopped mid-upload): it is marked failed.</summary>
    public TimeSpan AbandonedUploadAfter { get; set; } = TimeSpan.FromHours(6);
}

/// <summary>Wakes the import worker when an upload has been staged.</summary>
public sealed class AssetImportSignal : WorkSignal
{
    /// <summary>Consecutive failures per import, so that a batch that keeps failing fails its import instead of blocking the queue.</summary>
    internal System.Collections.Concurrent.ConcurrentDictionary<Guid, int> Failures { get; } = new();

    private readonly Lock _gate = new();
    private (Guid ImportId, int From, Task<AssetImportProcessor.PreparedBatch> Work)? _ahead;
    private Sweep? _sweep;

    /// <summary>A near-duplicate sweep of rows <c>(From, To]</c> computing behind the batches.</summary>
    internal sealed record Sweep(Guid ImportId, int From, int To, Task<AssetImportProcessor.SweepResult> Work);

    /// <summary>Keeps the next batch, prepared ahead (one at a time); any earlier one is dropped.</summary>
    internal void SetAhead(Guid importId, int from, Task<AssetImportProcessor.PreparedBatch> work)
    {
        lock (_gate)
        {
            Drop(_ahead?.Work);
            _ahead = (importId, from, work);
        }
    }

    /// <summary>The batch of <paramref name="importId"/> after row <paramref name="from"/>, if it was prepared ahead; anything else held is dropped.</summary>
    internal Task<AssetImportProcessor.PreparedBatch>? TakeAhead(Guid importId, int from)
    {
        lock (_gate)
        {
            var ahead = _ahead;
            _ahead = null;
            if (ahead is { } a && a.ImportId == importId && a.From == from)
                return a.Work;
            Drop(ahead?.Work);
            return null;
        }
    }

    internal void StartSweep(Guid importId, int from, int to, Task<AssetImportProcessor.SweepResult> work)
    {
        lock (_gate)
        {
            Drop(_sweep?.Work);
            _sweep = new Sweep(importId, from, to, work);
        }
    }

    internal bool SweepRunning(Guid importId)
    {
        lock (_gate)
            return _sweep?.ImportId == importId;
    }

    /// <summary>
    /// The sweep of <paramref name="importId"/> from row <paramref name="from"/> once it has finished computing (or at
    /// once when <paramref name="wait"/>: the caller awaits it); a sweep from another point (already written, or of
    /// another import) is dropped.
    /// </summary>
    internal Sweep? TakeSweep(Guid importId, int from, bool wait)
    {
        lock (_gate)
        {
            if (_sweep is not { } sweep)
                return null;
            if (sweep.ImportId != importId || sweep.From != from)
            {
                Drop(sweep.Work);
                _sweep = null;
                return null;
            }
            if (!wait && !sweep.Work.IsCompleted)
                return null;
            _sweep = null;
            return sweep;
        }
    }

    /// <summary>Work nobody will wait for: its failure is observed here, not left to the finaliser.</summary>
    private static void Drop(Task? work) => work?.ContinueWith(t => _ = t.Exception, CancellationToken.None,
        TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
}

/// <summary>
/// BUC.2 step 1 at scale: receives an upload (CSV or NDJSON), streaming it row by row into the durable staging table
/// in chunks, then answers at once; <see cref="AssetImportWorker"/> registers the rows. Public so that a benchmark can
/// run an import in-process: <see cref="StartAsync"/> takes any stream, then <see cref="AssetImportProcessor.RunToCompletionAsync"/>.
/// </summary>
public sealed class AssetImportService(RegistryDbContext db, Journal journal, AssetImportOptions options, AssetImportSignal signal, TimeProvider time,
    ILogger<AssetImportService> logger)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<AssetImportStatus> StartAsync(Stream body, string? contentType, string? idempotencyKey, Caller caller, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(caller);
        var format = AssetImportReader.FormatOf(contentType)
            ?? throw new DomainRuleException(CommonErrors.UnsupportedMediaType, "Send the file as text/csv or application/x-ndjson.");
        if (idempotencyKey is not null && (idempotencyKey.Length is < 1 or > 100 || idempotencyKey.Any(c => c is < ' ' or > '~')))
            throw new DomainRuleException(AssetErrors.IdempotencyKeyInvalid, "Idempotency-Key must be 1–100 printable ASCII characters.");

        using var hashing = new HashingStream(body);
        if (idempotencyKey is not null && await FindByKeyAsync(caller, idempotencyKey, ct) is { } earlier)
        {
            // A retry: the file is read only to compare it, never staged again.
            await hashing.CopyToAsync(Stream.Null, ct);
            return Replay(earlier, hashing.Hash());
        }

        var import = AssetImport.Start(caller.ParticipantId, caller.ClientId, format, time.GetUtcNow());
        db.AssetImports.Add(import);
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        int rows;
        try
        {
            rows = await StageAsync(import.Id, hashing, format, ct);
            await hashing.CopyToAsync(Stream.Null, ct);
        }
        catch
        {
            // Nothing half-written: a refused or interrupted upload leaves no import and no staged rows behind.
            await DiscardAsync(import.Id);
            throw;
        }

        var hash = hashing.Hash();
        try
        {
            var staged = await db.AssetImports.FirstAsync(i => i.Id == import.Id, ct);
            staged.Received(rows, hash, idempotencyKey);
            journal.Append(AuditEntry.By(caller, "asset_import.start", "asset_import", import.Id.ToString(), caller.ParticipantId.Value,
                [.. new[] { "file", "format", idempotencyKey is null ? null : "idempotencyKey" }.OfType<string>()]));
            await journal.SaveAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation() && idempotencyKey is not null)
        {
            // The same key finished uploading concurrently: answer as for a retry.
            db.ChangeTracker.Clear();
            await DiscardAsync(import.Id);
            return Replay((await FindByKeyAsync(caller, idempotencyKey, ct))!, hash);
        }
        logger.LogInformation("Import {ImportId} staged {Rows} {Format} rows for {ParticipantId}", import.Id, rows, format, caller.ParticipantId);
        signal.Wake();
        return await GetAsync(import.Id, caller, ct);
    }

    private Task<AssetImport?> FindByKeyAsync(Caller caller, string key, CancellationToken ct) =>
        db.AssetImports.AsNoTracking().FirstOrDefaultAsync(i => i.ParticipantId == caller.ParticipantId && i.IdempotencyKey == key, ct);

    private static AssetImportStatus Replay(AssetImport earlier, string hash) =>
        earlier.FileHash == hash
            ? ToStatus(earlier)
            : throw new DomainRuleException(AssetImportErrors.IdempotencyKeyReused,
                "This Idempotency-Key was used for an import of a different file; use a new key for a new file.",
                new Dictionary<string, object?> { ["importId"] = earlier.Id.ToString() });

    /// <summary>Reads the upload row by row and writes it to the staging table in chunks, each chunk one transaction.</summary>
    private async Task<int> StageAsync(Guid importId, Stream body, string format, CancellationToken ct)
    {
        var writer = BulkWriter.For(db);
        var chunk = new List<AssetImportRow>(options.StagingChunk);
        var rows = 0;
        await foreach (var row in AssetImportReader.ReadAsync(body, format, ct))
        {
            chunk.Add(AssetImportRow.Create(importId, row.RowNumber,
                row.Request is null ? null : JsonSerializer.Serialize(row.Request, Json),
                row.Errors.Count == 0 ? null : JsonSerializer.Serialize(row.Errors.Select(e => new FieldErrorDto(e.Field, e.Code, e.Message)), Json)));
            rows = row.RowNumber;
            if (chunk.Count >= options.StagingChunk)
            {
                await WriteChunkAsync(writer, chunk, ct);
                chunk.Clear();
            }
        }
        await WriteChunkAsync(writer, chunk, ct);
        return rows;
    }

    private async Task WriteChunkAsync(BulkWriter writer, List<AssetImportRow> chunk, CancellationToken ct)
    {
        if (chunk.Count == 0)
            return;
        var strategy = db.Database.CreateExecutionStrategy();
        await strategy.ExecuteAsync(async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            await writer.InsertAsync(db, chunk, ct);
            await transaction.CommitAsync(ct);
        });
    }

    private async Task DiscardAsync(Guid importId)
    {
        db.ChangeTracker.Clear();
        await db.AssetImportRows.Where(r => r.ImportId == importId).ExecuteDeleteAsync(CancellationToken.None);
        await db.AssetImports.Where(i => i.Id == importId).ExecuteDeleteAsync(CancellationToken.None);
    }

    public async Task<AssetImportStatus> GetAsync(Guid id, Caller caller, CancellationToken ct) =>
        ToStatus(await FindAsync(id, caller, ct));

    /// <summary>The caller's own import; another participant's (or a missing one) is 404, never 403.</summary>
    private async Task<AssetImport> FindAsync(Guid id, Caller caller, CancellationToken ct)
    {
        var import = await db.AssetImports.AsNoTracking().FirstOrDefaultAsync(i => i.Id == id, ct);
        if (import is null || (import.ParticipantId != caller.ParticipantId && !caller.IsRegistryOperator))
            throw new DomainRuleException(AssetImportErrors.NotFound, $"No import {id}.");
        return import;
    }

    public static Guid ParseId(string id) =>
        Guid.TryParse(id, out var guid) ? guid : throw new DomainRuleException(AssetImportErrors.NotFound, $"No import {id}.");

    internal static AssetImportStatus ToStatus(AssetImport i) => new()
    {
        ImportId = i.Id.ToString(),
        Status = i.Status.ToString().ToLowerInvariant(),
        Format = i.Format,
        RowsReceived = i.RowsReceived,
        RowsProcessed = i.RowsProcessed,
        Registered = i.Registered,
        Duplicates = i.Duplicates,
        Invalid = i.Invalid,
        PossibleDuplicates = i.PossibleDuplicates,
        CreatedAt = i.CreatedAt,
        CompletedAt = i.CompletedAt,
        Failure = i.Failure,
    };

    /// <summary>
    /// Every processed row's result, in row order: the result rows (duplicates, invalid rows, registered rows flagged as
    /// possible duplicates) merged with the rows simply registered, read from their assets. Read a bounded range of rows
    /// at a time from each, so the two reads never need two open readers on one connection.
    /// </summary>
    private async IAsyncEnumerable<AssetImportResult> ResultsAsync(AssetImport import, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        const int Range = 5000;
        for (var from = 0; from < import.RowsReceived; from += Range)
        {
            var to = from + Range;
            var stored = await db.AssetImportResults.AsNoTracking()
                .Where(r => r.ImportId == import.Id && r.RowNumber > from && r.RowNumber <= to).ToListAsync(ct);
            var registered = await db.Assets.AsNoTracking()
                .Where(a => a.ImportId == import.Id && a.ImportRow > from && a.ImportRow <= to)
                .Select(a => new { a.ImportRow, a.Id }).ToListAsync(ct);
            var byRow = stored.ToDictionary(r => r.RowNumber);
            foreach (var r in registered)
                byRow.TryAdd(r.ImportRow!.Value, AssetImportResult.Create(import.Id, r.ImportRow.Value, AssetImportResult.RegisteredOutcome, r.Id.Value, null, null));
            foreach (var row in byRow.Keys.Order())
                yield return byRow[row];
        }
    }

    /// <summary>Streams the per-row results in row order, as CSV or NDJSON, straight from the database to <paramref name="destination"/>.</summary>
    public async Task WriteResultsAsync(Guid id, Caller caller, string format, Stream destination, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var import = await FindAsync(id, caller, ct);
        await using var writer = new StreamWriter(destination, new UTF8Encoding(false), 64 * 1024, leaveOpen: true);
        if (format == AssetImportReader.Csv)
            await writer.WriteAsync("rowNumber,outcome,assetId,existingAssetId,duplicateCaseId,errors\n");
        await foreach (var r in ResultsAsync(import, ct))
        {
            var errors = r.Errors is null ? [] : JsonSerializer.Deserialize<List<FieldErrorDto>>(r.Errors, Json)!;
            if (format == AssetImportReader.Csv)
            {
                var cell = string.Join("; ", errors.Select(e => $"{e.Code}@{e.Field}"));
                await writer.WriteAsync(string.Join(',', r.RowNumber.ToString(System.Globalization.CultureInfo.InvariantCulture), r.Outcome,
                    r.AssetId, r.ExistingAssetId, r.DuplicateCaseId, CsvCell(cell)));
                await writer.WriteAsync('\n');
            }
            else
            {
                await writer.WriteAsync(JsonSerializer.Serialize(new AssetImportRowResult
                {
                    RowNumber = r.RowNumber,
                    Outcome = r.Outcome,
                    AssetId = r.AssetId,
                    ExistingAssetId = r.ExistingAssetId,
                    DuplicateCaseId = r.DuplicateCaseId,
                    Errors = errors.Count == 0 ? null : errors,
                }, Json));
                await writer.WriteAsync('\n');
            }
        }
        await writer.FlushAsync(ct);
    }

    private static string CsvCell(string value) =>
        value.IndexOfAny([',', '"', '\n', '\r']) < 0 ? value : "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>The header row and one example row (a valid EV chargepoint).</summary>
    public static string Template() =>
        string.Join(',', AssetImportReader.Columns) + "\n" +
        $"ev-chargepoint,{Mpan.WithCheckDigit("120000000001")},,Myenergi Ltd,zappi v2 7kW,ZP-0012345,12 Mill Lane,Cambridge,CB1 2AB,52.2,0.12,7.4,,,0.23,commissioned,2024-05-01,CONSENT-123,signed-contract,2024-04-20,\n";

    /// <summary>Passes the request body through while hashing it (SHA-256), so the file's hash is known when the upload ends.</summary>
    private sealed class HashingStream(Stream inner) : Stream
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        public string Hash() => Convert.ToHexStringLower(_hash.GetHashAndReset());

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var read = inner.Read(buffer, offset, count);
            _hash.AppendData(buffer, offset, read);
            return read;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await inner.ReadAsync(buffer, cancellationToken);
            _hash.AppendData(buffer.Span[..read]);
            return read;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
                _hash.Dispose();
            base.Dispose(disposing);
        }
    }
}
