using System.Globalization;
using FlexRegistry.Auth;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Persistence;
using FlexRegistry.Shared;
using Microsoft.EntityFrameworkCore;

namespace FlexRegistry.Events;

/// <summary>
/// The pull feed: the caller's events after a sequence number, in log order. Because event-log appends commit in
/// sequence order (see <see cref="RegistryDbContext"/>), every page is a gap-free continuation of the last one.
/// </summary>
public sealed class EventFeed(RegistryDbContext db, EventsOptions options)
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    public async Task<EventPage> ReadAsync(string? after, string? types, int? limit, Caller caller, CancellationToken ct)
    {
        var errors = new FieldErrors();
        long from = 0;
        if (after is not null && (!long.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out from)))
            errors.Add("after", "cursor.invalid", "after must be a sequence number (a nextCursor this API issued).");
        var typeList = (types ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var type in typeList.Where(t => !EventTypes.IsKnown(t)))
            errors.Add("types", EventErrors.TypeUnknown, $"{type} is not a published event type.");
        var size = errors.PageSize(limit, DefaultLimit, MaxLimit);
        errors.ThrowIfAny();

        var q = db.Events.AsNoTracking().Where(e => e.Sequence > from);
        if (!caller.IsRegistryOperator)
        {
            var audience = " " + caller.ParticipantId.Value + " ";
            q = q.Where(e => e.Audience.Contains(audience));
        }
        if (typeList.Length > 0)
        {
            q = q.Where(e => typeList.Contains(e.Type));
        }
        else
        {
            var optIn = EventTypes.OptIn;
            q = q.Where(e => !optIn.Contains(e.Type));
        }
        var rows = await q.OrderBy(e => e.Sequence).Take(size).ToListAsync(ct);
        var items = rows.Select(e => e.ToCloudEvent(options.Source)).ToList();
        var next = rows.Count > 0 ? rows[^1].Sequence : from;
        return new EventPage(items, next.ToString(CultureInfo.InvariantCulture));
    }
}
