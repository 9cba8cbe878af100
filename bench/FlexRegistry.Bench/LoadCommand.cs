using System.Globalization;
using System.Net.Http.Headers;
using FlexRegistry.Cli.Sandbox;

namespace FlexRegistry.Bench;

/// <summary>
/// <c>load</c>: drives POST /api/v1/assets (each request a different synthetic asset, all valid and new), the
/// bench's bare endpoint (<c>bare</c>) or its bare single-row write of the same bodies (<c>bare-write</c>), the floor of a registration's database work (<c>bare-register</c>, <see cref="BareRegister"/>), closed loop (saturation, no --rate) or open loop at --rate requests/s.
/// </summary>
public static class LoadCommand
{
    public static async Task<int> RunAsync(Args args)
    {
        var target = args.Get("target") ?? "post-asset";
        var duration = TimeSpan.FromSeconds(args.Number("duration", 15));
        var warmup = TimeSpan.FromSeconds(args.Number("warmup", 3));
        var concurrency = args.Count("concurrency", 32);
        var rate = args.Get("rate") is { } r ? double.Parse(r, CultureInfo.InvariantCulture) : (double?)null;
        var startIndex = args.Index("start-index", 0);
        var count = args.Count("bodies", rate is { } rr ? (int)(rr * (duration.TotalSeconds + warmup.TotalSeconds)) + 1000 : 100_000);
        var assets = new SyntheticAssets(args.Count("seed", 42));
        var bodies = Bodies(assets, startIndex, count);
        var mpans = bodies.Select(b => b.Mpan).ToArray();

        Func<long, HttpRequestMessage> request;
        HttpClient http;
        if (target == "bare")
        {
            http = Registry.Http(new Uri(args.Get("bare-url") ?? "http://127.0.0.1:5091/"));
            request = i => new HttpRequestMessage(HttpMethod.Get, "bare/assets/" + mpans[i % mpans.Length]);
        }
        else if (target == "bare-write")
        {
            http = Registry.Http(new Uri(args.Get("bare-url") ?? "http://127.0.0.1:5091/"));
            request = Posts(bodies, "bare/assets", bearer: null);
        }
        else if (target is "bare-register" or "bare-register-rows")
        {
            http = Registry.Http(new Uri(args.Get("bare-url") ?? "http://127.0.0.1:5091/"));
            request = Posts(bodies, target == "bare-register" ? "bare/register" : "bare/register?match=false", bearer: null);
        }
        else
        {
            http = Registry.Http(new Uri(args.Require("url")));
            var credentials = args.Get("client-id") is { } id
                ? new FlexRegistry.Client.Contracts.ApiClientCredentials(id, args.Require("client-secret"))
                : await Registry.RegisterParticipantAsync(http);
            request = Posts(bodies, "api/v1/assets", Registry.Bearer(await Registry.TokenAsync(http, credentials.ClientId, credentials.ClientSecret!)));
        }

        LoadResult result;
        if (rate is { } fixedRate)
        {
            // Warm up at the same rate first (not counted), then measure.
            await LoadGenerator.FixedRateAsync(http, request, fixedRate, warmup);
            result = await LoadGenerator.FixedRateAsync(http, request, fixedRate, duration, firstIndex: (long)(fixedRate * warmup.TotalSeconds) + 1);
        }
        else
        {
            result = await LoadGenerator.SaturateAsync(http, request, concurrency, duration, warmup, steadyMax: TimeSpan.FromSeconds(args.Number("steady-max", 0)));
        }
        var mode = rate is null ? $"closed loop, {concurrency} connections" : $"open loop at {rate} req/s";
        Console.WriteLine($"{target} ({mode}): {result}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT target={target} mode={(rate is null ? "saturate" : "rate")} rate={rate} ok_per_s={result.OkPerSecond:F0} p50_ms={result.Latencies.Percentile(50):F2} p99_ms={result.Latencies.Percentile(99):F2} errors={result.Errors} conflicts={result.Conflicts}"));
        return result.Errors > result.Sent / 100 ? 2 : 0;
    }

    /// <summary>Request <i>i</i>: a JSON POST of body <i>i</i> (round the list) to <paramref name="path"/>, with the bearer token if any.</summary>
    private static Func<long, HttpRequestMessage> Posts((byte[] Body, string Mpan)[] bodies, string path, AuthenticationHeaderValue? bearer)
    {
        var json = new MediaTypeHeaderValue("application/json");
        return i =>
        {
            var message = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(bodies[i % bodies.Length].Body) };
            message.Content.Headers.ContentType = json;
            message.Headers.Authorization = bearer;
            return message;
        };
    }

    /// <summary>Request bodies (NDJSON lines of the synthetic generator: new assets only) made before the run.</summary>
    internal static (byte[] Body, string Mpan)[] Bodies(SyntheticAssets assets, long startIndex, int count)
    {
        var bodies = new (byte[], string)[count];
        for (var i = 0; i < count; i++)
        {
            var asset = assets.Asset(startIndex + i);
            using var buffer = new MemoryStream(512);
            var writer = new AssetFileWriter(buffer, "ndjson");
            writer.Write(asset);
            writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
            bodies[i] = (buffer.ToArray()[..^1], asset.Mpan);
        }
        return bodies;
    }
}
