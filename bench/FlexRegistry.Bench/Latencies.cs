using System.Globalization;

namespace FlexRegistry.Bench;

/// <summary>Recorded latencies (microseconds) and their percentiles, computed exactly by sorting (runs are short).</summary>
public sealed class Latencies
{
    private readonly List<long> _micros = [];
    private readonly Lock _lock = new();

    public void Record(TimeSpan latency)
    {
        lock (_lock)
            _micros.Add(latency.Ticks / 10);
    }

    public int Count
    {
        get
        {
            lock (_lock)
                return _micros.Count;
        }
    }

    public double Percentile(double p)
    {
        long[] sorted;
        lock (_lock)
            sorted = [.. _micros];
        if (sorted.Length == 0)
            return double.NaN;
        Array.Sort(sorted);
        var rank = (int)Math.Ceiling(p / 100 * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)] / 1000.0;
    }

    public string Summary() => string.Create(CultureInfo.InvariantCulture,
        $"n={Count} p50={Percentile(50):F2}ms p90={Percentile(90):F2}ms p99={Percentile(99):F2}ms p99.9={Percentile(99.9):F2}ms max={Percentile(100):F2}ms");
}
