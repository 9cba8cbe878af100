using System.Data.Common;
using System.Diagnostics;
using FlexRegistry.Shared;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace FlexRegistry.Persistence;

/// <summary>Configuration section <c>Sequencing</c>.</summary>
public sealed class SequencingOptions
{
    /// <summary>How often an idle sequencer looks for rows committed without waking it (e.g. by another instance).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Under load, event-sequencer passes are at least this far apart (rows committed meanwhile go in one pass).</summary>
    public TimeSpan EventPassInterval { get; set; } = TimeSpan.FromMilliseconds(5);

    /// <summary>At most this many events are sequenced in one pass.</summary>
    public int EventBatch { get; set; } = 20_000;

    /// <summary>
    /// How long a read of the event feed or the audit trail waits for what committed before it to be sequenced
    /// (read your writes). Normally milliseconds; longer only behind a long-running write transaction.
    /// </summary>
    public TimeSpan CatchUpTimeout { get; set; } = TimeSpan.FromSeconds(2);
}

/// <summary>
/// Orders one log after commit. Writers insert rows with an insert position and (on PostgreSQL) their transaction ID,
/// and wait for no one. One pass of one sequencer at a time (on PostgreSQL a transaction-level advisory lock that only
/// sequencers take, tried and never waited for; on SQLite the single writer) takes the rows after the last one it
/// ordered, in (transaction, position) order, and gives them their place in the log.
/// </summary>
/// <remarks>
/// Why the order is final: on PostgreSQL a pass takes only rows of transactions older than the oldest transaction still
/// running (<c>pg_snapshot_xmin(pg_current_snapshot())</c>, in the same statement as the read, so of the same snapshot).
/// Every such transaction has ended, so each of its rows is either visible now or never will be; no row can later
/// appear before the last one ordered. Transaction IDs are handed out in increasing order, so a transaction that
/// started first but commits last is ordered first, and everything after it waits until it ends. On SQLite one writer
/// at a time commits, so insert order is commit order, and the pass (itself a write) sees every committed row.
/// </remarks>
public abstract class LogSequencer(IServiceScopeFactory scopes, SequencingOptions options, RegistryMetrics metrics, TimeProvider time, ILogger logger)
    : BackgroundService
{
    protected SequencingOptions Options => options;

    protected TimeProvider Time => time;

    private readonly SemaphoreSlim _wake = new(0, 1);
    private bool _idle = true;
    private TaskCompletionSource _passEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The log's name in logs and metrics: <c>events</c>, <c>audit</c>.</summary>
    protected abstract string Log { get; }

    /// <summary>The least time between the starts of two passes under load.</summary>
    protected abstract TimeSpan PassInterval { get; }

    /// <summary>
    /// One pass, inside a transaction that holds the log's sequencing lock: orders what is ready and returns how many rows
    /// and the oldest one's append time.
    /// </summary>
    protected abstract Task<(int Rows, DateTimeOffset? Oldest)> SequenceAsync(RegistryDbContext db, CancellationToken ct);

    /// <summary>The (transaction, position) of the last row this log has ordered; before the first, (-1, -1).</summary>
    protected abstract Task<LogKey> LastOrderedAsync(RegistryDbContext db, CancellationToken ct);

    /// <summary>
    /// The last row, in (transaction, position) order, that is committed (visible to <paramref name="db"/>) and comes
    /// after <paramref name="after"/>; null when there is none. Implemented with <see cref="LastAfterAsync{T}"/>.
    /// </summary>
    protected abstract Task<LogKey?> LastPendingAsync(RegistryDbContext db, LogKey after, CancellationToken ct);

    /// <summary>The last row committed but not yet ordered, in (transaction, position) order; null when there is none.</summary>
    private async Task<LogKey?> PendingAsync(RegistryDbContext db, CancellationToken ct) =>
        await LastPendingAsync(db, await LastOrderedAsync(db, ct), ct);

    /// <summary>Called after a pass that ordered rows.</summary>
    protected virtual void Sequenced(int rows)
    {
    }

    /// <summary>Runs a pass soon (a commit just appended rows).</summary>
    public void Wake()
    {
        if (_wake.CurrentCount == 0)
        {
            try
            {
                _wake.Release();
            }
            catch (SemaphoreFullException)
            {
                // Already woken.
            }
        }
    }

    /// <summary>One pass; returns how many rows it ordered (0 when nothing was ready or another sequencer holds the lock).</summary>
    public async Task<int> RunOnceAsync(CancellationToken ct)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
            // Idle, a pass first looks (a read) before it opens a write transaction: on SQLite that transaction would make
            // the register's writers wait for nothing, every poll.
            if (_idle && await PendingAsync(db, ct) is null)
                return 0;
            var (rows, oldest) = await db.Database.CreateExecutionStrategy().ExecuteAsync(async () =>
            {
                db.ChangeTracker.Clear();
                await using var transaction = await db.Database.BeginTransactionAsync(ct);
                if (db.Database.IsNpgsql() && !await TryLockAsync(db, ct))
                    return (0, null);
                var pass = await SequenceAsync(db, ct);
                await transaction.CommitAsync(ct);
                return pass;
            });
            _idle = rows == 0;
            if (rows > 0)
            {
                metrics.Sequenced(Log, rows, oldest is { } o ? time.GetUtcNow() - o : TimeSpan.Zero);
                Sequenced(rows);
            }
            return rows;
        }
        finally
        {
            Interlocked.Exchange(ref _passEnded, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var started = Stopwatch.GetTimestamp();
            var rows = 0;
            try
            {
                rows = await RunOnceAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(e, "{Log} sequencer pass failed; retrying after the poll interval", Log);
            }
            try
            {
                // Under load the next pass waits out the pass interval, gathering what commits meanwhile; idle, it waits
                // for a commit's wake or the poll.
                var pause = PassInterval - Stopwatch.GetElapsedTime(started);
                if (pause > TimeSpan.Zero)
                    await Task.Delay(pause, stoppingToken);
                if (rows == 0)
                    await _wake.WaitAsync(options.PollInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Read your writes: waits until every row committed before the call (as <paramref name="db"/> sees it) has been
    /// ordered, or <see cref="SequencingOptions.CatchUpTimeout"/> has passed (behind a long write transaction), so that a
    /// client that has had its write acknowledged finds it in the log it reads next. Takes no lock.
    /// </summary>
    public async Task CatchUpAsync(RegistryDbContext db, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        // The last row committed before the call, in the order the sequencer takes rows: once the sequencer has ordered
        // it, it has ordered every row before it, so everything committed before the call is in the log.
        if (await PendingAsync(db, ct) is not { } target)
            return;
        var started = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(started) < options.CatchUpTimeout)
        {
            var passEnded = Volatile.Read(ref _passEnded).Task;
            Wake();
            // This instance's pass, or (when another instance holds the lock) a short wait for its progress.
            await Task.WhenAny(passEnded, Task.Delay(20, ct));
            if ((await LastOrderedAsync(db, ct)).CompareTo(target) >= 0)
                return;
        }
    }

    /// <summary>PostgreSQL: this log's sequencing lock for the current transaction, if no other sequencer holds it.</summary>
    private async Task<bool> TryLockAsync(RegistryDbContext db, CancellationToken ct)
    {
        var connection = db.Database.GetDbConnection();
        await using var command = connection.CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        command.CommandText = $"SELECT pg_try_advisory_xact_lock(hashtext('flexregistry-sequencer:{Log}'))";
        return await command.ExecuteScalarAsync(ct) is true;
    }

    /// <summary>
    /// The rows of <paramref name="table"/> after the last one ordered, <c>(transactionId, position)</c>; with
    /// <paramref name="readyOnly"/>, only those of transactions older than every running one (PostgreSQL).
    /// </summary>
    protected static IQueryable<T> After<T>(DbSet<T> rows, RegistryDbContext db, string table, long transactionId, long position, bool readyOnly)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(db);
        if (!db.Database.IsNpgsql())
        {
            // SQLite: every row's TransactionId is 0 (the single writer commits in insert order), so the rows after
            // (transaction, position) are those after the position. Said so, the (TransactionId, Position) index is sought
            // from there; the row-value comparison was sought on TransactionId alone, which read the whole log on every
            // pass and every feed read (SQLite 3.40, 50,000 rows: 85 ms a query, against microseconds said this way).
            var afterPosition = $"SELECT * FROM {table} WHERE \"TransactionId\" = 0 AND \"Position\" > {{0}}";
            return rows.FromSqlRaw(afterPosition, position);
        }
        var sql = $"SELECT * FROM {table} WHERE (\"TransactionId\", \"Position\") > ({{0}}, {{1}})";
        if (readyOnly)
            sql += " AND \"TransactionId\" < pg_snapshot_xmin(pg_current_snapshot())::text::bigint";
        return rows.FromSqlRaw(sql, transactionId, position);
    }

    /// <summary>
    /// The last row of <paramref name="table"/> after <paramref name="after"/> in (transaction, position) order: the
    /// (TransactionId, Position) index read backwards from its end down to <paramref name="after"/>, one row when there is
    /// one, none read when there is not. (The highest <em>position</em> among those rows, <c>max("Position")</c>, was
    /// planned on PostgreSQL as a backward scan of the primary key filtered row by row, which read the whole log whenever
    /// nothing was pending: 7 ms at 31,000 events, 0.7 s at 1M, on every read of the feed and every idle pass.)
    /// </summary>
    protected static async Task<LogKey?> LastAfterAsync<T>(DbSet<T> rows, RegistryDbContext db, string table, LogKey after, CancellationToken ct)
        where T : class
    {
        var last = await After(rows, db, table, after.TransactionId, after.Position, readyOnly: false)
            .OrderByDescending(r => EF.Property<long>(r, "TransactionId")).ThenByDescending(r => EF.Property<long>(r, "Position"))
            .Select(r => new { TransactionId = EF.Property<long>(r, "TransactionId"), Position = EF.Property<long>(r, "Position") })
            .FirstOrDefaultAsync(ct);
        return last is null ? null : new LogKey(last.TransactionId, last.Position);
    }

    internal static DbTransaction? Transaction(RegistryDbContext db) => db.Database.CurrentTransaction?.GetDbTransaction();
}

/// <summary>A log row's place in the order the sequencer takes rows: its writer's transaction, then its insert position.</summary>
public readonly record struct LogKey(long TransactionId, long Position) : IComparable<LogKey>
{
    public int CompareTo(LogKey other) =>
        TransactionId != other.TransactionId ? TransactionId.CompareTo(other.TransactionId) : Position.CompareTo(other.Position);

    public static bool operator <(LogKey left, LogKey right) => left.CompareTo(right) < 0;

    public static bool operator >(LogKey left, LogKey right) => left.CompareTo(right) > 0;

    public static bool operator <=(LogKey left, LogKey right) => left.CompareTo(right) <= 0;

    public static bool operator >=(LogKey left, LogKey right) => left.CompareTo(right) >= 0;
}
