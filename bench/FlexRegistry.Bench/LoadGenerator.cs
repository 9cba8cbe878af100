using System.Diagnostics;
using System.Globalization;

namespace FlexRegistry.Bench;

/// <summary>What a load run measured.</summary>
public sealed record LoadResult(long Sent, long Ok, long Conflicts, long Errors, double Seconds, Latencies Latencies, long MaxInFlight)
{
    public double OkPerSecond => Ok / Seconds;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"sent={Sent} ok={Ok} 409={Conflicts} errors={Errors} in {Seconds:F1}s => {OkPerSecond:F0} ok/s; latency {Latencies.Summary()}{(MaxInFlight > 0 ? $"; max in flight {MaxInFlight}" : "")}");
}

/// <summary>
/// A small HTTP load generator, written because each POST /api/v1/assets needs a different body (identical bodies
/// would all be 409 duplicates after the first) and hey/bombardier send one body only.
/// Closed loop (<see cref="SaturateAsync"/>): C workers send back to back, for the saturation throughput.
/// Open loop (<see cref="FixedRateAsync"/>): request i is due at start + i/rate whether or not earlier ones have
/// answered, and its latency is measured from when it was due, so a stalled server cannot hide its queueing
/// (no coordinated omission).
/// </summary>
public static class LoadGenerator
{
    /// <summary>
    /// Closed loop for <paramref name="duration"/> (or until <paramref name="stopAfter"/> requests were sent), after an
    /// uncounted warm-up of <paramref name="warmup"/> and then, when <paramref name="steadyMax"/> is longer than the
    /// warm-up, of 10 s windows until one's rate is within 5 % of the previous window's (steady state: .NET's tiered JIT
    /// keeps recompiling hot code for minutes on a loaded machine) or the warm-up has lasted <paramref name="steadyMax"/>.
    /// </summary>
    public static async Task<LoadResult> SaturateAsync(HttpClient http, Func<long, HttpRequestMessage> request, int concurrency, TimeSpan duration, TimeSpan warmup,
        long stopAfter = long.MaxValue, TimeSpan steadyMax = default)
    {
        // Warm-up: JIT, connection pool, database caches; not counted.
        var next = -1L;
        if (warmup > TimeSpan.Zero)
            await RunWorkersAsync(http, request, concurrency, warmup, () => Interlocked.Increment(ref next), null, long.MaxValue);
        var warmed = warmup;
        var window = TimeSpan.FromSeconds(10);
        double? previous = null;
        while (warmed + window <= steadyMax)
        {
            var windowCounters = new Counters();
            var watch = Stopwatch.StartNew();
            await RunWorkersAsync(http, request, concurrency, window, () => Interlocked.Increment(ref next), windowCounters, long.MaxValue);
            warmed += window;
            var rate = windowCounters.Result(watch.Elapsed.TotalSeconds, 0).OkPerSecond;
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"warm-up window to {warmed.TotalSeconds:F0}s: {rate:F0} ok/s"));
            if (previous is { } p && Math.Abs(rate - p) <= 0.05 * p)
                break;
            previous = rate;
        }
        var counters = new Counters();
        var clock = Stopwatch.StartNew();
        var last = stopAfter == long.MaxValue ? long.MaxValue : next + stopAfter;
        await RunWorkersAsync(http, request, concurrency, duration, () => Interlocked.Increment(ref next), counters, last);
        return counters.Result(clock.Elapsed.TotalSeconds, 0);
    }

    private static async Task RunWorkersAsync(HttpClient http, Func<long, HttpRequestMessage> request, int concurrency, TimeSpan duration, Func<long> nextIndex, Counters? counters, long last)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            while (Stopwatch.GetTimestamp() < deadline)
            {
                var index = nextIndex();
                if (index > last)
                    break;
                var start = Stopwatch.GetTimestamp();
                var status = await SendAsync(http, request(index));
                counters?.Add(status, Stopwatch.GetElapsedTime(start));
            }
        })));
    }

    public static async Task<LoadResult> FixedRateAsync(HttpClient http, Func<long, HttpRequestMessage> request, double rate, TimeSpan duration, long firstIndex = 0, int maxInFlight = 2048,
        Func<HttpResponseMessage, Task>? onResponse = null)
    {
        var counters = new Counters();
        var total = (long)(rate * duration.TotalSeconds);
        var inFlight = 0L;
        var maxSeen = 0L;
        var tasks = new List<Task>((int)Math.Min(total, 1_000_000));
        var gate = new SemaphoreSlim(maxInFlight);
        var start = Stopwatch.GetTimestamp();
        for (long i = 0; i < total; i++)
        {
            var due = start + (long)(i / rate * Stopwatch.Frequency);
            while (true)
            {
                var wait = (due - Stopwatch.GetTimestamp()) * 1000.0 / Stopwatch.Frequency;
                if (wait <= 0)
                    break;
                if (wait > 2)
                    await Task.Delay(TimeSpan.FromMilliseconds(wait - 1));
                else
                    Thread.SpinWait(50);
            }
            await gate.WaitAsync();
            var index = firstIndex + i;
            var dueAt = due;
            tasks.Add(Task.Run(async () =>
            {
                var now = Interlocked.Increment(ref inFlight);
                long seen;
                while (now > (seen = Interlocked.Read(ref maxSeen)) && Interlocked.CompareExchange(ref maxSeen, now, seen) != seen)
                {
                }
                try
                {
                    var status = await SendAsync(http, request(index), onResponse);
                    counters.Add(status, Stopwatch.GetElapsedTime(dueAt));
                }
                finally
                {
                    Interlocked.Decrement(ref inFlight);
                    gate.Release();
                }
            }));
        }
        await Task.WhenAll(tasks);
        return counters.Result(Stopwatch.GetElapsedTime(start).TotalSeconds, maxSeen);
    }

    private static async Task<int> SendAsync(HttpClient http, HttpRequestMessage request, Func<HttpResponseMessage, Task>? onResponse = null)
    {
        try
        {
            using (request)
            using (var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead))
            {
                if (onResponse is not null)
                    await onResponse(response);
                return (int)response.StatusCode;
            }
        }
        catch (HttpRequestException)
        {
            return 0;
        }
        catch (TaskCanceledException)
        {
            return 0;
        }
    }

    private sealed class Counters
    {
        private long _sent, _ok, _conflicts, _errors;
        public readonly Latencies Latencies = new();

        public void Add(int status, TimeSpan latency)
        {
            Interlocked.Increment(ref _sent);
            if (status is >= 200 and < 300)
                Interlocked.Increment(ref _ok);
            else if (status == 409)
                Interlocked.Increment(ref _conflicts);
            else
                Interlocked.Increment(ref _errors);
            Latencies.Record(latency);
        }

        public LoadResult Result(double seconds, long maxInFlight) => new(_sent, _ok, _conflicts, _errors, seconds, Latencies, maxInFlight);
    }
}
