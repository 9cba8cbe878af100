using System.Globalization;
using FlexRegistry.Assets;
using FlexRegistry.Auth;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Participants;
using FlexRegistry.Persistence;
using FlexRegistry.Shared;
using FlexRegistry.Visibility;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace FlexRegistry.AccessLog;

/// <summary>Filters of every access-log listing.</summary>
public sealed record AccessLogFilter(string? Reader, string? From, string? To, string? Purpose, string? Cursor, int? Limit);

/// <summary>The filters as query parameters.</summary>
public sealed record AccessLogParameters(
    [FromQuery(Name = "reader")] string? Reader,
    [FromQuery(Name = "from")] string? From,
    [FromQuery(Name = "to")] string? To,
    [FromQuery(Name = "purpose")] string? Purpose,
    [FromQuery(Name = "cursor")] string? Cursor,
    [FromQuery(Name = "limit")] int? Limit)
{
    public AccessLogFilter ToFilter() => new(Reader, From, To, Purpose, Cursor, Limit);
}

/// <summary>
/// Reading the access log: an asset's (for those the visibility rule shows its access-log group: its parties and the
/// registry operator), a participant's (reads of its data: itself and the registry operator), and all of it (the
/// registry operator). Newest first, filtered by reader, period and purpose.
/// </summary>
public sealed class AccessLogQueries(RegistryDbContext db, Readers readers, AssetVisibility visibility)
{
    public const int MaxPageSize = 500;

    public async Task<Page<AccessLogEntryResponse>> ForAssetAsync(AssetId id, AccessLogFilter filter, Caller caller, CancellationToken ct)
    {
        var (reader, from, to, purpose, before, size) = Check(filter);
        var asset = await db.Assets.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, ct);
        if (asset is null)
            throw new DomainRuleException(AssetErrors.NotFound, $"No asset {id} is visible to you.");
        var (views, _) = await visibility.ViewAsync([asset], await readers.ResolveAsync(caller, null, ct), ct);
        if (!views[0].Groups.Contains(AssetGroups.AccessLog))
            throw new DomainRuleException(AssetErrors.NotFound, $"No asset {id} is visible to you.");

        var q = db.AccessLogRecords.AsNoTracking().Where(r => r.AssetId == id)
            .Join(db.AccessLogEntries.AsNoTracking(), r => r.EntryId, e => e.Id, (r, e) => new { e, r.Groups });
        if (reader is { } who)
            q = q.Where(x => x.e.ReaderId == who);
        if (from is { } f)
            q = q.Where(x => x.e.At >= f);
        if (to is { } t)
            q = q.Where(x => x.e.At < t);
        if (purpose is not null)
            q = q.Where(x => x.e.Purpose == purpose);
        if (before is { } b)
            q = q.Where(x => x.e.Id < b);
        var rows = await q.OrderByDescending(x => x.e.Id).Take(size + 1).ToListAsync(ct);
        return Paged(rows.Select(x => ToResponse(x.e, new GroupSet(x.Groups).Codes(VisibilityRule.Asset), 1)).ToList(), size);
    }

    public async Task<Page<AccessLogEntryResponse>> ForParticipantAsync(ParticipantId id, AccessLogFilter filter, Caller caller, CancellationToken ct)
    {
        var (reader, from, to, purpose, before, size) = Check(filter);
        if (!caller.CanAdminister(id) || !await db.Participants.AnyAsync(p => p.Id == id, ct))
            throw ParticipantQueries.NotFound(id);
        var q = db.AccessLogSubjects.AsNoTracking().Where(s => s.ParticipantId == id)
            .Join(db.AccessLogEntries.AsNoTracking(), s => s.EntryId, e => e.Id, (s, e) => new { e, s.Records });
        if (reader is { } who)
            q = q.Where(x => x.e.ReaderId == who);
        if (from is { } f)
            q = q.Where(x => x.e.At >= f);
        if (to is { } t)
            q = q.Where(x => x.e.At < t);
        if (purpose is not null)
            q = q.Where(x => x.e.Purpose == purpose);
        if (before is { } b)
            q = q.Where(x => x.e.Id < b);
        var rows = await q.OrderByDescending(x => x.e.Id).Take(size + 1).ToListAsync(ct);
        return Paged(rows.Select(x => ToResponse(x.e, Groups(x.e), x.Records)).ToList(), size);
    }

    /// <summary>The whole log: the registry operator's (the endpoint's policy).</summary>
    public async Task<Page<AccessLogEntryResponse>> AllAsync(AccessLogFilter filter, Caller caller, CancellationToken ct)
    {
        var (reader, from, to, purpose, before, size) = Check(filter);
        var q = db.AccessLogEntries.AsNoTracking();
        if (reader is { } who)
            q = q.Where(e => e.ReaderId == who);
        if (from is { } f)
            q = q.Where(e => e.At >= f);
        if (to is { } t)
            q = q.Where(e => e.At < t);
        if (purpose is not null)
            q = q.Where(e => e.Purpose == purpose);
        if (before is { } b)
            q = q.Where(e => e.Id < b);
        var rows = await q.OrderByDescending(e => e.Id).Take(size + 1).ToListAsync(ct);
        return Paged(rows.Select(e => ToResponse(e, Groups(e), e.Records)).ToList(), size);
    }

    private static (ParticipantId? Reader, DateTimeOffset? From, DateTimeOffset? To, string? Purpose, long? Before, int Size) Check(AccessLogFilter filter)
    {
        var errors = new FieldErrors();
        ParticipantId? reader = null;
        if (filter.Reader is not null)
        {
            if (ParticipantId.TryParse(filter.Reader, out var r))
                reader = r;
            else
                errors.Add("reader", ParticipantErrors.InvalidId.Code, "reader is a participant ID.");
        }
        var from = Time("from", filter.From, errors);
        var to = Time("to", filter.To, errors);
        if (from is not null && to is not null && from >= to)
            errors.Add("to", "field.out_of_range", "to must be after from.");
        var purpose = filter.Purpose is null ? null : Purposes.Check(filter.Purpose, isRegistryOperator: true, errors);
        long? before = null;
        if (filter.Cursor is not null)
        {
            if (long.TryParse(filter.Cursor, NumberStyles.None, CultureInfo.InvariantCulture, out var c) && c > 0)
                before = c;
            else
                errors.Add("cursor", "cursor.invalid", "cursor is not one this API issued.");
        }
        var size = errors.PageSize(filter.Limit, 100, MaxPageSize);
        errors.ThrowIfAny();
        return (reader, from, to, purpose, before, size);
    }

    private static DateTimeOffset? Time(string field, string? value, FieldErrors errors)
    {
        if (value is null)
            return null;
        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var v))
            return v.ToUniversalTime();
        errors.Add(field, "field.invalid", $"{field} is an ISO 8601 date or date-time, e.g. 2025-01-31T12:00:00Z.");
        return null;
    }

    private static string[] Groups(AccessLogEntry e) => e.FieldGroups.Split(',', StringSplitOptions.RemoveEmptyEntries);

    private static Page<AccessLogEntryResponse> Paged(List<AccessLogEntryResponse> rows, int size) =>
        new([.. rows.Take(size)], rows.Count > size ? rows[size - 1].EntryId : null);

    private static AccessLogEntryResponse ToResponse(AccessLogEntry e, IReadOnlyList<string> groups, int concerned) => new(
        e.Id.ToString(CultureInfo.InvariantCulture), e.At, e.ReaderId.Value, e.ReaderActor, e.Purpose, e.Action, e.Resource, groups, e.Records, concerned, e.Digest);
}

/// <summary>
/// Checks that the access log is what was written: every entry's digest is recomputed from the entry, its records and
/// its subjects, and must equal both the digest stored with it and the one in its audit record — whose own integrity
/// the audit chain proves (<c>POST /api/v1/audit/verify</c>). An entry edited, a record added, removed or changed, or an
/// entry deleted (its audit record remains) is reported.
/// </summary>
public sealed class AccessLogVerification(RegistryDbContext db)
{
    private const int Batch = 500;

    public async Task<AccessLogVerificationResponse> VerifyAsync(CancellationToken ct)
    {
        long checkedEntries = 0;
        long after = 0;
        while (true)
        {
            var entries = await db.AccessLogEntries.AsNoTracking().Where(e => e.Id > after).OrderBy(e => e.Id).Take(Batch).ToListAsync(ct);
            if (entries.Count == 0)
                break;
            var first = entries[0].Id;
            var last = entries[^1].Id;
            var records = (await db.AccessLogRecords.AsNoTracking().Where(r => r.EntryId >= first && r.EntryId <= last).ToListAsync(ct))
                .ToLookup(r => r.EntryId);
            var subjects = (await db.AccessLogSubjects.AsNoTracking().Where(s => s.EntryId >= first && s.EntryId <= last).ToListAsync(ct))
                .ToLookup(s => s.EntryId);
            var ids = entries.Select(e => e.Id.ToString(CultureInfo.InvariantCulture)).ToList();
            var audited = (await db.AuditRecords.AsNoTracking().Where(r => r.ResourceType == AuditResourceType && ids.Contains(r.ResourceId))
                    .Select(r => new { r.ResourceId, r.Fields }).ToListAsync(ct))
                .ToDictionary(r => r.ResourceId, r => r.Fields);
            foreach (var entry in entries)
            {
                var id = entry.Id.ToString(CultureInfo.InvariantCulture);
                var digest = entry.ComputeDigest(
                    records[entry.Id].Select(r => (r.AssetId.Value, r.Groups)),
                    subjects[entry.Id].Select(s => (s.ParticipantId.Value, s.Records)));
                if (digest != entry.Digest)
                    return Broken(checkedEntries, id, "The entry, its records or its subjects were changed: they do not match the entry's digest.");
                if (!audited.TryGetValue(id, out var fields))
                    return Broken(checkedEntries, id, "The entry has no audit record.");
                if (!fields.Split(',').Contains(AccessLogEntry.AuditDigest + digest))
                    return Broken(checkedEntries, id, "The entry differs from its audit record.");
                checkedEntries++;
            }
            after = last;
        }
        // Every audited entry must still exist: deleting an entry with its records leaves its audit record behind.
        var audits = await db.AuditRecords.AsNoTracking().Where(r => r.ResourceType == AuditResourceType).CountAsync(ct);
        if (audits != checkedEntries)
        {
            var existing = await db.AccessLogEntries.AsNoTracking().Select(e => e.Id).ToListAsync(ct);
            var known = existing.Select(e => e.ToString(CultureInfo.InvariantCulture)).ToHashSet();
            var missing = await db.AuditRecords.AsNoTracking().Where(r => r.ResourceType == AuditResourceType)
                .OrderBy(r => r.Position).Select(r => r.ResourceId).ToListAsync(ct);
            var gone = missing.FirstOrDefault(m => !known.Contains(m));
            return Broken(checkedEntries, gone, $"The audit chain records {audits} access-log entries but {checkedEntries} exist: entries were deleted.");
        }
        return new AccessLogVerificationResponse(true, checkedEntries, null, null);
    }

    internal const string AuditResourceType = "access_log_entry";

    private static AccessLogVerificationResponse Broken(long entries, string? at, string reason) => new(false, entries, at, reason);
}
