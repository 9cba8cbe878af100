using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace FlexRegistry.Persistence;

/// <summary>
/// Writes a unit of work's audit entries and events as its transaction commits, so the register-wide append locks are
/// held for that last step only (see <see cref="RegistryDbContext.FlushAppendsAsync"/>). If the append fails, the
/// commit does not happen: a change is never committed without its audit record and events.
/// </summary>
internal sealed class AppendLogsAtCommit : DbTransactionInterceptor
{
    public static readonly AppendLogsAtCommit Instance = new();

    public override async ValueTask<InterceptionResult> TransactionCommittingAsync(DbTransaction transaction, TransactionEventData eventData,
        InterceptionResult result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is RegistryDbContext db && await db.FlushAppendsAsync(eventData.TransactionId, cancellationToken))
        {
            // PostgreSQL, append locks held: commit synchronously for the same reason the appends were written so (see
            // FlushAppendsAsync), and tell EF the commit is done. EF still raises TransactionCommitted.
            transaction.Commit();
            return InterceptionResult.Suppress();
        }
        return result;
    }

    public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is RegistryDbContext db)
            db.AfterCommit(eventData.TransactionId);
        return Task.CompletedTask;
    }

    public override InterceptionResult TransactionCommitting(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result)
    {
        if (eventData.Context is RegistryDbContext db)
            db.RefuseUnflushedCommit(eventData.TransactionId);
        return result;
    }
}
