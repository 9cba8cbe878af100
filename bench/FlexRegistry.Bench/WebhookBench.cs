using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using FlexRegistry.Cli.Sandbox;
using FlexRegistry.Client;
using FlexRegistry.Client.Contracts;

namespace FlexRegistry.Bench;

/// <summary>
/// <c>webhooks</c>: event delivery against a fast local receiver (Kestrel in this process, answers 204).
/// 1. raw baseline: a plain HttpClient loop signing (Standard Webhooks, HMAC-SHA256) and posting N messages;
/// 2. a backlog of N asset registrations (bulk imports), read back through the pull feed (replay throughput, events/s);
/// 3. the same backlog delivered by the register's dispatcher after <c>POST /subscriptions/{id}/replay</c> (webhooks/s);
/// 4. commit→delivery latency at a sustained rate of events, produced by bulk imports (an NDJSON file every
///    import-rows/rate seconds, open loop): receipt time minus the event's <c>time</c>, which the register stamps in the
///    committing transaction after taking the event-log lock, over every event of the phase;
/// 5. the same from single registrations (POST /api/v1/assets) at --post-rate, which they can sustain.
/// </summary>
public static class WebhookBench
{
    private sealed record Receipt(string WebhookId, long Sequence, string Subject, DateTimeOffset EventTime, DateTimeOffset ReceivedAt);

    public static async Task<int> RunAsync(Args args)
    {
        var url = new Uri(args.Require("url"));
        var port = args.Count("receiver-port", 5192);
        var events = args.Count("events", 20_000);
        var rate = args.Number("rate", 1000);
        var duration = TimeSpan.FromSeconds(args.Number("duration", 10));
        var concurrency = args.Count("concurrency", 16);
        var receipts = new ConcurrentQueue<Receipt>();

        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        await using var receiver = builder.Build();
        receiver.MapPost("/hook", async (HttpRequest request) =>
        {
            var received = TimeProvider.System.GetUtcNow();
            using var body = await JsonDocument.ParseAsync(request.Body);
            var root = body.RootElement;
            receipts.Enqueue(new Receipt(
                request.Headers["webhook-id"].ToString(),
                long.Parse(root.GetProperty("sequence").GetString()!, CultureInfo.InvariantCulture),
                root.GetProperty("subject").GetString()!,
                DateTimeOffset.Parse(root.GetProperty("time").GetString()!, CultureInfo.InvariantCulture),
                received));
            return Results.NoContent();
        });
        await receiver.StartAsync();
        var hook = $"http://127.0.0.1:{port}/hook";

        // 1. Raw baseline: sign and post, as fast as `concurrency` workers go.
        var raw = await RawLoopAsync(hook, events, concurrency);
        Console.WriteLine(Invariant($"raw HttpClient sign-and-post loop ({concurrency} workers): {events} messages in {raw:F2}s => {events / raw:F0}/s"));
        receipts.Clear();

        // 2. A backlog of registrations, read back through the pull feed.
        using var http = Registry.Http(url);
        var credentials = await Registry.RegisterParticipantAsync(http);
        http.DefaultRequestHeaders.Authorization = Registry.Bearer(await Registry.TokenAsync(http, credentials.ClientId, credentials.ClientSecret!));
        var assets = new SyntheticAssets(args.Count("seed", 42));
        var startIndex = args.Index("start-index", 5_000_000);
        var bodies = LoadCommand.Bodies(assets, startIndex, events + (int)((rate + args.Number("post-rate", 100)) * duration.TotalSeconds) + 2000);
        // The backlog comes from bulk imports (files of 1000 rows), which is much faster than one POST per asset.
        var backlogClock = Stopwatch.StartNew();
        for (var first = 0; first < events; first += 1000)
        {
            using var upload = await http.SendAsync(ImportFile(bodies, first, Math.Min(1000, events - first)));
            if (!upload.IsSuccessStatusCode)
                throw new InvalidOperationException($"import refused: {(int)upload.StatusCode} {await upload.Content.ReadAsStringAsync()}");
        }
        var (backlog, _, _, _) = await FeedAfterAsync(http, 0, TimeSpan.FromMinutes(10), events);
        Console.WriteLine(Invariant($"backlog: {backlog} events (imports of {events} assets) in {backlogClock.Elapsed.TotalSeconds:F1}s"));

        // Pages of 1000 (the old maximum) and of 10000 (the maximum since the feed writes rows straight to JSON), after
        // one warm-up request (the first call of a fresh server pays for JIT compilation and query compilation).
        using (await http.GetAsync("api/v1/events?after=0&limit=10"))
        {
        }
        long feedEvents = 0, lastSequence = 0;
        var feedRates = new Dictionary<int, double>();
        foreach (var pageSize in new[] { 1000, 10_000 })
        {
            var feedClock = Stopwatch.StartNew();
            feedEvents = 0;
            var after = "0";
            while (true)
            {
                var page = await http.GetFromJsonAsync<EventPage>($"api/v1/events?after={after}&limit={pageSize}", FlexRegistryClient.Json);
                if (page!.Items.Count == 0)
                    break;
                feedEvents += page.Items.Count;
                lastSequence = long.Parse(page.Items[^1].Sequence, CultureInfo.InvariantCulture);
                after = page.NextCursor;
            }
            var feedSeconds = feedClock.Elapsed.TotalSeconds;
            feedRates[pageSize] = feedEvents / feedSeconds;
            Console.WriteLine(Invariant($"pull feed replay: {feedEvents} events in {feedSeconds:F2}s => {feedEvents / feedSeconds:F0} events/s (pages of {pageSize})"));
        }

        // 3. The register's dispatcher delivering the backlog after a replay.
        var types = await http.GetFromJsonAsync<List<string>>("api/v1/events/types", FlexRegistryClient.Json);
        using var created = await http.PostAsJsonAsync("api/v1/subscriptions", new CreateSubscriptionRequest { Url = hook, Types = types }, FlexRegistryClient.Json);
        if (!created.IsSuccessStatusCode)
            throw new InvalidOperationException($"subscription refused: {(int)created.StatusCode} {await created.Content.ReadAsStringAsync()}");
        var subscription = (await created.Content.ReadFromJsonAsync<SubscriptionSecretResponse>(FlexRegistryClient.Json))!;
        var deliveryClock = Stopwatch.StartNew();
        using (var replay = await http.PostAsJsonAsync($"api/v1/subscriptions/{subscription.Id}/replay", new ReplayRequest { FromSequence = 1 }, FlexRegistryClient.Json))
        {
            if (!replay.IsSuccessStatusCode)
                throw new InvalidOperationException($"replay refused: {(int)replay.StatusCode} {await replay.Content.ReadAsStringAsync()}");
        }
        var delivered = await WaitForAsync(receipts, r => r.Sequence <= lastSequence, feedEvents, TimeSpan.FromMinutes(10));
        var deliverySeconds = deliveryClock.Elapsed.TotalSeconds;
        Console.WriteLine(Invariant($"dispatcher replay delivery: {delivered}/{feedEvents} webhooks in {deliverySeconds:F2}s => {delivered / deliverySeconds:F0}/s"));

        // 4. Commit→delivery latency at a sustained rate of events. One POST /api/v1/assets is one event, and single
        //    registrations saturate well below 1000/s on a small machine, so the events come from bulk imports through
        //    the public API instead: an NDJSON file of `import-rows` new assets every `import-rows / rate` seconds (open
        //    loop: a slow answer does not delay the next upload). Every event of the phase counts: latency is receipt
        //    time minus the event's `time`, which the register stamps after taking the event-log lock, in the
        //    committing transaction, just before COMMIT (so it includes the commit itself, the fan-out and the send).
        var importRows = args.Count("import-rows", 100);
        var phaseStart = TimeProvider.System.GetUtcNow();
        var imports = await LoadGenerator.FixedRateAsync(http, i => ImportFile(bodies, events + (i * importRows), importRows), rate / importRows, duration);
        var next = events + (imports.Sent * importRows);
        var (importEvents, importLast, firstEventTime, lastEventTime) = await FeedAfterAsync(http, lastSequence, TimeSpan.FromSeconds(120), imports.Ok * importRows);
        var importDelivered = await WaitForAsync(receipts, r => r.Sequence > lastSequence && r.Sequence <= importLast, importEvents, TimeSpan.FromSeconds(60));
        var importLatencies = new Latencies();
        foreach (var receipt in receipts.Where(r => r.Sequence > lastSequence && r.Sequence <= importLast).GroupBy(r => r.WebhookId).Select(g => g.First()))
            importLatencies.Record(receipt.ReceivedAt - receipt.EventTime);
        // Achieved rate: the events committed after the first file's, over the time from the first file's commit to the last's.
        var importSpan = (lastEventTime - firstEventTime).TotalSeconds;
        var importRate = importSpan > 0 ? (importEvents - importRows) / importSpan : double.NaN;
        var importLag = (lastEventTime - phaseStart).TotalSeconds - duration.TotalSeconds;
        Console.WriteLine(Invariant($"sustained imports ({importRows}-row NDJSON files at {rate / importRows:F1}/s, offered {rate}/s events for {duration.TotalSeconds:F0}s): {imports}"));
        Console.WriteLine(Invariant(
            $"event time stamp (at commit) → webhook received, at {importRate:F0} events/s achieved ({importEvents} events; first to last commit {importSpan:F1}s; last commit {importLag:F1}s after the last upload was due): {importDelivered}/{importEvents} delivered; {importLatencies.Summary()}"));

        // 5. The older measurement, kept as a second line: single registrations at a rate they can sustain, from the
        //    201 (sent after the commit, so this slightly understates commit→delivery) to the webhook's receipt.
        receipts.Clear();
        var postRate = args.Number("post-rate", 100);
        var answered = new ConcurrentDictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        var load = await LoadGenerator.FixedRateAsync(http, i => Post(bodies, next + i), postRate, duration, onResponse: async response =>
        {
            var at = TimeProvider.System.GetUtcNow();
            if (response.StatusCode == System.Net.HttpStatusCode.Created)
            {
                var created = await response.Content.ReadFromJsonAsync<RegisterAssetResponse>(FlexRegistryClient.Json);
                answered[created!.AssetId] = at;
            }
        });
        var expected = load.Ok;
        var live = await WaitForAsync(receipts, r => r.Sequence > importLast, expected, TimeSpan.FromSeconds(60));
        var latencies = new Latencies();
        var stamped = new Latencies();
        foreach (var receipt in receipts.Where(r => r.Sequence > importLast).GroupBy(r => r.WebhookId).Select(g => g.First()))
        {
            stamped.Record(receipt.ReceivedAt - receipt.EventTime);
            if (answered.TryGetValue(receipt.Subject, out var at))
                latencies.Record(receipt.ReceivedAt - at);
        }
        Console.WriteLine($"sustained single registrations: {load}");
        // The 201's time is when the bench has read it: with requests queueing in the bench's own client it can be later
        // than the webhook's receipt, so the event time stamp line below is the one to compare.
        Console.WriteLine($"201 read by the bench → webhook received, at {load.OkPerSecond:F0} events/s (offered {postRate}/s): {live}/{expected} delivered; {latencies.Summary()}");
        Console.WriteLine($"event time stamp (at commit) → webhook received, same events: {stamped.Summary()}");
        Console.WriteLine(Invariant(
            $"RESULT raw_per_s={events / raw:F0} delivered_per_s={delivered / deliverySeconds:F0} ratio={delivered / deliverySeconds / (events / raw):F2} feed_per_s={feedRates[1000]:F0} feed_10k_pages_per_s={feedRates[10_000]:F0} sustained_events_per_s={importRate:F0} delivery_p50_ms={importLatencies.Percentile(50):F1} delivery_p99_ms={importLatencies.Percentile(99):F1} delivery_max_ms={importLatencies.Percentile(100):F1} post_events_per_s={load.OkPerSecond:F0} post_stamp_p99_ms={stamped.Percentile(99):F1}"));
        await receiver.StopAsync();
        return 0;
    }

    private static HttpRequestMessage Post((byte[] Body, string Mpan)[] bodies, long i)
    {
        var message = new HttpRequestMessage(HttpMethod.Post, "api/v1/assets") { Content = new ByteArrayContent(bodies[i].Body) };
        message.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        return message;
    }

    private static HttpRequestMessage ImportFile((byte[] Body, string Mpan)[] bodies, long first, int rows)
    {
        using var file = new MemoryStream(rows * 600);
        for (var i = first; i < first + rows; i++)
        {
            file.Write(bodies[i].Body);
            file.WriteByte((byte)'\n');
        }
        var message = new HttpRequestMessage(HttpMethod.Post, "api/v1/asset-imports") { Content = new ByteArrayContent(file.ToArray()) };
        message.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/x-ndjson");
        return message;
    }

    /// <summary>
    /// The events after <paramref name="after"/> in the pull feed, once at least <paramref name="atLeast"/> are there (the
    /// imports have run) or the timeout passed: how many, the last sequence, and the last event's time stamp.
    /// </summary>
    private static async Task<(long Count, long Last, DateTimeOffset FirstTime, DateTimeOffset LastTime)> FeedAfterAsync(HttpClient http, long after, TimeSpan timeout, long atLeast)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            long count = 0, last = after;
            DateTimeOffset? firstTime = null;
            var lastTime = DateTimeOffset.MinValue;
            var cursor = after.ToString(CultureInfo.InvariantCulture);
            while (true)
            {
                var page = await http.GetFromJsonAsync<EventPage>($"api/v1/events?after={cursor}&limit=10000", FlexRegistryClient.Json);
                if (page!.Items.Count == 0)
                    break;
                count += page.Items.Count;
                firstTime ??= DateTimeOffset.Parse(page.Items[0].Time, CultureInfo.InvariantCulture);
                last = long.Parse(page.Items[^1].Sequence, CultureInfo.InvariantCulture);
                lastTime = DateTimeOffset.Parse(page.Items[^1].Time, CultureInfo.InvariantCulture);
                cursor = page.NextCursor;
            }
            if (count >= atLeast || deadline.Elapsed > timeout)
                return (count, last, firstTime ?? lastTime, lastTime);
            await Task.Delay(200);
        }
    }

    private static async Task<long> WaitForAsync(ConcurrentQueue<Receipt> receipts, Func<Receipt, bool> counts, long expected, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        long seen = 0;
        while (deadline.Elapsed < timeout)
        {
            seen = receipts.Where(counts).Select(r => r.WebhookId).Distinct().LongCount();
            if (seen >= expected)
                break;
            await Task.Delay(20);
        }
        return seen;
    }

    /// <summary>The baseline: what a bare HttpClient loop achieves signing and posting the same kind of message.</summary>
    private static async Task<double> RawLoopAsync(string hook, int messages, int concurrency)
    {
        var secret = RandomNumberGenerator.GetBytes(24);
        using var http = Registry.Http(new Uri(hook));
        var next = -1L;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            using var hmac = new HMACSHA256(secret);
            long i;
            while ((i = Interlocked.Increment(ref next)) < messages)
            {
                var id = "msg_" + i.ToString(CultureInfo.InvariantCulture);
                var now = TimeProvider.System.GetUtcNow();
                var body = Invariant(
                    $$"""{"specversion":"1.0","id":"{{id}}","source":"/flexregistry","type":"flexregistry.asset.registered","subject":"FRA-EV-{{i:D13}}","time":"{{now:O}}","datacontenttype":"application/json","data":{"assetId":"FRA-EV-{{i:D13}}","registrantId":"FRP-BENCH"},"sequence":"{{i + 1}}"}""");
                var timestamp = now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
                var signature = "v1," + Convert.ToBase64String(hmac.ComputeHash(Encoding.UTF8.GetBytes($"{id}.{timestamp}.{body}")));
                using var request = new HttpRequestMessage(HttpMethod.Post, hook) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
                request.Headers.Add("webhook-id", id);
                request.Headers.Add("webhook-timestamp", timestamp);
                request.Headers.Add("webhook-signature", signature);
                using var response = await http.SendAsync(request);
                response.EnsureSuccessStatusCode();
            }
        })));
        return clock.Elapsed.TotalSeconds;
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
