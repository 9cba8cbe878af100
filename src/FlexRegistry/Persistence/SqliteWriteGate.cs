using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace FlexRegistry.Persistence;

/// <summary>
/// SQLite has one writer at a time, and a statement that finds the write lock taken is retried by
/// Microsoft.Data.Sqlite after sleeping 150 ms, so under concurrent writes most of the time goes to sleeping. This gate
/// queues the service's own writers in process instead: a writer starts only when the previous one has ended, and the
/// next in line starts the moment it does. A transaction holds it from its start until it commits, rolls back, fails,
/// or its connection closes (a transaction disposed without either), and at the latest until the DbContext is
/// disposed. A write outside a transaction (EF runs a <c>SaveChanges</c> of one statement, and every
/// <c>ExecuteUpdate</c>/<c>ExecuteDelete</c>, without one) holds it for that statement; reads outside a transaction
/// never wait for it (WAL readers do not block the writer). Waiting is bounded like the busy timeout it replaces.
/// </summary>
internal sealed class SqliteWriteGate : DbTransactionInterceptor, IDbConnectionInterceptor, IDbCommandInterceptor, IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private int _waiting;

    public override async ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(DbConnection connection,
        TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is RegistryDbContext { WriteGate: null } db)
            await EnterAsync(db, null, cancellationToken);
        return result;
    }

    public override InterceptionResult<DbTransaction> TransactionStarting(DbConnection connection, TransactionStartingEventData eventData,
        InterceptionResult<DbTransaction> result)
    {
        if (eventData.Context is RegistryDbContext { WriteGate: null } db)
            Enter(db, null);
        return result;
    }

    public override void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Leave(eventData.Context);

    public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Leave(eventData.Context);
        return Task.CompletedTask;
    }

    public override void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Leave(eventData.Context);

    public override Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Leave(eventData.Context);
        return Task.CompletedTask;
    }

    public override void TransactionFailed(DbTransaction transaction, TransactionErrorEventData eventData) => Leave(eventData.Context);

    public override Task TransactionFailedAsync(DbTransaction transaction, TransactionErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Leave(eventData.Context);
        return Task.CompletedTask;
    }

    public void ConnectionClosed(DbConnection connection, ConnectionEndEventData eventData) => LeaveIfNoTransaction(eventData.Context);

    public Task ConnectionClosedAsync(DbConnection connection, ConnectionEndEventData eventData)
    {
        LeaveIfNoTransaction(eventData.Context);
        return Task.CompletedTask;
    }

    private static void LeaveIfNoTransaction(Microsoft.EntityFrameworkCore.DbContext? context)
    {
        if (context is RegistryDbContext db && db.Database.CurrentTransaction is null)
            Leave(db);
    }

    private static void Leave(Microsoft.EntityFrameworkCore.DbContext? context)
    {
        if (context is RegistryDbContext db)
            db.LeaveWriteGate();
    }

    // Writes outside a transaction: the gate is taken before the statement runs and left when it has finished (for a
    // reader, when the reader is disposed: until then SQLite may still hold the write lock for the statement).

    public InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        EnterForStatement(command, eventData);
        return result;
    }

    public async ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        await EnterForStatementAsync(command, eventData, cancellationToken);
        return result;
    }

    public int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result)
    {
        LeaveForStatement(command, eventData.Context);
        return result;
    }

    public ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        LeaveForStatement(command, eventData.Context);
        return ValueTask.FromResult(result);
    }

    public InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
    {
        EnterForStatement(command, eventData);
        return result;
    }

    public async ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        await EnterForStatementAsync(command, eventData, cancellationToken);
        return result;
    }

    public object? ScalarExecuted(DbCommand command, CommandExecutedEventData eventData, object? result)
    {
        LeaveForStatement(command, eventData.Context);
        return result;
    }

    public ValueTask<object?> ScalarExecutedAsync(DbCommand command, CommandExecutedEventData eventData, object? result, CancellationToken cancellationToken = default)
    {
        LeaveForStatement(command, eventData.Context);
        return ValueTask.FromResult(result);
    }

    public InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        EnterForStatement(command, eventData);
        return result;
    }

    public async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        await EnterForStatementAsync(command, eventData, cancellationToken);
        return result;
    }

    public InterceptionResult DataReaderDisposing(DbCommand command, DataReaderDisposingEventData eventData, InterceptionResult result)
    {
        LeaveForStatement(command, eventData.Context);
        return result;
    }

    public void CommandFailed(DbCommand command, CommandErrorEventData eventData) => LeaveForStatement(command, eventData.Context);

    public Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        LeaveForStatement(command, eventData.Context);
        return Task.CompletedTask;
    }

    public void CommandCanceled(DbCommand command, CommandEndEventData eventData) => LeaveForStatement(command, eventData.Context);

    public Task CommandCanceledAsync(DbCommand command, CommandEndEventData eventData, CancellationToken cancellationToken = default)
    {
        LeaveForStatement(command, eventData.Context);
        return Task.CompletedTask;
    }

    private void EnterForStatement(DbCommand command, CommandEventData eventData)
    {
        if (eventData.Context is RegistryDbContext { WriteGate: null } db && command.Transaction is null && Writes(command.CommandText))
            Enter(db, command);
    }

    private async ValueTask EnterForStatementAsync(DbCommand command, CommandEventData eventData, CancellationToken ct)
    {
        if (eventData.Context is RegistryDbContext { WriteGate: null } db && command.Transaction is null && Writes(command.CommandText))
            await EnterAsync(db, command, ct);
    }

    private static void LeaveForStatement(DbCommand command, Microsoft.EntityFrameworkCore.DbContext? context)
    {
        if (context is RegistryDbContext db && ReferenceEquals(db.WriteGateStatement, command))
            db.LeaveWriteGate();
    }

    /// <summary>
    /// Whether a statement may write: anything but a query. The first keyword decides, after EF's tag comments; a
    /// statement that is not plainly a read (e.g. one starting with <c>WITH</c>) counts as a write.
    /// </summary>
    internal static bool Writes(string sql)
    {
        var text = sql.AsSpan();
        while (true)
        {
            text = text.TrimStart();
            if (!text.StartsWith("--", StringComparison.Ordinal))
                break;
            var end = text.IndexOf('\n');
            text = end < 0 ? [] : text[(end + 1)..];
        }
        return !(StartsWithKeyword(text, "SELECT") || StartsWithKeyword(text, "PRAGMA") || StartsWithKeyword(text, "EXPLAIN") || text.IsEmpty);
    }

    private static bool StartsWithKeyword(ReadOnlySpan<char> text, string keyword) =>
        text.StartsWith(keyword, StringComparison.OrdinalIgnoreCase) && (text.Length == keyword.Length || !char.IsLetterOrDigit(text[keyword.Length]));

    private void Enter(RegistryDbContext db, DbCommand? statement)
    {
        Interlocked.Increment(ref _waiting);
        try
        {
            if (!_gate.Wait(Patience))
                throw new TimeoutException("Timed out waiting for the SQLite write lock.");
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }
        Hold(db, statement);
    }

    private async ValueTask EnterAsync(RegistryDbContext db, DbCommand? statement, CancellationToken ct)
    {
        Interlocked.Increment(ref _waiting);
        try
        {
            if (!await _gate.WaitAsync(Patience, ct))
                throw new TimeoutException("Timed out waiting for the SQLite write lock.");
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }
        Hold(db, statement);
    }

    /// <summary>The gate is <paramref name="db"/>'s until it leaves: for its transaction, or for <paramref name="statement"/> alone.</summary>
    private void Hold(RegistryDbContext db, DbCommand? statement)
    {
        db.WriteGate = this;
        db.WriteGateStatement = statement;
    }

    /// <summary>How many writers are waiting for the gate (for tests).</summary>
    internal int Waiting => Volatile.Read(ref _waiting);

    /// <summary>Whether a writer holds the gate now (for tests).</summary>
    internal bool Held => _gate.CurrentCount == 0;

    internal void Release() => _gate.Release();

    public void Dispose() => _gate.Dispose();
}
