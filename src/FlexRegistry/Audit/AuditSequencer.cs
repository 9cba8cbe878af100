using FlexRegistry.Persistence;
using FlexRegistry.Shared;
using Microsoft.EntityFrameworkCore;

namespace FlexRegistry.Audit;

/// <summary>
/// Appends committed audit records to the Merkle tree log (see <see cref="LogSequencer"/> for why their order is final):
/// each pass gives the ready records their leaf indexes, stores the leaf hashes and every subtree they complete, and
/// signs one tree head for the new size — all in one transaction, so a record with a leaf index is always covered by a
/// signed tree head.
/// </summary>
public sealed class AuditSequencer(IServiceScopeFactory scopes, SequencingOptions options, AuditOptions auditOptions, AuditSigningKey key,
    RegistryMetrics metrics, TimeProvider time, ILogger<AuditSequencer> logger) : LogSequencer(scopes, options, metrics, time, logger)
{
    protected override string Log => "audit";

    protected override TimeSpan PassInterval => auditOptions.TreeHeadInterval;

    protected override async Task<(int Rows, DateTimeOffset? Oldest)> SequenceAsync(RegistryDbContext db, CancellationToken ct)
    {
        var last = await LastAsync(db, ct);
        var ready = await After(db.AuditRecords, db, "audit_records", last.TransactionId, last.Position, readyOnly: true)
            .OrderBy(r => r.TransactionId).ThenBy(r => r.Position)
            .Take(Math.Max(1, auditOptions.SequencerBatch))
            .AsNoTracking()
            .ToListAsync(ct);
        if (ready.Count == 0)
            return (0, null);

        var size = last.LeafIndex + 1;
        var frontier = await AuditTree.FrontierAsync(db, size, ct);
        var leaves = new List<AuditLeaf>(ready.Count);
        var completed = new List<(MerkleTree.Node Node, byte[] Hash)>(ready.Count * 2);
        foreach (var record in ready)
        {
            leaves.Add(AuditLeaf.At(frontier.Size, record.Position));
            frontier.Append(record.LeafHash(), completed);
        }
        var writer = BulkWriter.For(db);
        await writer.InsertAsync(db, leaves, ct);
        await writer.InsertAsync(db, [.. completed.Select(c => AuditTreeNode.Of(c.Node, c.Hash))], ct);
        db.AuditTreeHeads.Add(AuditTreeHead.Sign(frontier.Size, frontier.Root(), Time.GetUtcNow(), key));
        await db.SaveChangesAsync(ct);
        return (ready.Count, ready.Min(r => r.OccurredAt));
    }

    protected override async Task<LogKey> LastOrderedAsync(RegistryDbContext db, CancellationToken ct)
    {
        var last = await LastAsync(db, ct);
        return new LogKey(last.TransactionId, last.Position);
    }

    protected override Task<LogKey?> LastPendingAsync(RegistryDbContext db, LogKey after, CancellationToken ct) =>
        LastAfterAsync(db.AuditRecords, db, "audit_records", after, ct);

    /// <summary>How many audit records are committed but not yet in the tree (for the metrics).</summary>
    internal static async Task<long> PendingCountAsync(RegistryDbContext db, CancellationToken ct)
    {
        var last = await LastAsync(db, ct);
        return await After(db.AuditRecords, db, "audit_records", last.TransactionId, last.Position, readyOnly: false).LongCountAsync(ct);
    }

    /// <summary>The last leaf: its index and its record's (transaction, position); before the first, (-1, -1, -1).</summary>
    private static async Task<(long LeafIndex, long TransactionId, long Position)> LastAsync(RegistryDbContext db, CancellationToken ct)
    {
        var last = await (
                from l in db.AuditLeaves
                join r in db.AuditRecords on l.RecordPosition equals r.Position
                orderby l.LeafIndex descending
                select new { l.LeafIndex, r.TransactionId, r.Position })
            .FirstOrDefaultAsync(ct);
        return last is null ? (-1, -1, -1) : (last.LeafIndex, last.TransactionId, last.Position);
    }
}
