using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace FlexRegistry.Persistence;

/// <summary>
/// SQLite has one writer at a time, and a transaction that finds the write lock taken is retried by
/// Microsoft.Data.Sqlite after sleeping, so under concurrent writes most of the time goes to sleeping. This gate queues
/// the service's own transactions in process instead: a transaction starts only when the previous one has ended, and
/// the next in line starts the moment it does. It is held from the start of a transaction until it commits, rolls
/// back, fails, or its connection closes (a transaction disposed without either), and at the latest until the
/// DbContext is disposed. Waiting is bounded like the busy timeout it replaces.
/// </summary>
internal sealed class SqliteWriteGate : DbTransactionInterceptor, IDbConnectionInterceptor, IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly SemaphoreSlim _gate = new(1, 1);

    public override async ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(DbConnection connection,
        TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is RegistryDbContext { WriteGate: null } db)
        {
            if (!await _gate.WaitAsync(Patience, cancellationToken))
                throw new TimeoutException("Timed out waiting for the SQLite write lock.");
            db.WriteGate = this;
        }
        return result;
    }

    public override InterceptionResult<DbTransaction> TransactionStarting(DbConnection connection, TransactionStartingEventData eventData,
        InterceptionResult<DbTransaction> result)
    {
        if (eventData.Context is RegistryDbContext { WriteGate: null } db)
        {
            if (!_gate.Wait(Patience))
                throw new TimeoutException("Timed out waiting for the SQLite write lock.");
            db.WriteGate = this;
        }
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

    internal void Release() => _gate.Release();

    public void Dispose() => _gate.Dispose();
}
