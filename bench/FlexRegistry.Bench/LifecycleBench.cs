using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using FlexRegistry.Cli.Sandbox;
using FlexRegistry.Client;

namespace FlexRegistry.Bench;

/// <summary>
/// Benchmark (lifecycle, issue 17). <c>lifecycle-load</c> registers <c>--assets</c> synthetic assets as one FSP through
/// POST /api/v1/assets and gives one more asset <c>--versions</c> versions (its registration and PATCHes of its model,
/// one after another), and writes what the runs need to <c>--state</c>. <c>lifecycle</c> drives one target:
/// <c>patch</c> (PATCH /api/v1/assets/{id} as the registrant, a merge patch of the model with If-Match: each asset's
/// current ETag is read once, then taken from each 200's ETag header), <c>bare-update</c> (the bench's bare minimal-API
/// endpoint doing one single-row UPDATE by primary key), <c>history</c> (GET /api/v1/assets/{id}/history?limit=1000 of
/// the asset with 1,000 versions: every version in one page) and <c>as-of</c> (GET /api/v1/assets/{id}?asOf=… of that
/// asset at instants spread over its life: each the roll-back of at most 16 changes from a checkpoint, or from the current
/// version), closed loop or open loop at --rate.
/// </summary>
public static class LifecycleBench
{
    private sealed record State(string ClientId, string ClientSecret, string[] Assets, string HistoryAsset, DateTimeOffset HistoryFrom, DateTimeOffset HistoryTo);

    public static async Task<int> LoadAsync(Args args)
    {
        var url = new Uri(args.Require("url"));
        var count = args.Count("assets", 2000);
        var versions = args.Count("versions", 1000);
        using var http = Registry.Http(url);
        var credentials = await Registry.RegisterParticipantAsync(http);
        var bearer = Registry.Bearer(await Registry.TokenAsync(http, credentials.ClientId, credentials.ClientSecret!));
        var bodies = LoadCommand.Bodies(new SyntheticAssets(args.Count("seed", 17)), args.Index("start-index", 7_000_000), count + 1);
        var ids = new string[count + 1];
        var next = -1;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) <= count)
            {
                using var message = new HttpRequestMessage(HttpMethod.Post, "api/v1/assets") { Content = new ByteArrayContent(bodies[i].Body) };
                message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                message.Headers.Authorization = bearer;
                using var response = await http.SendAsync(message);
                if (!response.IsSuccessStatusCode)
                    throw new InvalidOperationException($"registration {i} failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                ids[i] = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("assetId").GetString()!;
            }
        })));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"registered {count + 1} assets in {clock.Elapsed.TotalSeconds:F1}s"));

        // The history asset: its registration, then version after version.
        var history = ids[count];
        clock.Restart();
        var (etag, from) = await ReadAsync(http, bearer, history);
        for (var v = 2; v <= versions; v++)
        {
            using var response = await http.SendAsync(Patch(history, etag, v, bearer));
            if (!response.IsSuccessStatusCode)
                throw new InvalidOperationException($"version {v} failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            etag = response.Headers.ETag!.ToString();
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"history asset {history}: {versions} versions in {clock.Elapsed.TotalSeconds:F1}s"));
        var state = new State(credentials.ClientId, credentials.ClientSecret!, ids[..count], history, from, TimeProvider.System.GetUtcNow());
        await File.WriteAllTextAsync(args.Require("state"), JsonSerializer.Serialize(state));
        return 0;
    }

    public static async Task<int> RunAsync(Args args)
    {
        var target = args.Require("target");
        var duration = TimeSpan.FromSeconds(args.Number("duration", 15));
        var warmup = TimeSpan.FromSeconds(args.Number("warmup", 5));
        var concurrency = args.Count("concurrency", 32);
        var rate = args.Get("rate") is { } r ? double.Parse(r, CultureInfo.InvariantCulture) : (double?)null;
        var state = JsonSerializer.Deserialize<State>(await File.ReadAllTextAsync(args.Require("state")))!;
        var assets = state.Assets;

        HttpClient http;
        Func<long, HttpRequestMessage> request;
        if (target is "bare-update" or "bare-change")
        {
            http = Registry.Http(new Uri(args.Require("bare-url")));
            var path = target == "bare-update" ? "bare/assets/" : "bare/change/";
            request = i => new HttpRequestMessage(HttpMethod.Patch, path + assets[i % assets.Length])
            {
                Content = new StringContent($$"""{"model":"bare {{i}}"}""", Encoding.UTF8, "application/json"),
            };
        }
        else
        {
            var url = new Uri(args.Require("url"));
            using var setup = Registry.Http(url);
            var bearer = Registry.Bearer(await Registry.TokenAsync(setup, state.ClientId, state.ClientSecret));
            switch (target)
            {
                case "patch":
                    // Each asset's current ETag, kept up to date from every answer (a handler around the connection).
                    var etags = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
                    await Parallel.ForEachAsync(assets, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (id, _) => etags[id] = (await ReadAsync(setup, bearer, id)).ETag);
                    http = new HttpClient(new ETagKeeper(etags)
                    {
                        InnerHandler = new SocketsHttpHandler { MaxConnectionsPerServer = 512, PooledConnectionLifetime = Timeout.InfiniteTimeSpan, UseCookies = false },
                    })
                    { BaseAddress = url, Timeout = TimeSpan.FromSeconds(60) };
                    request = i =>
                    {
                        var id = assets[i % assets.Length];
                        return Patch(id, etags[id], i, bearer);
                    };
                    break;
                case "history":
                    http = Registry.Http(url);
                    request = _ => Get($"api/v1/assets/{state.HistoryAsset}/history?limit=1000", bearer);
                    break;
                case "as-of":
                    http = Registry.Http(url);
                    var span = (state.HistoryTo - state.HistoryFrom).Ticks;
                    request = i =>
                    {
                        // Spread over the asset's life by a fixed stride (golden ratio), so successive reads roll back different numbers of changes.
                        var at = state.HistoryFrom.AddTicks((long)(span * ((i * 0.6180339887) % 1.0)));
                        return Get($"api/v1/assets/{state.HistoryAsset}?asOf={Uri.EscapeDataString(at.ToString("O", CultureInfo.InvariantCulture))}", bearer);
                    };
                    break;
                default:
                    throw new ArgumentException("--target is patch, bare-update, bare-change, history or as-of");
            }
        }

        LoadResult result;
        if (rate is { } fixedRate)
        {
            await LoadGenerator.FixedRateAsync(http, request, fixedRate, warmup);
            result = await LoadGenerator.FixedRateAsync(http, request, fixedRate, duration, firstIndex: (long)(fixedRate * warmup.TotalSeconds) + 1);
        }
        else
        {
            result = await LoadGenerator.SaturateAsync(http, request, concurrency, duration, warmup, steadyMax: TimeSpan.FromSeconds(args.Number("steady-max", 0)));
        }
        http.Dispose();
        Console.WriteLine($"{target} ({(rate is null ? $"closed loop, {concurrency} connections" : $"open loop at {rate} req/s")}): {result}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT target={target} mode={(rate is null ? "saturate" : "rate")} rate={rate} ok_per_s={result.OkPerSecond:F0} p50_ms={result.Latencies.Percentile(50):F2} p99_ms={result.Latencies.Percentile(99):F2} errors={result.Errors}"));
        return result.Errors > result.Sent / 100 ? 2 : 0;
    }

    private static HttpRequestMessage Patch(string id, string etag, long n, AuthenticationHeaderValue bearer)
    {
        var message = new HttpRequestMessage(HttpMethod.Patch, "api/v1/assets/" + id)
        {
            Content = new StringContent($$"""{"model":"bench model {{n}}"}""", Encoding.UTF8, "application/merge-patch+json"),
        };
        message.Headers.Authorization = bearer;
        message.Headers.TryAddWithoutValidation("If-Match", etag);
        return message;
    }

    private static HttpRequestMessage Get(string path, AuthenticationHeaderValue bearer)
    {
        var message = new HttpRequestMessage(HttpMethod.Get, path);
        message.Headers.Authorization = bearer;
        return message;
    }

    /// <summary>The asset's current ETag and its registration time.</summary>
    private static async Task<(string ETag, DateTimeOffset RegisteredAt)> ReadAsync(HttpClient http, AuthenticationHeaderValue bearer, string id)
    {
        using var response = await http.SendAsync(Get("api/v1/assets/" + id, bearer));
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(FlexRegistryClient.Json);
        return (response.Headers.ETag!.ToString(), body.GetProperty("registeredAt").GetDateTimeOffset());
    }

    /// <summary>Keeps the ETag of every successful PATCH's answer as its asset's current one.</summary>
    private sealed class ETagKeeper(ConcurrentDictionary<string, string> etags) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            if (response.IsSuccessStatusCode && response.Headers.ETag is { } etag)
                etags[request.RequestUri!.OriginalString[(request.RequestUri.OriginalString.LastIndexOf('/') + 1)..]] = etag.ToString();
            return response;
        }
    }
}
