using FlexRegistry.Market;

namespace FlexRegistry.Tests.Market;

/// <summary>
/// The brute-force reference for <see cref="CapacityTogether"/>: its former implementation, which walks every GB local
/// day of the involved commitments' span and expands each product's windows on it. Kept only to check the structural
/// computation against (see CapacityTogetherPropertyTests).
/// </summary>
internal static class DayByDayCapacity
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

        // A pair can only break the rule if its shares and every share that could join them exceed the capacity: the
        // others are expanded only for such pairs, and only over the days they span.
        var viable = new bool[n, n];
        var involved = new bool[n];
        for (var i = 0; i < n; i++)
        {
            for (var j = i + 1; j < n; j++)
            {
                if (!split[i, j])
                    continue;
                var most = kw[i] + kw[j];
                for (var k = 0; k < n; k++)
                {
                    if (split[i, k] && split[j, k])
                        most += kw[k];
                }
                if (most <= capacity + tolerance)
                    continue;
                viable[i, j] = true;
                involved[i] = involved[j] = true;
                for (var k = 0; k < n; k++)
                    involved[k] |= split[i, k] && split[j, k];
            }
        }
        if (!involved.Contains(true))
            return [];

        var found = new Dictionary<(int, int), (DateTimeOffset FirstStart, DateTimeOffset FirstEnd, DateTimeOffset LastEnd, int Count)>();
        var active = new List<(DateTimeOffset S, DateTimeOffset E)>[n];
        var firstDay = WindowOverlaps.LocalDay(Enumerable.Range(0, n).Where(i => involved[i]).Min(i => list[i].Start));
        var lastDay = WindowOverlaps.LocalDay(Enumerable.Range(0, n).Where(i => involved[i]).Max(i => list[i].End).AddTicks(-1));
        for (var day = firstDay; day <= lastDay; day = day.AddDays(1))
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
        return [.. found.Select(f => (list[f.Key.Item1], list[f.Key.Item2], new WindowOverlap(f.Value.FirstStart, f.Value.FirstEnd, f.Value.LastEnd, f.Value.Count)))];

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
            var points = new SortedSet<DateTimeOffset> { s, e };
            for (var k = 0; k < n; k++)
            {
                if (!split[i, k] || !split[j, k])
                    continue;
                foreach (var (ks, ke) in active[k])
                {
                    if (ks > s && ks < e)
                        points.Add(ks);
                    if (ke > s && ke < e)
                        points.Add(ke);
                }
            }
            DateTimeOffset? runStart = null, runEnd = null;
            var bounds = points.ToList();
            for (var p = 0; p + 1 < bounds.Count; p++)
            {
                var (from, to) = (bounds[p], bounds[p + 1]);
                var sum = kw[i] + kw[j];
                for (var k = 0; k < n; k++)
                {
                    if (split[i, k] && split[j, k] && active[k].Any(x => x.S <= from && to <= x.E))
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

        void Record(int i, int j, DateTimeOffset s, DateTimeOffset e) =>
            found[(i, j)] = found.TryGetValue((i, j), out var f) ? (f.FirstStart, f.FirstEnd, e > f.LastEnd ? e : f.LastEnd, f.Count + 1) : (s, e, e, 1);
    }
}
