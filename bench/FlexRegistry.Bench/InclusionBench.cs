using System.Globalization;
using FlexRegistry.Persistence;
using Microsoft.EntityFrameworkCore;

namespace FlexRegistry.Bench;

/// <summary>
/// <c>inclusion</c>: commit → inclusion in a signed tree head, from the register's own tables after a fixed-rate load:
/// for every audit record appended since <c>--since</c>, the time from its append (its <c>OccurredAt</c>, taken in the
/// writer's transaction just before commit, so the figure is an upper bound) to the timestamp of the first signed tree
/// head that covers its leaf. Records not yet in any head by the end count as not included.
/// </summary>
public static class InclusionBench
{
    public static async Task<int> RunAsync(Args args)
    {
        var provider = args.Require("provider");
        var connection = args.Require("connection");
        var since = DateTimeOffset.Parse(args.Require("since"), CultureInfo.InvariantCulture);
        await using RegistryDbContext db = provider == "postgres"
            ? new PostgresRegistryDbContext(new DbContextOptionsBuilder<PostgresRegistryDbContext>().UseNpgsql(connection).Options)
            : new SqliteRegistryDbContext(new DbContextOptionsBuilder<SqliteRegistryDbContext>().UseSqlite(connection).Options);
        var heads = await db.AuditTreeHeads.AsNoTracking().OrderBy(h => h.TreeSize).Select(h => new { h.TreeSize, h.Timestamp }).ToListAsync();
        var records = await db.AuditRecords.AsNoTracking().Where(r => r.OccurredAt >= since).Select(r => new { r.Position, r.OccurredAt }).ToListAsync();
        var positions = records.Select(r => r.Position).ToList();
        var leaves = (await db.AuditLeaves.AsNoTracking().Where(l => positions.Contains(l.RecordPosition)).ToListAsync())
            .ToDictionary(l => l.RecordPosition, l => l.LeafIndex);
        var sizes = heads.Select(h => h.TreeSize).ToArray();
        var latencies = new Latencies();
        var notIncluded = 0;
        foreach (var record in records)
        {
            // The first head whose size exceeds the leaf index covers it.
            var at = leaves.TryGetValue(record.Position, out var leaf) ? Array.BinarySearch(sizes, leaf + 1) : -1;
            if (at < 0 && leaves.ContainsKey(record.Position))
                at = ~at;
            if (at < 0 || at >= heads.Count)
            {
                notIncluded++;
                continue;
            }
            latencies.Record(heads[at].Timestamp - record.OccurredAt);
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT commit->signed-tree-head records={records.Count} not_included={notIncluded} heads={heads.Count} {latencies.Summary()}"));
        return 0;
    }
}
