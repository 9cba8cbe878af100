using FlexRegistry.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

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

    /// <summary>
    /// PostgreSQL: takes the given append lock(s) and reads the chain head in one round trip. The head query is a second
    /// statement, so under READ COMMITTED it reads a snapshot taken after the lock was granted.
    /// </summary>
    public static async Task<(long Sequence, string Hash)?> LockAndReadHeadAsync(RegistryDbContext db, string lockSql, CancellationToken ct)
    {
        var connection = db.Database.GetDbConnection();
        await using var command = connection.CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        command.CommandText = lockSql + "; SELECT \"Sequence\", \"Hash\" FROM audit_records ORDER BY \"Sequence\" DESC LIMIT 1";
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.NextResultAsync(ct);
        return await reader.ReadAsync(ct) ? (reader.GetInt64(0), reader.GetString(1)) : null;
    }

    public static async Task AppendAsync(RegistryDbContext db, IReadOnlyList<AuditEntry> entries, DateTimeOffset now,
        AuditOptions options, AuditCheckpointKey key, CancellationToken ct, (long Sequence, string Hash)? knownHead = null, bool headKnown = false)
    {
        var head = headKnown
            ? knownHead is { } h ? new { h.Sequence, h.Hash } : null
            : await db.AuditRecords.AsNoTracking()
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
