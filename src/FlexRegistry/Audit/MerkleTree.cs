using System.Numerics;
using System.Security.Cryptography;

namespace FlexRegistry.Audit;

/// <summary>
/// Merkle tree hashing and proofs as in RFC 9162 (Certificate Transparency 2.0), section 2.1: leaf hash
/// SHA-256(0x00 ‖ data), node hash SHA-256(0x01 ‖ left ‖ right), the tree of n leaves split at the largest power of two
/// below n. Proofs are described as the leaf ranges whose hashes they hold (<see cref="InclusionRanges"/>,
/// <see cref="ConsistencyRanges"/>); each such range is a run of complete subtrees (<see cref="Decompose"/>), which is
/// what the log stores, so any proof needs O(log n) stored hashes.
/// </summary>
public static class MerkleTree
{
    /// <summary>A complete subtree: leaves <c>[Index·2^Level, (Index+1)·2^Level)</c>.</summary>
    public readonly record struct Node(int Level, long Index)
    {
        public long From => Index << Level;
        public long To => (Index + 1) << Level;
    }

    /// <summary>The root of the empty tree: SHA-256 of nothing.</summary>
    public static byte[] EmptyRoot => SHA256.HashData([]);

    public static byte[] LeafHash(ReadOnlySpan<byte> data)
    {
        var buffer = new byte[data.Length + 1];
        data.CopyTo(buffer.AsSpan(1));
        return SHA256.HashData(buffer);
    }

    public static byte[] NodeHash(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        Span<byte> buffer = stackalloc byte[1 + 32 + 32];
        buffer[0] = 1;
        left.CopyTo(buffer[1..]);
        right.CopyTo(buffer[33..]);
        return SHA256.HashData(buffer);
    }

    /// <summary>The largest power of two strictly below <paramref name="n"/> (n ≥ 2): RFC 9162's split point k.</summary>
    public static long Split(long n) => 1L << (63 - BitOperations.LeadingZeroCount((ulong)(n - 1)));

    /// <summary>
    /// The complete subtrees that make up leaves <c>[from, to)</c>, left to right. For the ranges RFC 9162's recursion
    /// produces (and for <c>[0, n)</c>) they are the binary digits of the range's size, largest first.
    /// </summary>
    public static List<Node> Decompose(long from, long to)
    {
        var nodes = new List<Node>();
        while (from < to)
        {
            var size = 1L << (63 - BitOperations.LeadingZeroCount((ulong)(to - from)));
            if (from != 0)
                size = Math.Min(size, from & -from);
            var level = BitOperations.TrailingZeroCount(size);
            nodes.Add(new Node(level, from >> level));
            from += size;
        }
        return nodes;
    }

    /// <summary>The hash of leaves <c>[from, to)</c> (MTH of RFC 9162) from the hashes of its complete subtrees.</summary>
    public static byte[] RangeHash(long from, long to, IReadOnlyDictionary<Node, byte[]> stored)
    {
        if (from == to)
            return EmptyRoot;
        var parts = Decompose(from, to);
        var hash = stored[parts[^1]];
        for (var i = parts.Count - 2; i >= 0; i--)
            hash = NodeHash(stored[parts[i]], hash);
        return hash;
    }

    /// <summary>The ranges whose hashes are the inclusion proof of leaf <paramref name="m"/> in a tree of <paramref name="n"/> leaves (PATH(m, D[n])), in proof order.</summary>
    public static List<(long From, long To)> InclusionRanges(long m, long n)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(m, n);
        var ranges = new List<(long, long)>();
        Path(m, 0, n, ranges);
        return ranges;
    }

    private static void Path(long m, long from, long to, List<(long, long)> ranges)
    {
        var n = to - from;
        if (n == 1)
            return;
        var k = Split(n);
        if (m < k)
        {
            Path(m, from, from + k, ranges);
            ranges.Add((from + k, to));
        }
        else
        {
            Path(m - k, from + k, to, ranges);
            ranges.Add((from, from + k));
        }
    }

    /// <summary>The ranges whose hashes are the consistency proof from size <paramref name="m"/> to size <paramref name="n"/> (PROOF(m, D[n])), in proof order.</summary>
    public static List<(long From, long To)> ConsistencyRanges(long m, long n)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(m, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(m, n);
        var ranges = new List<(long, long)>();
        SubProof(m, 0, n, true, ranges);
        return ranges;
    }

    private static void SubProof(long m, long from, long to, bool complete, List<(long, long)> ranges)
    {
        var n = to - from;
        if (m == n)
        {
            if (!complete)
                ranges.Add((from, to));
            return;
        }
        var k = Split(n);
        if (m <= k)
        {
            SubProof(m, from, from + k, complete, ranges);
            ranges.Add((from + k, to));
        }
        else
        {
            SubProof(m - k, from + k, to, false, ranges);
            ranges.Add((from, from + k));
        }
    }

    /// <summary>
    /// The right edge of a tree as it grows: the complete subtrees of <c>[0, size)</c>, largest first. Appending a leaf
    /// merges equal neighbours into their parent; each subtree completed so is reported, for storage.
    /// </summary>
    public sealed class Frontier(long size, IEnumerable<(Node Node, byte[] Hash)> subtrees)
    {
        private readonly List<(Node Node, byte[] Hash)> _subtrees = [.. subtrees];

        public long Size { get; private set; } = size;

        public void Append(byte[] leafHash, List<(Node Node, byte[] Hash)> completed)
        {
            var entry = (Node: new Node(0, Size), Hash: leafHash);
            completed.Add(entry);
            while (_subtrees.Count > 0 && _subtrees[^1].Node.Level == entry.Node.Level)
            {
                var left = _subtrees[^1];
                _subtrees.RemoveAt(_subtrees.Count - 1);
                entry = (new Node(entry.Node.Level + 1, left.Node.Index >> 1), NodeHash(left.Hash, entry.Hash));
                completed.Add(entry);
            }
            _subtrees.Add(entry);
            Size++;
        }

        public byte[] Root()
        {
            if (_subtrees.Count == 0)
                return EmptyRoot;
            var hash = _subtrees[^1].Hash;
            for (var i = _subtrees.Count - 2; i >= 0; i--)
                hash = NodeHash(_subtrees[i].Hash, hash);
            return hash;
        }
    }
}
