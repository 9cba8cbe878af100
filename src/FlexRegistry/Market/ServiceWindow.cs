using System.Globalization;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Shared;
using Ical.Net;
using Ical.Net.DataTypes;

namespace FlexRegistry.Market;

/// <summary>
/// One recurring service window of a product: the days it applies (weekdays × months, from an RFC 5545 recurrence
/// rule) and a local time-of-day range in GB time. Windows are kept as bit masks so that the database can rule out
/// non-overlapping products in the set-based conflict query, and expanded day by day only for the candidates it keeps.
/// </summary>
public sealed record ServiceWindow(string Recurrence, int DayMask, int MonthMask, int StartMinute, int EndMinute)
{
    public const int AllDays = 0b111_1111;
    public const int AllMonths = 0b1111_1111_1111;
    private const int MaxRecurrenceLength = 200;

    public bool OccursOn(DateOnly day) =>
        (DayMask & (1 << (int)day.DayOfWeek)) != 0 && (MonthMask & (1 << (day.Month - 1))) != 0;

    public ServiceWindowDto ToDto() => new() { Recurrence = Recurrence, Start = Clock(StartMinute), End = Clock(EndMinute) };

    /// <summary>
    /// Validates a window as sent: a recurrence rule of the supported subset (parsed by Ical.Net, then held to
    /// FREQ=DAILY or WEEKLY, INTERVAL 1, BYDAY without ordinals, BYMONTH; no COUNT or UNTIL, the product's period bounds
    /// it) and a start before its end on the same day. Every broken rule is added to <paramref name="errors"/>.
    /// </summary>
    public static ServiceWindow? Parse(ServiceWindowDto? dto, string path, FieldErrors errors)
    {
        if (dto is null)
        {
            errors.Add(path, "field.required", $"{path} is required.");
            return null;
        }
        var before = errors.All.Count;
        var (dayMask, monthMask) = ParseRecurrence(dto.Recurrence, path + ".recurrence", errors);
        var start = ParseClock(dto.Start, path + ".start", errors, allowMidnightEnd: false);
        var end = ParseClock(dto.End, path + ".end", errors, allowMidnightEnd: true);
        if (start is { } s && end is { } e && e <= s)
            errors.Add(path + ".end", "window.inverted",
                $"{path}.end must be after start on the same day; a window across midnight is two windows (e.g. 22:00–24:00 and 00:00–06:00 on the next days).");
        return errors.All.Count == before ? new ServiceWindow(dto.Recurrence!.Trim().ToUpperInvariant(), dayMask, monthMask, start!.Value, end!.Value) : null;
    }

    private static (int Days, int Months) ParseRecurrence(string? text, string field, FieldErrors errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            errors.Add(field, "field.required", $"{field} is required, e.g. FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYMONTH=12,1.");
            return (0, 0);
        }
        if (text.Length > MaxRecurrenceLength)
        {
            errors.Add(field, "field.too_long", $"{field} must be at most {MaxRecurrenceLength} characters.");
            return (0, 0);
        }
        RecurrencePattern pattern;
        try
        {
            pattern = new RecurrencePattern(text.Trim());
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException)
        {
            errors.Add(field, "window.recurrence_invalid", $"{field} is not a valid RFC 5545 recurrence rule: {e.Message.Split(" (Parameter", 2)[0]}");
            return (0, 0);
        }
        var unsupported = new List<string>();
        if (pattern.Frequency is not (FrequencyType.Daily or FrequencyType.Weekly))
            unsupported.Add("FREQ must be DAILY or WEEKLY");
        if (pattern.Interval != 1)
            unsupported.Add("INTERVAL must be 1");
        if (pattern.Count is not null || pattern.Until is not null)
            unsupported.Add("COUNT and UNTIL are not used (the product's validFrom and validTo bound the windows)");
        if (pattern.ByDay.Any(d => d.Offset is not null))
            unsupported.Add("BYDAY takes weekdays without ordinals (MO, not 1MO)");
        if (pattern.ByHour.Count + pattern.ByMinute.Count + pattern.BySecond.Count + pattern.ByMonthDay.Count + pattern.ByYearDay.Count
            + pattern.ByWeekNo.Count + pattern.BySetPosition.Count > 0)
            unsupported.Add("only BYDAY and BYMONTH may narrow the days (the window's start and end give the time)");
        if (pattern.Frequency == FrequencyType.Weekly && pattern.ByDay.Count == 0)
            unsupported.Add("FREQ=WEEKLY needs BYDAY");
        if (unsupported.Count > 0)
        {
            errors.Add(field, "window.recurrence_unsupported", $"{field}: {string.Join("; ", unsupported)}.");
            return (0, 0);
        }
        var days = pattern.ByDay.Count == 0 ? AllDays : pattern.ByDay.Aggregate(0, (m, d) => m | (1 << (int)d.DayOfWeek));
        var months = pattern.ByMonth.Count == 0 ? AllMonths : pattern.ByMonth.Aggregate(0, (m, month) => m | (1 << (month - 1)));
        return (days, months);
    }

    private static int? ParseClock(string? text, string field, FieldErrors errors, bool allowMidnightEnd)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            errors.Add(field, "field.required", $"{field} is required (HH:mm, local GB time).");
            return null;
        }
        if (allowMidnightEnd && text == "24:00")
            return 24 * 60;
        if (text.Length == 5 && TimeOnly.TryParseExact(text, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var time))
            return (time.Hour * 60) + time.Minute;
        errors.Add(field, "window.time_invalid", $"{field} is a local time HH:mm{(allowMidnightEnd ? " (or 24:00)" : "")}.");
        return null;
    }

    private static string Clock(int minute) => $"{minute / 60:00}:{minute % 60:00}";
}

/// <summary>When two sets of windows overlap within a period: the first occurrence, the end of the last, how many.</summary>
public sealed record WindowOverlap(DateTimeOffset FirstStart, DateTimeOffset FirstEnd, DateTimeOffset LastEnd, int Occurrences)
{
    public OverlapDto ToDto() => new(FirstStart, FirstEnd, LastEnd, Occurrences);
}

/// <summary>Overlap of two products' windows, computed day by day in GB local time (so across clock changes too).</summary>
public static class WindowOverlaps
{
    private static readonly TimeZoneInfo GreatBritain = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");

    /// <summary>
    /// The occurrences in [<paramref name="from"/>, <paramref name="to"/>) at which a window of <paramref name="a"/> and a
    /// window of <paramref name="b"/> both apply; null when there is none.
    /// </summary>
    public static WindowOverlap? Between(Product a, Product b, DateTimeOffset from, DateTimeOffset to)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (to <= from)
            return null;
        var first = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(from, GreatBritain).DateTime);
        var last = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(to.AddTicks(-1), GreatBritain).DateTime);
        first = Max(first, Max(a.ValidFrom, b.ValidFrom));
        last = Min(last, Min(a.ValidTo, b.ValidTo));
        DateTimeOffset? firstStart = null, firstEnd = null, lastEnd = null;
        var count = 0;
        for (var day = first; day <= last; day = day.AddDays(1))
        {
            foreach (var wa in a.Windows)
            {
                if (!wa.OccursOn(day))
                    continue;
                foreach (var wb in b.Windows)
                {
                    if (!wb.OccursOn(day))
                        continue;
                    var start = Math.Max(wa.StartMinute, wb.StartMinute);
                    var end = Math.Min(wa.EndMinute, wb.EndMinute);
                    if (start >= end)
                        continue;
                    var s = Instant(day, start);
                    var e = Instant(day, end);
                    if (s < from)
                        s = from;
                    if (e > to)
                        e = to;
                    if (s >= e)
                        continue;
                    count++;
                    if (firstStart is null)
                    {
                        firstStart = s;
                        firstEnd = e;
                    }
                    lastEnd = e;
                }
            }
        }
        return count == 0 ? null : new WindowOverlap(firstStart!.Value, firstEnd!.Value, lastEnd!.Value, count);
    }

    /// <summary>The GB local date of an instant.</summary>
    public static DateOnly LocalDay(DateTimeOffset at) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, GreatBritain).DateTime);

    /// <summary>The product's windows on a GB local day, as instants clipped to [<paramref name="from"/>, <paramref name="to"/>).</summary>
    public static IEnumerable<(DateTimeOffset S, DateTimeOffset E)> Occurrences(Product product, DateOnly day, DateTimeOffset from, DateTimeOffset to)
    {
        ArgumentNullException.ThrowIfNull(product);
        if (day < product.ValidFrom || day > product.ValidTo)
            yield break;
        foreach (var w in product.Windows)
        {
            if (!w.OccursOn(day))
                continue;
            var s = Instant(day, w.StartMinute);
            var e = Instant(day, w.EndMinute);
            if (s < from)
                s = from;
            if (e > to)
                e = to;
            if (s < e)
                yield return (s, e);
        }
    }

    /// <summary>A local GB time on a day as an instant; a time skipped when the clocks go forward is taken an hour later.</summary>
    public static DateTimeOffset Instant(DateOnly day, int minute)
    {
        var local = day.ToDateTime(TimeOnly.MinValue).AddMinutes(minute);
        if (GreatBritain.IsInvalidTime(local))
            local = local.AddHours(1);
        return new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(local, GreatBritain), TimeSpan.Zero);
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<int, DateOnly[]> ClockChanges = new();

    /// <summary>
    /// The GB local days of <paramref name="year"/> on which the clocks change (the day's UTC offset at its start differs
    /// from the next day's): on every other day a local time is the same instant shifted by whole days.
    /// </summary>
    public static IReadOnlyList<DateOnly> ClockChangeDays(int year) => ClockChanges.GetOrAdd(year, y =>
    {
        var days = new List<DateOnly>();
        var first = new DateOnly(y, 1, 1);
        var offset = GreatBritain.GetUtcOffset(StartOf(first));
        for (var day = first; day.Year == y; day = day.AddDays(1))
        {
            var next = GreatBritain.GetUtcOffset(StartOf(day.AddDays(1)));
            if (next != offset)
                days.Add(day);
            offset = next;
        }
        return [.. days];
    });

    /// <summary>The start of a GB local day as an instant.</summary>
    public static DateTimeOffset StartOf(DateOnly day) => Instant(day, 0);

    private static DateOnly Max(DateOnly x, DateOnly y) => x > y ? x : y;

    private static DateOnly Min(DateOnly x, DateOnly y) => x < y ? x : y;
}
