using System.Globalization;
using FlexRegistry.Assets;
using FlexRegistry.Audit;
using FlexRegistry.Auth;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Events;
using FlexRegistry.Participants;
using FlexRegistry.Persistence;
using FlexRegistry.Shared;
using FlexRegistry.Visibility;
using Microsoft.EntityFrameworkCore;

namespace FlexRegistry.AccessLog;

/// <summary>A participant's choice to be told of reads of its assets (BUC.2 step 6a): all of them, or named ones (<see cref="AccessNotificationAsset"/>).</summary>
public sealed class AccessNotificationSetting
{
    private AccessNotificationSetting() { }

    public ParticipantId ParticipantId { get; private set; }
    public bool AllAssets { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }
    public string UpdatedBy { get; private set; } = "";

    public static AccessNotificationSetting For(ParticipantId participant) => new() { ParticipantId = participant };

    public void Change(bool allAssets, string actor, DateTimeOffset now)
    {
        AllAssets = allAssets;
        UpdatedAt = now;
        UpdatedBy = actor;
    }
}

/// <summary>One asset a participant opted in for.</summary>
public sealed class AccessNotificationAsset
{
    private AccessNotificationAsset() { }

    public AccessNotificationAsset(ParticipantId participantId, AssetId assetId)
    {
        ParticipantId = participantId;
        AssetId = assetId;
    }

    public ParticipantId ParticipantId { get; private set; }
    public AssetId AssetId { get; private set; }
}

/// <summary>
/// BUC.2 step 6a: the reads by one reader of one participant's opted-in assets within one window — by ID, in searches
/// and in exports — counted as they are logged. When the window has closed, one <c>asset.accessed</c> event tells the
/// participant who read how often, which assets (up to <see cref="AccessNotifications.MaxAssetIdsInEvent"/>) and where
/// the access log has the rest, so a busy reader does not flood it with one event per read.
/// </summary>
public sealed class AssetAccessWindow : EventSource
{
    private AssetAccessWindow() { }

    public long Id { get; private set; }

    /// <summary>The participant told: a party to the assets read that opted in.</summary>
    public ParticipantId ParticipantId { get; private set; }
    public ParticipantId ReaderId { get; private set; }
    public DateTimeOffset WindowStart { get; private set; }
    public DateTimeOffset WindowEnd { get; private set; }

    /// <summary>Logged reads (access-log entries) that returned opted-in assets of the participant.</summary>
    public int Reads { get; private set; }

    /// <summary>Opted-in assets of the participant those reads returned (an asset read twice counts twice).</summary>
    public int Records { get; private set; }
    public DateTimeOffset FirstAt { get; private set; }
    public DateTimeOffset LastAt { get; private set; }

    /// <summary>Set once the event is recorded; a concurrency token, so two instances cannot publish one window twice.</summary>
    public DateTimeOffset? PublishedAt { get; private set; }

    public void Publish(IReadOnlyList<AssetId> assets, int distinctAssets, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(assets);
        PublishedAt = now;
        var from = WindowStart.ToString("O", CultureInfo.InvariantCulture);
        var to = WindowEnd.ToString("O", CultureInfo.InvariantCulture);
        Record("asset.accessed", ParticipantId.Value, new Dictionary<string, object?>
        {
            ["participantId"] = ParticipantId.Value,
            ["readerId"] = ReaderId.Value,
            ["reads"] = Reads,
            ["records"] = Records,
            ["assets"] = distinctAssets,
            ["assetIds"] = assets.Select(a => a.Value).ToArray(),
            ["firstAt"] = FirstAt,
            ["lastAt"] = LastAt,
            ["windowStart"] = WindowStart,
            ["windowEnd"] = WindowEnd,
            ["accessLog"] = $"/api/v1/participants/{ParticipantId.Value}/access-log?reader={ReaderId.Value}&from={Uri.EscapeDataString(from)}&to={Uri.EscapeDataString(to)}",
        }, ParticipantId.Value);
    }
}

/// <summary>Configuration section <c>AssetAccess</c>.</summary>
public sealed class AssetAccessOptions
{
    /// <summary>Reads by one reader of one participant's assets within one window become one <c>asset.accessed</c> event.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromHours(1);

    /// <summary>A window is published this long after it closes, so that reads still being logged at its end are included.</summary>
    public TimeSpan Grace { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>BUC.2 step 6a: opting in, counting logged reads into windows, and publishing closed windows.</summary>
public sealed class AccessNotifications(RegistryDbContext db, Journal journal, AssetRelations relations, AssetAccessOptions options, TimeProvider time)
{
    public const int MaxNamedAssets = 10_000;
    public const int MaxAssetIdsInEvent = 100;

    public async Task<AccessNotificationsResponse> GetAsync(ParticipantId id, Caller caller, CancellationToken ct)
    {
        if (!caller.CanAdminister(id) || !await db.Participants.AnyAsync(p => p.Id == id, ct))
            throw ParticipantQueries.NotFound(id);
        return await ResponseAsync(id, ct);
    }

    /// <summary>Replaces the participant's choice: all of its assets, or the named ones (which must be its own), or none.</summary>
    public async Task<AccessNotificationsResponse> PutAsync(ParticipantId id, AccessNotificationsRequest request, Caller caller, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new FieldErrors();
        var named = new List<AssetId>();
        if (request.AssetIds is { } ids)
        {
            if (ids.Count > MaxNamedAssets)
                errors.Add("assetIds", "field.out_of_range", $"assetIds names at most {MaxNamedAssets} assets; use allAssets for more.");
            if (request.AllAssets == true && ids.Count > 0)
                errors.Add("assetIds", "access_notifications.ambiguous", "Give allAssets true or assetIds, not both.");
            for (var i = 0; i < ids.Count && i < MaxNamedAssets; i++)
            {
                if (AssetId.TryParse(ids[i], out var asset))
                    named.Add(asset);
                else
                    errors.Add($"assetIds[{i}]", AssetErrors.InvalidId.Code, $"{ids[i]} is not an asset ID.");
            }
        }
        errors.ThrowIfAny();
        if (!caller.CanAdminister(id) || !await db.Participants.AnyAsync(p => p.Id == id, ct))
            throw ParticipantQueries.NotFound(id);
        named = [.. named.Distinct()];
        if (named.Count > 0)
        {
            var held = await relations.HeldAsync(named, id, ct);
            var foreign = named.Where(a => !held.Contains(a)).ToList();
            if (foreign.Count > 0)
                throw new RequestValidationException([.. foreign.Select(a => new FieldError("assetIds", "access_notifications.asset_unknown", $"{a} is not an asset of {id}."))]);
        }

        var now = time.GetUtcNow();
        var setting = await db.AccessNotificationSettings.FirstOrDefaultAsync(s => s.ParticipantId == id, ct);
        if (setting is null)
            db.AccessNotificationSettings.Add(setting = AccessNotificationSetting.For(id));
        setting.Change(request.AllAssets == true, caller.Actor, now);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await db.AccessNotificationAssets.Where(a => a.ParticipantId == id).ExecuteDeleteAsync(ct);
        db.AccessNotificationAssets.AddRange(named.Select(a => new AccessNotificationAsset(id, a)));
        journal.Append(AuditEntry.By(caller, "access_notifications.put", "access_notifications", id.Value, id.Value, "allAssets", "assetIds"));
        try
        {
            await journal.CommitAsync(transaction, ct);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation() || e is DbUpdateConcurrencyException)
        {
            throw new DomainRuleException(CommonErrors.ConcurrencyConflict, "The notification settings were changed at the same time; read them and try again.");
        }
        db.ChangeTracker.Clear();
        return await ResponseAsync(id, ct);
    }

    private async Task<AccessNotificationsResponse> ResponseAsync(ParticipantId id, CancellationToken ct)
    {
        var setting = await db.AccessNotificationSettings.AsNoTracking().FirstOrDefaultAsync(s => s.ParticipantId == id, ct);
        var assets = await db.AccessNotificationAssets.AsNoTracking().Where(a => a.ParticipantId == id).Select(a => a.AssetId).ToListAsync(ct);
        return new AccessNotificationsResponse(id.Value, setting?.AllAssets ?? false, [.. assets.Select(a => a.Value).Order(StringComparer.Ordinal)], setting?.UpdatedAt);
    }

    /// <summary>
    /// Counts logged reads of assets into the windows of the parties that opted in for them, in the access log's own
    /// transaction (so a read is counted exactly when it is logged). One upsert per party and reader.
    /// </summary>
    internal async Task CountAsync(IReadOnlyList<(AccessLogEntry Entry, AccessRead Read)> logged, CancellationToken ct)
    {
        var assetReads = logged.Where(l => l.Read.Resource == VisibilityRule.Asset).ToList();
        if (assetReads.Count == 0)
            return;
        var subjects = assetReads.SelectMany(l => l.Read.Records.SelectMany(r => r.Subjects)).Distinct().ToList();
        var all = await db.AccessNotificationSettings.AsNoTracking()
            .Where(s => subjects.Contains(s.ParticipantId) && s.AllAssets).Select(s => s.ParticipantId).ToListAsync(ct);
        var assetIds = assetReads.SelectMany(l => l.Read.Records.Select(r => AssetId.Parse(r.ResourceId))).Distinct().ToList();
        var named = (await db.AccessNotificationAssets.AsNoTracking()
                .Where(n => subjects.Contains(n.ParticipantId) && assetIds.Contains(n.AssetId)).ToListAsync(ct))
            .Select(n => (n.ParticipantId, n.AssetId.Value)).ToHashSet();
        if (all.Count == 0 && named.Count == 0)
            return;
        var allSet = all.ToHashSet();

        var counts = new Dictionary<(ParticipantId Participant, ParticipantId Reader, DateTimeOffset Start), (int Reads, int Records, DateTimeOffset First, DateTimeOffset Last)>();
        foreach (var (entry, read) in assetReads)
        {
            var start = new DateTimeOffset(entry.At.UtcTicks - (entry.At.UtcTicks % options.Window.Ticks), TimeSpan.Zero);
            var perSubject = new Dictionary<ParticipantId, int>();
            foreach (var record in read.Records)
            {
                foreach (var subject in record.Subjects)
                {
                    if (allSet.Contains(subject) || named.Contains((subject, record.ResourceId)))
                        perSubject[subject] = perSubject.GetValueOrDefault(subject) + 1;
                }
            }
            foreach (var (subject, records) in perSubject)
            {
                var key = (subject, read.Reader, start);
                var (reads, total, first, last) = counts.GetValueOrDefault(key, (0, 0, entry.At, entry.At));
                counts[key] = (reads + 1, total + records, first < entry.At ? first : entry.At, last > entry.At ? last : entry.At);
            }
        }
        var window = db.Model.FindEntityType(typeof(AssetAccessWindow))!;
        object Stored(string property, DateTimeOffset value) =>
            window.FindProperty(property)!.GetTypeMapping().Converter?.ConvertToProvider(value) ?? value;
        foreach (var ((participant, reader, start), (reads, records, first, last)) in counts)
        {
            // Concurrent instances counting into one window add up: the unique key makes the first insert win and the rest update it.
            await db.Database.ExecuteSqlRawAsync("""
                INSERT INTO asset_access_windows ("ParticipantId", "ReaderId", "WindowStart", "WindowEnd", "Reads", "Records", "FirstAt", "LastAt")
                VALUES ({0}, {1}, {2}, {3}, {4}, {5}, {6}, {7})
                ON CONFLICT ("ParticipantId", "ReaderId", "WindowStart") DO UPDATE SET
                    "Reads" = asset_access_windows."Reads" + excluded."Reads",
                    "Records" = asset_access_windows."Records" + excluded."Records",
                    "LastAt" = excluded."LastAt"
                """,
                [participant.Value, reader.Value, Stored("WindowStart", start), Stored("WindowEnd", start + options.Window), reads, records,
                 Stored("FirstAt", first), Stored("LastAt", last)], ct);
        }
    }

    /// <summary>Publishes every closed window: one event each, to the participant told. Returns how many were published.</summary>
    public async Task<int> PublishClosedWindowsAsync(CancellationToken ct)
    {
        var closedBefore = time.GetUtcNow() - options.Grace;
        var windows = await db.AssetAccessWindows.Where(w => w.PublishedAt == null && w.WindowEnd <= closedBefore)
            .OrderBy(w => w.Id).Take(100).ToListAsync(ct);
        if (windows.Count == 0)
            return 0;
        var now = time.GetUtcNow();
        foreach (var window in windows)
        {
            var (sample, distinct) = await AssetsReadAsync(window, ct);
            window.Publish(sample, distinct, now);
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

    /// <summary>The participant's opted-in assets the reader read in the window (the first ones by ID), and how many distinct ones.</summary>
    private async Task<(IReadOnlyList<AssetId> Sample, int Distinct)> AssetsReadAsync(AssetAccessWindow w, CancellationToken ct)
    {
        var participant = w.ParticipantId;
        var reader = w.ReaderId;
        var from = w.FirstAt;
        var to = w.LastAt;
        var holding = relations.Holding(participant, Relations.Parties);
        var allAssets = await db.AccessNotificationSettings.AnyAsync(s => s.ParticipantId == participant && s.AllAssets, ct);
        var read = db.AccessLogEntries.Where(e => e.ReaderId == reader && e.At >= from && e.At <= to && e.Resource == VisibilityRule.Asset)
            .Join(db.AccessLogRecords, e => e.Id, r => r.EntryId, (e, r) => r.AssetId)
            .Where(id => db.Assets.Where(holding).Any(a => a.Id == id));
        if (!allAssets)
            read = read.Where(id => db.AccessNotificationAssets.Any(n => n.ParticipantId == participant && n.AssetId == id));
        var distinct = read.Distinct();
        var sample = await distinct.OrderBy(id => id).Take(MaxAssetIdsInEvent).ToListAsync(ct);
        var count = sample.Count < MaxAssetIdsInEvent ? sample.Count : await distinct.CountAsync(ct);
        return (sample, count);
    }
}
