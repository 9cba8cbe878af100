namespace FlexRegistry.Market;

/// <summary>
/// The capacity rule over everything an asset is committed to at a moment, not pair by pair: three contracts whose
/// pairs each fit in the asset can together exceed it. For each pair of one asset's commitments whose products stack
/// only with the capacity split, the moments at which both apply are found (each product's windows in GB local time,
/// within the commitments' periods, expanded once per weekday between the days where what applies can change, not for
/// every day of the span: see <see cref="Breakpoints"/>), and at each of them the pair's committed shares are added to
/// those of every other commitment applying then whose product also stacks with both only with the capacity split
/// (a stackable product shares its delivery, a not-stackable one is a conflict of its own). Where the sum is more than
/// the asset's capacity the pair is in conflict (<c>capacity-exceeded</c>); with no third commitment this is exactly
/// the pairwise rule.
/// </summary>
public static class CapacityTogether
{
    /// <summary>The pairs of <paramref name="commitments"/> (all of one asset, capacity known) that exceed its capacity together with the rest, and when. <c>days</c> caches each product's windows on a day (unclipped instants) across the assets of one detection run.</summary>
    public static IReadOnlyList<(Commitment A, Commitment B, WindowOverlap Overlap)> Exceeded(
        IReadOnlyList<Commitment> commitments, IReadOnlyDictionary<ProductId, Product> products, double tolerance,
        Dictionary<(ProductId, DateOnly), (DateTimeOffset S, DateTimeOffset E)[]>? days = null)
    {
        days ??= [];
        ArgumentNullException.ThrowIfNull(commitments);
        ArgumentNullException.ThrowIfNull(products);
        var list = commitments.Where(c => c.Start < c.End && c.CommittedKw is not null && c.AssetCapacityKw is not null && products.ContainsKey(c.Product)).ToList();
        var n = list.Count;
        if (n < 2)
            return [];
        var capacity = list[0].AssetCapacityKw!.Value;
        var kw = list.Select(c => c.CommittedKw!.Value).ToArray();
        var split = new bool[n, n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
                split[i, j] = i != j && list[i].Contract != list[j].Contract
                    && StackingRules.Between(products[list[i].Product].Template, products[list[j].Product].Template) == StackingRule.StackableIfCapacitySplit;
        }

        // Two commitments can apply at one moment only if their periods overlap and their products' windows can meet (a
        // common weekday, a common month, overlapping times of day: the pre-check the candidate query makes).
        var meet = new bool[n, n];
        for (var i = 0; i < n; i++)
        {
            var (ci, pi) = (list[i], products[list[i].Product]);
            for (var j = 0; j < n; j++)
            {
                var (cj, pj) = (list[j], products[list[j].Product]);
                meet[i, j] = split[i, j] && ci.Start < cj.End && cj.Start < ci.End
                    && (pi.DayMask & pj.DayMask) != 0 && (pi.MonthMask & pj.MonthMask) != 0
                    && pi.EarliestStartMinute < pj.LatestEndMinute && pj.EarliestStartMinute < pi.LatestEndMinute;
            }
        }

        // A pair can only break the rule if its shares and every share that could join them (one that can apply with
        // both) exceed the capacity: the others are expanded only for such pairs, and only over the days they span; an
        // asset with no such pair is not expanded at all.
        var viable = new bool[n, n];
        var involved = new bool[n];
        for (var i = 0; i < n; i++)
        {
            for (var j = i + 1; j < n; j++)
            {
                if (!meet[i, j])
                    continue;
                var most = kw[i] + kw[j];
                for (var k = 0; k < n; k++)
                {
                    if (meet[i, k] && meet[j, k])
                        most += kw[k];
                }
                if (most <= capacity + tolerance)
                    continue;
                viable[i, j] = true;
                involved[i] = involved[j] = true;
                for (var k = 0; k < n; k++)
                    involved[k] |= meet[i, k] && meet[j, k];
            }
        }
        if (!involved.Contains(true))
            return [];

        var found = new Dictionary<(int, int), (DateTimeOffset FirstStart, DateTimeOffset FirstEnd, DateTimeOffset LastEnd, int Count)>();
        var active = new List<(DateTimeOffset S, DateTimeOffset E)>[n];
        var firstDay = WindowOverlaps.LocalDay(Enumerable.Range(0, n).Where(i => involved[i]).Min(i => list[i].Start));
        var lastDay = WindowOverlaps.LocalDay(Enumerable.Range(0, n).Where(i => involved[i]).Max(i => list[i].End).AddTicks(-1));

        // Between two breakpoints every day of one weekday is the same day in GB local time (the same windows apply, none
        // clipped, the same UTC offset), so the first of each weekday is expanded and stands for the others: its
        // occurrences count as many times as that weekday recurs in the run, the last of them a whole number of weeks later.
        var breaks = Breakpoints(list, involved, products, firstDay, lastDay);
        var today = new List<(int I, int J, DateTimeOffset S, DateTimeOffset E)>();
        var points = new List<DateTimeOffset>();
        for (var b = 0; b + 1 < breaks.Count; b++)
        {
            var (from, to) = (breaks[b], breaks[b + 1]);
            var length = to.DayNumber - from.DayNumber;
            for (var k = 0; k < Math.Min(7, length); k++)
            {
                var day = from.AddDays(k);
                var repeats = ((length - k - 1) / 7) + 1;
                today.Clear();
                Expand(day);
                var later = TimeSpan.FromDays(7 * (repeats - 1));
                foreach (var (i, j, s, e) in today)
                    found[(i, j)] = found.TryGetValue((i, j), out var f)
                        ? (f.FirstStart, f.FirstEnd, e + later > f.LastEnd ? e + later : f.LastEnd, f.Count + repeats)
                        : (s, e, e + later, repeats);
            }
        }
        return [.. found.Select(f => (list[f.Key.Item1], list[f.Key.Item2], new WindowOverlap(f.Value.FirstStart, f.Value.FirstEnd, f.Value.LastEnd, f.Value.Count)))];

        // One day: the moments at which each viable pair applies, summed with the others applying then.
        void Expand(DateOnly day)
        {
            for (var i = 0; i < n; i++)
                active[i] = involved[i] ? Clip(Windows(list[i].Product, day), list[i].Start, list[i].End) : [];
            for (var i = 0; i < n; i++)
            {
                if (active[i].Count == 0)
                    continue;
                for (var j = i + 1; j < n; j++)
                {
                    if (!viable[i, j] || active[j].Count == 0)
                        continue;
                    foreach (var a in active[i])
                    {
                        foreach (var b in active[j])
                        {
                            var s = a.S > b.S ? a.S : b.S;
                            var e = a.E < b.E ? a.E : b.E;
                            if (s < e)
                                Sweep(i, j, s, e);
                        }
                    }
                }
            }
        }

        // Within [s, e), where both i and j apply: the sub-intervals over which the others that stack with both only with
        // the capacity split add enough to exceed the capacity; each run of them is one occurrence.
        void Sweep(int i, int j, DateTimeOffset s, DateTimeOffset e)
        {
            if (kw[i] + kw[j] > capacity + tolerance)
            {
                // Over on their own (the pairwise rule): over whatever else applies.
                Record(i, j, s, e);
                return;
            }
            // The distinct instants in [s, e] at which a third commitment starts or stops applying, in order (one
            // list reused for every sweep of the run: this is the detection's innermost loop).
            var bounds = points;
            bounds.Clear();
            bounds.Add(s);
            bounds.Add(e);
            for (var k = 0; k < n; k++)
            {
                if (!split[i, k] || !split[j, k])
                    continue;
                foreach (var (ks, ke) in active[k])
                {
                    if (ks > s && ks < e)
                        Insert(bounds, ks);
                    if (ke > s && ke < e)
                        Insert(bounds, ke);
                }
            }
            DateTimeOffset? runStart = null, runEnd = null;
            for (var p = 0; p + 1 < bounds.Count; p++)
            {
                var (from, to) = (bounds[p], bounds[p + 1]);
                var sum = kw[i] + kw[j];
                for (var k = 0; k < n; k++)
                {
                    if (split[i, k] && split[j, k] && Covers(active[k], from, to))
                        sum += kw[k];
                }
                if (sum > capacity + tolerance)
                {
                    runStart ??= from;
                    runEnd = to;
                }
                else if (runStart is not null)
                {
                    Record(i, j, runStart.Value, runEnd!.Value);
                    runStart = runEnd = null;
                }
            }
            if (runStart is not null)
                Record(i, j, runStart.Value, runEnd!.Value);
        }

        (DateTimeOffset S, DateTimeOffset E)[] Windows(ProductId product, DateOnly day)
        {
            if (!days.TryGetValue((product, day), out var windows))
                days[(product, day)] = windows = [.. WindowOverlaps.Occurrences(products[product], day, DateTimeOffset.MinValue, DateTimeOffset.MaxValue)];
            return windows;
        }

        static List<(DateTimeOffset S, DateTimeOffset E)> Clip((DateTimeOffset S, DateTimeOffset E)[] windows, DateTimeOffset from, DateTimeOffset to)
        {
            var clipped = new List<(DateTimeOffset S, DateTimeOffset E)>(windows.Length);
            foreach (var (ws, we) in windows)
            {
                var (s, e) = (ws < from ? from : ws, we > to ? to : we);
                if (s < e)
                    clipped.Add((s, e));
            }
            return clipped;
        }

        void Record(int i, int j, DateTimeOffset s, DateTimeOffset e) => today.Add((i, j, s, e));

        // Into the ordered list, unless an equal instant is there already (the first one kept, as a sorted set would).
        static void Insert(List<DateTimeOffset> ordered, DateTimeOffset instant)
        {
            var at = ordered.Count;
            while (at > 0 && ordered[at - 1] > instant)
                at--;
            if (at > 0 && ordered[at - 1] == instant)
                return;
            ordered.Insert(at, instant);
        }

        static bool Covers(List<(DateTimeOffset S, DateTimeOffset E)> windows, DateTimeOffset from, DateTimeOffset to)
        {
            foreach (var (ws, we) in windows)
            {
                if (ws <= from && to <= we)
                    return true;
            }
            return false;
        }
    }

    /// <summary>
    /// The days from <paramref name="firstDay"/> to the day after <paramref name="lastDay"/> at which what applies on a
    /// weekday may change: the first and last day of each involved commitment (their own days, as they may be clipped), its
    /// product's validity, a month where one of its windows starts or stops applying, and each clock change day.
    /// </summary>
    private static List<DateOnly> Breakpoints(List<Commitment> list, bool[] involved, IReadOnlyDictionary<ProductId, Product> products,
        DateOnly firstDay, DateOnly lastDay)
    {
        var end = lastDay.AddDays(1);
        var days = new SortedSet<DateOnly> { firstDay, end };
        void Add(DateOnly day)
        {
            if (day > firstDay && day < end)
                days.Add(day);
        }
        var seen = new HashSet<ProductId>();
        for (var i = 0; i < list.Count; i++)
        {
            if (!involved[i])
                continue;
            var first = WindowOverlaps.LocalDay(list[i].Start);
            var last = WindowOverlaps.LocalDay(list[i].End.AddTicks(-1));
            Add(first);
            Add(first.AddDays(1));
            Add(last);
            Add(last.AddDays(1));
            var product = products[list[i].Product];
            if (!seen.Add(product.Id))
                continue;
            Add(product.ValidFrom);
            if (product.ValidTo < DateOnly.MaxValue)
                Add(product.ValidTo.AddDays(1));
            for (var month = new DateOnly(firstDay.Year, firstDay.Month, 1).AddMonths(1); month < end; month = month.AddMonths(1))
            {
                var (before, now) = (1 << (month.AddMonths(-1).Month - 1), 1 << (month.Month - 1));
                if (product.Windows.Any(w => ((w.MonthMask & before) != 0) != ((w.MonthMask & now) != 0)))
                    Add(month);
            }
        }
        for (var year = firstDay.Year; year <= lastDay.Year; year++)
        {
            foreach (var change in WindowOverlaps.ClockChangeDays(year))
            {
                Add(change);
                Add(change.AddDays(1));
            }
        }
        return [.. days];
    }
}
