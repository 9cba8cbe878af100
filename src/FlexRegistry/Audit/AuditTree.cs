using FlexRegistry.Persistence;
using Microsoft.EntityFrameworkCore;

namespace FlexRegistry.Audit;

/// <summary>
/// Reads the stored Merkle tree: the hashes of complete subtrees (<see cref="AuditTreeNode"/>), from which any range's
/// hash, and so any proof, is computed with one query.
/// </summary>
internal static class AuditTree
{
    /// <summary>The hashes of the given complete subtrees; a missing one means the stored tree is damaged.</summary>
    public static async Task<Dictionary<MerkleTree.Node, byte[]>> HashesAsync(RegistryDbContext db, IEnumerable<MerkleTree.Node> nodes, CancellationToken ct)
    {
        var wanted = nodes.Distinct().ToDictionary(AuditTreeNode.IdOf);
        var ids = wanted.Keys.ToList();
        var found = ids.Count == 0 ? [] : await db.AuditTreeNodes.AsNoTracking().Where(n => ids.Contains(n.Id)).ToListAsync(ct);
        if (found.Count != ids.Count)
            throw new InvalidOperationException("The stored audit tree lacks a subtree hash it should hold.");
        return found.ToDictionary(n => wanted[n.Id], n => n.Hash);
    }

    /// <summary>The right edge of the tree of <paramref name="size"/> leaves, ready to append to.</summary>
    public static async Task<MerkleTree.Frontier> FrontierAsync(RegistryDbContext db, long size, CancellationToken ct)
    {
        var parts = MerkleTree.Decompose(0, size);
        var hashes = await HashesAsync(db, parts, ct);
        return new MerkleTree.Frontier(size, parts.Select(p => (p, hashes[p])));
    }

    /// <summary>The hashes of the given ranges, in order (one query for all their subtrees).</summary>
    public static async Task<List<byte[]>> RangeHashesAsync(RegistryDbContext db, IReadOnlyList<(long From, long To)> ranges, CancellationToken ct)
    {
        var hashes = await HashesAsync(db, ranges.SelectMany(r => MerkleTree.Decompose(r.From, r.To)), ct);
        return [.. ranges.Select(r => MerkleTree.RangeHash(r.From, r.To, hashes))];
    }

    public static async Task<byte[]> RootAsync(RegistryDbContext db, long size, CancellationToken ct) =>
        size == 0 ? MerkleTree.EmptyRoot : (await RangeHashesAsync(db, [(0, size)], ct))[0];
}
