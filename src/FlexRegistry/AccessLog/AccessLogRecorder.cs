using System.Threading.Channels;
using FlexRegistry.Assets;
using FlexRegistry.Persistence;
using FlexRegistry.Shared;
using FlexRegistry.Visibility;

namespace FlexRegistry.AccessLog;

/// <summary>
/// Records reads in the access log, and is the only thing that does: every read of other participants' data (by ID,
/// search, export, commercial information) hands what it is about to return to <see cref="RecordAsync"/> and returns
/// it only once that has completed — the entry, its records and subjects, its audit record and the 6a counters are
/// committed by then (fail closed: if they cannot be, the read answers 503 <c>access_log.unavailable</c> and returns
/// nothing).
/// </summary>
/// <remarks>
/// Reads arrive far more often than writes, and each must be durable before it is answered. Rather than one commit
/// per read, concurrent reads are committed together (group commit): a single writer loop takes every read queued
/// while the previous commit ran and commits them in one transaction, so under load the cost of a commit is shared and
/// the register-wide append of their audit records happens once per batch. A read waits for one commit at most
/// (the one in progress) plus its own.
/// </remarks>
public sealed class AccessLogRecorder(IServiceScopeFactory scopes, TimeProvider time, ILogger<AccessLogRecorder> logger) : BackgroundService
{
    /// <summary>At most this many records (an export chunk counts its rows) go into one commit.</summary>
    public const int MaxRecordsPerCommit = 20_000;

    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });

    private sealed record Pending(AccessRead Read, TaskCompletionSource Done);

    /// <summary>Logs the read; completes once it is committed, or throws <see cref="AccessLogErrors.Unavailable"/>.</summary>
    public async Task RecordAsync(AccessRead read, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(read);
        if (read.Records.Count == 0)
            return;
        var pending = new Pending(read, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_queue.Writer.TryWrite(pending))
            throw new DomainRuleException(AccessLogErrors.Unavailable, "The access log is shutting down; the read was not recorded and nothing is returned.");
        // Not cancelled with the request: once queued the read is logged whether or not the caller still waits (a
        // logged read that was not delivered is harmless; the reverse is what must never happen).
        await pending.Done.Task.WaitAsync(ct);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<Pending>();
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                batch.Clear();
                var records = 0;
                while (records < MaxRecordsPerCommit && _queue.Reader.TryRead(out var next))
                {
                    batch.Add(next);
                    records += next.Read.Records.Count;
                }
                await CommitAsync(batch, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            _queue.Writer.TryComplete();
            var refusal = new DomainRuleException(AccessLogErrors.Unavailable, "The access log is shutting down; the read was not recorded and nothing is returned.");
            foreach (var left in batch.Where(p => !p.Done.Task.IsCompleted))
                left.Done.TrySetException(refusal);
            while (_queue.Reader.TryRead(out var left))
                left.Done.TrySetException(refusal);
        }
    }

    private async Task CommitAsync(List<Pending> batch, CancellationToken stoppingToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
            var journal = scope.ServiceProvider.GetRequiredService<Journal>();
            var notifications = scope.ServiceProvider.GetRequiredService<AccessNotifications>();
            // Not the service's stopping token: a batch that has started commits or fails as a whole.
            await WriteAsync(db, journal, notifications, [.. batch.Select(p => p.Read)], CancellationToken.None);
            foreach (var pending in batch)
                pending.Done.TrySetResult();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            logger.LogError(e, "Could not write {Count} access-log entries; their reads are refused", batch.Count);
            var refusal = new DomainRuleException(AccessLogErrors.Unavailable, "The read could not be recorded in the access log, so no data is returned.");
            foreach (var pending in batch)
                pending.Done.TrySetException(refusal);
        }
        stoppingToken.ThrowIfCancellationRequested();
    }

    /// <summary>
    /// Writes the entries (their IDs come back from the database), then their records and subjects in bulk, their
    /// audit records (one per entry, handed to the journal: a leaf of the audit log covering the entry's records through its
    /// digest) and the 6a counters, and commits: all or nothing.
    /// </summary>
    private async Task WriteAsync(RegistryDbContext db, Journal journal, AccessNotifications notifications, IReadOnlyList<AccessRead> reads, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // A failed statement fails the whole batch (all or nothing), so EF's per-save savepoints would only add two
        // round trips to each of the two saves of every commit.
        db.Database.AutoSavepointsEnabled = false;
        var entries = reads.Select(r => AccessLogEntry.Draft(r, now)).ToList();
        db.AccessLogEntries.AddRange(entries);
        await db.SaveChangesAsync(ct);

        var records = new List<AccessLogRecord>();
        var subjects = new List<AccessLogSubject>();
        for (var i = 0; i < reads.Count; i++)
        {
            var (entry, read) = (entries[i], reads[i]);
            if (read.Resource == VisibilityRule.Asset)
                records.AddRange(read.Records.Select(r => new AccessLogRecord(entry.Id, AssetId.Parse(r.ResourceId), r.Groups.Bits)));
            var entrySubjects = AccessLogEntry.Subjects(read);
            subjects.AddRange(entrySubjects.Select(s => new AccessLogSubject(entry.Id, s.Key, s.Value)));
            journal.Append(entry.ToAudit(read.ReaderClientId, entrySubjects.Count == 1 ? entrySubjects.Keys.First() : null));
        }
        var bulk = BulkWriter.For(db);
        await bulk.InsertAsync(db, records, ct);
        await bulk.InsertAsync(db, subjects, ct);
        await notifications.CountAsync([.. entries.Zip(reads)], ct);
        await journal.CommitAsync(transaction, ct);
    }
}
