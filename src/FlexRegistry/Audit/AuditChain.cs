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

    /// <summary>The last link of the chain (null when the chain is empty); read under the append lock.</summary>
    public static async Task<(long Sequence, string Hash)?> ReadHeadAsync(RegistryDbContext db, CancellationToken ct)
    {
        var head = await db.AuditRecords.AsNoTracking()
            .OrderByDescending(r => r.Sequence)
            .Select(r => new { r.Sequence, r.Hash })
            .FirstOrDefaultAsync(ct);
        return head is null ? null : (head.Sequence, head.Hash);
    }

    /// <summary>Links the entries after <paramref name="head"/> (from <see cref="ReadHeadAsync"/> or <see cref="LockAndReadHeadAsync"/>).</summary>
    public static void Append(RegistryDbContext db, IReadOnlyList<AuditEntry> entries, (long Sequence, string Hash)? head, DateTimeOffset now,
        AuditOptions options, AuditCheckpointKey key)
    {
        // Links added by an earlier SaveChanges of the same unit of work but not yet flushed count as the head too.
        var pendingHead = db.TrackedEntries<AuditRecord>()
            .Where(e => e.State == EntityState.Added)
            .Select(e => e.Entity)
            .OrderByDescending(r => r.Sequence)
            .FirstOrDefault();
        var sequence = Math.Max(head?.Sequence ?? 0, pendingHead?.Sequence ?? 0);
        var previous = pendingHead is not null && pendingHead.Sequence == sequence ? pendingHead.Hash : head?.Hash ?? AuditRecord.Genesis;
        var (records, checkpoints) = Link(entries, (sequence, previous), now, options, key);
        db.AuditRecords.AddRange(records);
        db.AuditCheckpoints.AddRange(checkpoints);
    }

    /// <summary>
    /// Links the entries after <paramref name="head"/> without tracking them: for a caller that writes the records itself
    /// (the bulk import, with the bulk writer), under the same append lock and from a head read under it.
    /// </summary>
    public static (List<AuditRecord> Records, List<AuditCheckpoint> Checkpoints) Link(IReadOnlyList<AuditEntry> entries,
        (long Sequence, string Hash)? head, DateTimeOffset now, AuditOptions options, AuditCheckpointKey key)
    {
        var sequence = head?.Sequence ?? 0;
        var previous = head?.Hash ?? AuditRecord.Genesis;
        var records = new List<AuditRecord>(entries.Count);
        var checkpoints = new List<AuditCheckpoint>();
        foreach (var entry in entries)
        {
            var record = AuditRecord.Chain(entry, ++sequence, previous, now);
            records.Add(record);
            previous = record.Hash;
            if (options.CheckpointEvery > 0 && sequence % options.CheckpointEvery == 0)
                checkpoints.Add(AuditCheckpoint.Sign(record, key));
        }
        return (records, checkpoints);
    }
}
