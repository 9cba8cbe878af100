using FlexRegistry.Persistence;
using FlexRegistry.Shared;
using Microsoft.EntityFrameworkCore;

namespace FlexRegistry.Events;

/// <summary>
/// Gives committed events their public, gap-free <c>sequence</c> (see <see cref="LogSequencer"/> for why the order is
/// final), then wakes the webhook dispatcher. The feed, the dispatcher and replay read sequenced events only.
/// </summary>
public sealed class EventSequencer(IServiceScopeFactory scopes, SequencingOptions options, EventLogSignal newEvents, RegistryMetrics metrics,
    TimeProvider time, ILogger<EventSequencer> logger) : LogSequencer(scopes, options, metrics, time, logger)
{
    protected override string Log => "events";

    protected override TimeSpan PassInterval => Options.EventPassInterval;

    protected override async Task<(int Rows, DateTimeOffset? Oldest)> SequenceAsync(RegistryDbContext db, CancellationToken ct)
    {
        var last = await LastAsync(db, ct);
        var ready = await After(db.Events, db, "events", last.TransactionId, last.Position, readyOnly: true)
            .OrderBy(e => e.TransactionId).ThenBy(e => e.Position)
            .Take(Math.Max(1, Options.EventBatch))
            .Select(e => new { e.Position, e.Time })
            .ToListAsync(ct);
        if (ready.Count == 0)
            return (0, null);
        var sequenced = new List<SequencedEvent>(ready.Count);
        for (var i = 0; i < ready.Count; i++)
            sequenced.Add(SequencedEvent.At(last.Sequence + 1 + i, ready[i].Position));
        await BulkWriter.For(db).InsertAsync(db, sequenced, ct);
        return (ready.Count, ready.Min(r => r.Time));
    }

    protected override async Task<LogKey> LastOrderedAsync(RegistryDbContext db, CancellationToken ct)
    {
        var last = await LastAsync(db, ct);
        return new LogKey(last.TransactionId, last.Position);
    }

    protected override Task<LogKey?> LastPendingAsync(RegistryDbContext db, LogKey after, CancellationToken ct) =>
        LastAfterAsync(db.Events, db, "events", after, ct);

    protected override void Sequenced(int rows) => newEvents.Wake();

    /// <summary>How many events are committed but not yet sequenced (for the metrics).</summary>
    internal static async Task<long> PendingCountAsync(RegistryDbContext db, CancellationToken ct)
    {
        var last = await LastAsync(db, ct);
        return await After(db.Events, db, "events", last.TransactionId, last.Position, readyOnly: false).LongCountAsync(ct);
    }

    /// <summary>The last event sequenced: its sequence and its (transaction, position); before the first, (0, -1, -1).</summary>
    private static async Task<(long Sequence, long TransactionId, long Position)> LastAsync(RegistryDbContext db, CancellationToken ct)
    {
        var last = await (
                from s in db.SequencedEvents
                join e in db.Events on s.Position equals e.Position
                orderby s.Sequence descending
                select new { s.Sequence, e.TransactionId, e.Position })
            .FirstOrDefaultAsync(ct);
        return last is null ? (0, -1, -1) : (last.Sequence, last.TransactionId, last.Position);
    }
}
