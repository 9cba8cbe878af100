using FlexRegistry.Persistence;
using Microsoft.EntityFrameworkCore;

namespace FlexRegistry.Audit;

/// <summary>
/// Appends queued entries to the chain inside the caller's transaction. The caller serialises appends first (a
/// PostgreSQL advisory transaction lock, <see cref="PostgresLockSql"/>; SQLite's database write lock, taken at once by
/// <see cref="TakeSqliteWriteLockAsync"/>) so that reading the head and adding the next link cannot interleave: the
/// chain stays linear and gapless under concurrency. <c>RegistryDbContext.FlushAppendsAsync</c> does both at commit.
/// </summary>
internal static class AuditChain
{
    internal const string PostgresLockSql = "SELECT pg_advisory_xact_lock(hashtext('flexregistry-audit-chain'))";

    /// <summary>A no-op write: a deferred SQLite transaction takes the database write lock here, before reading the head.</summary>
    public static Task TakeSqliteWriteLockAsync(RegistryDbContext db, CancellationToken ct) =>
        db.Database.ExecuteSqlRawAsync("UPDATE audit_records SET \"Sequence\" = \"Sequence\" WHERE 1 = 0", ct);

    public static async Task AppendAsync(RegistryDbContext db, IReadOnlyList<AuditEntry> entries, DateTimeOffset now,
        AuditOptions options, AuditCheckpointKey key, CancellationToken ct)
    {
        var head = await db.AuditRecords.AsNoTracking()
            .OrderByDescending(r => r.Sequence)
            .Select(r => new { r.Sequence, r.Hash })
            .FirstOrDefaultAsync(ct);
        // Links added by an earlier SaveChanges of the same unit of work but not yet flushed count as the head too.
        var pendingHead = db.ChangeTracker.Entries<AuditRecord>()
            .Where(e => e.State == EntityState.Added)
            .Select(e => e.Entity)
            .OrderByDescending(r => r.Sequence)
            .FirstOrDefault();
        var sequence = Math.Max(head?.Sequence ?? 0, pendingHead?.Sequence ?? 0);
        var previous = pendingHead is not null && pendingHead.Sequence == sequence ? pendingHead.Hash : head?.Hash ?? AuditRecord.Genesis;

        foreach (var entry in entries)
        {
            var record = AuditRecord.Chain(entry, ++sequence, previous, now);
            db.AuditRecords.Add(record);
            previous = record.Hash;
            if (options.CheckpointEvery > 0 && sequence % options.CheckpointEvery == 0)
                db.AuditCheckpoints.Add(AuditCheckpoint.Sign(record, key));
        }
    }
}
