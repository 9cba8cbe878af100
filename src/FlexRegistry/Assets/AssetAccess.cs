using FlexRegistry.Auth;
using FlexRegistry.Events;
using FlexRegistry.Participants;
using FlexRegistry.Persistence;
using Microsoft.EntityFrameworkCore;

namespace FlexRegistry.Assets;

/// <summary>
/// BUC.2 step 6a: reads of an asset by a participant that is not a party to it, counted per asset, reader and time
/// window. When the window has closed one <c>asset.accessed</c> event tells the asset's parties who read it and how
/// often, so that a busy reader does not flood subscribers with one event per read.
/// </summary>
public sealed class AssetAccessWindow : EventSource
{
    private AssetAccessWindow() { }

    public long Id { get; private set; }
    public AssetId AssetId { get; private set; }
    public ParticipantId ReaderId { get; private set; }
    public DateTimeOffset WindowStart { get; private set; }
    public DateTimeOffset WindowEnd { get; private set; }
    public int Count { get; private set; }
    public DateTimeOffset FirstAt { get; private set; }
    public DateTimeOffset LastAt { get; private set; }

    /// <summary>Set once the event is recorded; a concurrency token, so two instances cannot publish one window twice.</summary>
    public DateTimeOffset? PublishedAt { get; private set; }

    public static AssetAccessWindow Open(AssetId asset, ParticipantId reader, DateTimeOffset windowStart, TimeSpan window, DateTimeOffset now) => new()
    {
        AssetId = asset,
        ReaderId = reader,
        WindowStart = windowStart,
        WindowEnd = windowStart + window,
        Count = 1,
        FirstAt = now,
        LastAt = now,
    };

    public void Publish(IEnumerable<string> parties, DateTimeOffset now)
    {
        PublishedAt = now;
        Record("asset.accessed", AssetId.Value, new Dictionary<string, object?>
        {
            ["assetId"] = AssetId.Value,
            ["readerId"] = ReaderId.Value,
            ["count"] = Count,
            ["firstAt"] = FirstAt,
            ["lastAt"] = LastAt,
            ["windowStart"] = WindowStart,
            ["windowEnd"] = WindowEnd,
        }, [.. parties]);
    }
}

/// <summary>Configuration section <c>AssetAccess</c>.</summary>
public sealed class AssetAccessOptions
{
    /// <summary>Reads by one reader of one asset within one window become one <c>asset.accessed</c> event.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromHours(1);

    /// <summary>A window is published this long after it closes, so that reads still being counted at its end are included.</summary>
    public TimeSpan Grace { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>
/// The recorder other features call when asset data is read: reads by a party to the asset are not counted; any
/// other reader's are (today: the registry operator; tomorrow market operators reading under a grant).
/// </summary>
public sealed class RecordAssetAccess(RegistryDbContext db, Journal journal, AssetAccessOptions options, TimeProvider time)
{
    public async Task RecordAsync(Asset asset, Caller caller, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(asset);
        ArgumentNullException.ThrowIfNull(caller);
        if (asset.HasParty(caller.ParticipantId))
            return;
        var now = time.GetUtcNow();
        var windowStart = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % options.Window.Ticks), TimeSpan.Zero);
        var assetId = asset.Id;
        var reader = caller.ParticipantId;
        for (var attempt = 1; ; attempt++)
        {
            var counted = await db.AssetAccessWindows
                .Where(w => w.AssetId == assetId && w.ReaderId == reader && w.WindowStart == windowStart)
                .ExecuteUpdateAsync(w => w.SetProperty(x => x.Count, x => x.Count + 1).SetProperty(x => x.LastAt, now), ct);
            if (counted > 0)
                return;
            db.AssetAccessWindows.Add(AssetAccessWindow.Open(assetId, reader, windowStart, options.Window, now));
            try
            {
                await db.SaveChangesAsync(ct);
                return;
            }
            catch (DbUpdateException e) when (e.IsUniqueViolation() && attempt < 3)
            {
                // Another read opened the window at the same moment: count into it instead.
                db.ChangeTracker.Clear();
            }
        }
    }

    /// <summary>Publishes every closed window: one event each, to the asset's parties. Returns how many were published.</summary>
    public async Task<int> PublishClosedWindowsAsync(CancellationToken ct)
    {
        var closedBefore = time.GetUtcNow() - options.Grace;
        var windows = await db.AssetAccessWindows.Where(w => w.PublishedAt == null && w.WindowEnd <= closedBefore)
            .OrderBy(w => w.Id).Take(500).ToListAsync(ct);
        if (windows.Count == 0)
            return 0;
        var assetIds = windows.Select(w => w.AssetId).Distinct().ToList();
        var parties = await db.Assets.AsNoTracking().Where(a => assetIds.Contains(a.Id)).ToDictionaryAsync(a => a.Id, a => a.PartyList, ct);
        var now = time.GetUtcNow();
        foreach (var window in windows)
        {
            window.Publish(parties.GetValueOrDefault(window.AssetId) ?? [], now);
            journal.Append(window.TakeEvents());
        }
        try
        {
            await journal.SaveAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Another instance published some of these windows first; the rest are picked up by the next pass.
            db.ChangeTracker.Clear();
            return 0;
        }
        return windows.Count;
    }
}
