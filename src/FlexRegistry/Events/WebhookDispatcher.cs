using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using FlexRegistry.Persistence;
using FlexRegistry.Shared;
using Microsoft.EntityFrameworkCore;

namespace FlexRegistry.Events;

/// <summary>
/// Delivers webhooks. Each pass (1) fans new event-log rows out into per-subscription delivery rows, advancing each
/// subscription's cursor in the same transaction, and (2) sends the deliveries that are due and are the oldest
/// pending one of their subject for their subscription. All state is in the database: a crash loses nothing, and
/// what was in flight is sent again with the same <c>webhook-id</c> (at least once).
/// </summary>
/// <remarks>
/// Any number of instances may share one database: fan-out advances each subscription's cursor conditionally (one
/// instance wins each batch), and deliveries are claimed with a lease before they are sent (see <see cref="DeliverDueAsync"/>).
/// </remarks>
public sealed class WebhookDispatcher(
    IServiceScopeFactory scopes,
    IHttpClientFactory httpClients,
    WebhookOptions options,
    EventsOptions eventsOptions,
    TimeProvider time,
    EventLogSignal newEvents,
    RegistryMetrics metrics,
    ILogger<WebhookDispatcher> logger) : BackgroundService
{
    public const string HttpClientName = "webhooks";

    /// <summary>
    /// Delay before attempt n+1 after n failed attempts: 12 attempts over about 2.9 days (5 s, 30 s, 2 min, 10 min,
    /// 30 min, 1 h, 3 h, 6 h, 12 h, 24 h, 24 h), each ±20% jitter so that a recovering receiver is not hit by a thundering herd.
    /// </summary>
    public static readonly IReadOnlyList<TimeSpan> RetrySchedule =
    [
        TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(10),
        TimeSpan.FromMinutes(30), TimeSpan.FromHours(1), TimeSpan.FromHours(3), TimeSpan.FromHours(6),
        TimeSpan.FromHours(12), TimeSpan.FromHours(24), TimeSpan.FromHours(24),
    ];

    public static int MaxAttempts => RetrySchedule.Count + 1;

    /// <summary>A receiver's Retry-After is honoured up to this long.</summary>
    public static readonly TimeSpan MaxRetryAfter = TimeSpan.FromHours(24);

    /// <summary>
    /// Runs <see cref="WebhookOptions.DispatchLoops"/> loops: the first fans out and delivers, the others only deliver.
    /// While one loop waits for its batch's slowest receivers, another claims and sends the next batch; they coordinate
    /// through the same leases as separate instances do, so per-subject order and at-most-one sender per delivery hold.
    /// </summary>
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, Math.Max(1, options.DispatchLoops)).Select(i => LoopAsync(i == 0, stoppingToken)));

    private async Task LoopAsync(bool fansOut, CancellationToken stoppingToken)
    {
        // Whether the fan-out loop's next pass also looks for due deliveries. A commit's wake can only have made new
        // fan-out work; deliveries become due by a fan-out (which then delivers), by a replay (a fan-out too) or by the
        // clock (retries: found on the poll). So a pass woken by a commit that fanned nothing out skips the delivery
        // query, which at hundreds of commits a second with no subscribers was a seventh of the service's CPU.
        var deliver = true;
        while (!stoppingToken.IsCancellationRequested)
        {
            var worked = 0;
            try
            {
                worked = fansOut ? await PassAsync(deliver, stoppingToken) : await DeliverDueAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(e, "Webhook dispatch pass failed; retrying after the poll interval");
            }
            deliver = true;
            if (worked > 0)
                continue;
            try
            {
                deliver = await WaitAsync(fansOut, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Waits until the next poll or a change to the subscriptions (returns true: look for due deliveries too) or, for
    /// the fan-out loop, a commit that added events (false), and for the other loops a fan-out that created deliveries.
    /// While the last fan-out found no active subscription and none has been created, resumed or replayed since, commits
    /// do not wake the fan-out loop: there is no one to fan out to, and a pass per commit was the dispatcher's main cost.
    /// A subscription made on another instance is picked up at the next poll.
    /// </summary>
    private async Task<bool> WaitAsync(bool fansOut, CancellationToken stoppingToken)
    {
        var pollAt = time.GetUtcNow() + options.PollInterval;
        var subscriptions = newEvents.SubscriptionsVersion;
        while (true)
        {
            var remaining = pollAt - time.GetUtcNow();
            if (remaining <= TimeSpan.Zero)
                return true;
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            var delay = Task.Delay(remaining, time, wait.Token);
            var woke = await (fansOut ? Task.WhenAny(delay, newEvents.WaitAsync(Timeout.InfiniteTimeSpan, wait.Token)) : Task.WhenAny(delay, _deliveriesCreated.Task));
            await wait.CancelAsync();
            stoppingToken.ThrowIfCancellationRequested();
            // A subscription created, resumed or replayed may have deliveries waiting: deliver too.
            if (woke == delay || (fansOut && newEvents.SubscriptionsVersion != subscriptions))
                return true;
            if (!fansOut || Volatile.Read(ref _noSubscribersAtVersion) != newEvents.SubscriptionsVersion)
                return false;
        }
    }

    /// <summary><see cref="EventLogSignal.SubscriptionsVersion"/> when the last fan-out found no active subscription, else -1.</summary>
    private int _noSubscribersAtVersion = -1;

    /// <summary>Completed (and replaced) whenever a fan-out has created deliveries: wakes every delivery-only loop at once.</summary>
    private TaskCompletionSource _deliveriesCreated = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void WakeDeliveryLoops() =>
        Interlocked.Exchange(ref _deliveriesCreated, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    /// <summary>One pass; returns how many delivery rows were created or attempted (0 = nothing to do now).</summary>
    public Task<int> RunOnceAsync(CancellationToken ct) => PassAsync(deliver: true, ct);

    /// <summary>A fan-out, then (if <paramref name="deliver"/> or the fan-out created deliveries) a delivery pass.</summary>
    private async Task<int> PassAsync(bool deliver, CancellationToken ct)
    {
        var created = await FanOutAsync(ct);
        var attempted = deliver || created > 0 ? await DeliverDueAsync(ct) : 0;
        return created + attempted;
    }

    /// <summary>How many fan-out passes have run since the start (for tests and diagnostics).</summary>
    internal long FanOutPasses => Interlocked.Read(ref _fanOutPasses);

    private long _fanOutPasses;

    private async Task<int> FanOutAsync(CancellationToken ct)
    {
        Interlocked.Increment(ref _fanOutPasses);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        // Read before the query: a subscription created meanwhile changes the version, so its events are not skipped.
        var version = newEvents.SubscriptionsVersion;
        var subscriptions = await db.Subscriptions.AsNoTracking().Where(s => s.Status == SubscriptionStatus.Active).ToListAsync(ct);
        Volatile.Write(ref _noSubscribersAtVersion, subscriptions.Count == 0 ? version : -1);
        if (subscriptions.Count == 0)
            return 0;
        var from = subscriptions.Min(s => s.Cursor);
        // Sequenced events only: their order is final (see EventSequencer), so a cursor never moves past a later commit.
        var events = await (
                from s in db.SequencedEvents
                where s.Sequence > @from
                join e in db.Events on s.Position equals e.Position
                orderby s.Sequence
                select new { s.Sequence, Event = e })
            .AsNoTracking().Take(Math.Max(1, options.FanOutBatch)).ToListAsync(ct);
        if (events.Count == 0)
            return 0;
        var last = events[^1].Sequence;
        var now = time.GetUtcNow();
        var created = 0;
        foreach (var subscription in subscriptions.Where(s => s.Cursor < last))
        {
            var filter = new SubscriptionFilter(subscription.Filters);
            var deliveries = events.Where(e => e.Sequence > subscription.Cursor && subscription.Wants(e.Event, filter))
                .Select(e => WebhookDelivery.For(subscription.Id, e.Sequence, e.Event, now)).ToList();
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            // Conditional on the cursor read above: a replay or another pass that moved it meanwhile wins, and this
            // batch is rolled back rather than delivered twice or skipped.
            var moved = await db.Subscriptions.Where(s => s.Id == subscription.Id && s.Cursor == subscription.Cursor)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.Cursor, last), ct);
            if (moved == 0)
                continue;
            // Binary COPY (PostgreSQL) or one prepared INSERT (SQLite) rather than EF's tracked inserts: a fan-out of
            // 1000 rows took 0.5–1 s through SaveChanges, and the delivery loops waited for it.
            await BulkWriter.For(db).InsertAsync(db, deliveries, ct);
            await transaction.CommitAsync(ct);
            created += deliveries.Count;
        }
        await RefreshStatisticsAsync(db, created, ct);
        if (created > 0)
            WakeDeliveryLoops();
        return created;
    }

    /// <summary>
    /// After a large fan-out (a replay, or a backlog after an outage) PostgreSQL's statistics may still describe the
    /// delivery table as nearly empty until autovacuum next runs (up to a minute later). With such statistics the
    /// planner runs the per-subject check of <see cref="DeliverDueAsync"/> as a nested loop of sequential scans,
    /// quadratic in the pending rows: 21 s per pass for 10,000 of them (measured; 0.01 s with fresh statistics).
    /// So the pass that created many rows refreshes them, at most every <see cref="AnalyzeEvery"/>.
    /// </summary>
    private async Task RefreshStatisticsAsync(RegistryDbContext db, int created, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (created < AnalyzeAfterRows || !db.Database.IsNpgsql() || now - _lastAnalyze < AnalyzeEvery)
            return;
        _lastAnalyze = now;
        await db.Database.ExecuteSqlRawAsync("ANALYZE webhook_deliveries", ct);
    }

    private const int AnalyzeAfterRows = 500;
    private static readonly TimeSpan AnalyzeEvery = TimeSpan.FromSeconds(30);
    private DateTimeOffset _lastAnalyze = DateTimeOffset.MinValue;

    /// <summary>
    /// Picks the due deliveries that are the oldest pending one of their subject for their subscription and not leased
    /// by another pass, claims them with a lease (a conditional update: of two instances racing for a row, exactly one
    /// matches it), then sends what it claimed, <see cref="WebhookOptions.MaxParallelDeliveries"/> at a time. A claimed
    /// delivery stays pending, so later deliveries of the same subject wait for it: per-subject order holds across
    /// instances. Successes are recorded together when the pass ends (one statement per batch, not one per webhook); a
    /// crash before that sends them again with the same <c>webhook-id</c> (at least once). Failures are recorded at once.
    /// </summary>
    private async Task<int> DeliverDueAsync(CancellationToken ct)
    {
        List<Due> due;
        var lease = Guid.NewGuid();
        DateTimeOffset leaseUntil;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
            var now = time.GetUtcNow();
            var candidates = await (
                    from d in db.WebhookDeliveries
                    join s in db.Subscriptions on d.SubscriptionId equals s.Id
                    where d.Status == DeliveryStatus.Pending && d.NextAttemptAt <= now && s.Status == SubscriptionStatus.Active
                          && (d.LeaseUntil == null || d.LeaseUntil <= now)
                    // Per-subject order: only the oldest pending delivery of a subject to a subscription may go.
                    where !db.WebhookDeliveries.Any(earlier => earlier.SubscriptionId == d.SubscriptionId && earlier.Subject == d.Subject
                                                               && earlier.Status == DeliveryStatus.Pending && earlier.EventSequence < d.EventSequence)
                    // Oldest due first, in the order of the (Status, NextAttemptAt, Id) index that finds them, so the LIMIT
                    // stops the scan: ordered by ID alone, every due delivery was read and sorted per claim (SQLite,
                    // a 100,000-delivery backlog: 150 ms per claim instead of 5 ms); with an index without Id, all the
                    // deliveries of one fan-out (one NextAttemptAt) were checked and sorted (PostgreSQL: 2,000 per claim).
                    orderby d.NextAttemptAt, d.Id
                    select d.Id)
                .Take(Math.Max(1, options.DeliveryBatch)).ToListAsync(ct);
            if (candidates.Count == 0)
                return 0;
            leaseUntil = now + options.EffectiveLease;
            var claimed = await db.WebhookDeliveries
                .Where(d => candidates.Contains(d.Id) && d.Status == DeliveryStatus.Pending && (d.LeaseUntil == null || d.LeaseUntil <= now))
                .ExecuteUpdateAsync(d => d.SetProperty(x => x.LeaseOwner, lease).SetProperty(x => x.LeaseUntil, leaseUntil), ct);
            if (claimed == 0)
                return 0;
            // Only what the request needs: no tracking, no filters, no whole subscription per row.
            due = await (
                    from d in db.WebhookDeliveries
                    join s in db.Subscriptions on d.SubscriptionId equals s.Id
                    join q in db.SequencedEvents on d.EventSequence equals q.Sequence
                    join e in db.Events on q.Position equals e.Position
                    where candidates.Contains(d.Id) && d.LeaseOwner == lease && d.Status == DeliveryStatus.Pending
                    orderby d.Id
                    select new Due(d.Id, d.Attempts, s.Id, s.Url, s.Secret, s.PreviousSecret, s.PreviousSecretExpiresAt,
                        q.Sequence, e.Id, e.Type, e.Subject, e.Time, e.DataJson, lease))
                .AsNoTracking().ToListAsync(ct);
        }
        if (due.Count == 0)
            return 0;
        var delivered = new ConcurrentQueue<(long DeliveryId, int Status)>();
        var keys = new SigningKeys();
        var client = httpClients.CreateClient(HttpClientName);
        try
        {
            try
            {
                await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = options.MaxParallelDeliveries, CancellationToken = ct },
                    async (delivery, token) =>
                    {
                        // A delivery that waited behind slow receivers renews its lease before it is sent, so no other
                        // instance takes it over while this one is still trying; if the lease was lost meanwhile, skip it.
                        if (time.GetUtcNow() + options.RequestTimeout + LeaseMargin > leaseUntil && !await RenewLeaseAsync(delivery, token))
                            return;
                        var (status, error, retryAfter) = await SendAsync(client, delivery, keys, token);
                        if (status is >= 200 and < 300)
                            delivered.Enqueue((delivery.DeliveryId, status.Value));
                        else
                            await RecordFailureAsync(delivery, status, error, retryAfter, token);
                    });
            }
            finally
            {
                // Whatever happened to the rest of the pass, what was delivered is recorded as delivered.
                await CompleteAsync(delivered, CancellationToken.None);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutting down: hand back what this pass still holds, so another instance (or the restart) sends it at once.
            await using var scope = scopes.CreateAsyncScope();
            var held = due.Select(d => d.DeliveryId).ToList();
            await scope.ServiceProvider.GetRequiredService<RegistryDbContext>().WebhookDeliveries
                .Where(d => held.Contains(d.Id) && d.LeaseOwner == lease && d.Status == DeliveryStatus.Pending)
                .ExecuteUpdateAsync(d => d.SetProperty(x => x.LeaseOwner, (Guid?)null).SetProperty(x => x.LeaseUntil, (DateTimeOffset?)null), CancellationToken.None);
            throw;
        }
        return due.Count;
    }

    private static readonly TimeSpan LeaseMargin = TimeSpan.FromSeconds(5);

    private async Task<bool> RenewLeaseAsync(Due due, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        var until = time.GetUtcNow() + options.EffectiveLease;
        return await db.WebhookDeliveries.Where(d => d.Id == due.DeliveryId && d.LeaseOwner == due.Lease && d.Status == DeliveryStatus.Pending)
            .ExecuteUpdateAsync(d => d.SetProperty(x => x.LeaseUntil, until), ct) == 1;
    }

    private async Task<(int? Status, string? Error, TimeSpan? RetryAfter)> SendAsync(HttpClient client, Due due, SigningKeys keys, CancellationToken ct)
    {
        var body = CloudEvents.Utf8Body(eventsOptions.Source, due.EventId, due.Type, due.Subject, due.Time, due.DataJson, due.Sequence);
        var now = time.GetUtcNow();
        var webhookId = due.EventId.ToString();
        var timestamp = now.ToUnixTimeSeconds();
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, due.Url) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = JsonUtf8;
            request.Headers.Add("webhook-id", webhookId);
            request.Headers.Add("webhook-timestamp", timestamp.ToString(CultureInfo.InvariantCulture));
            request.Headers.Add("webhook-signature", Sign(keys.For(due, now), webhookId, timestamp, body));
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(options.RequestTimeout);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var retryAfter = response.Headers.RetryAfter switch
            {
                { Delta: { } delta } => delta,
                { Date: { } date } => date - now,
                _ => (TimeSpan?)null,
            };
            return ((int)response.StatusCode, null, retryAfter);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Whatever went wrong with this one request (refused address, TLS, protocol) is this delivery's failure,
            // retried on schedule; it must not stop the pass for everyone else.
            return (null, Truncate(e.Message), null);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return (null, $"No answer within {options.RequestTimeout.TotalSeconds:0.#} s.", null);
        }
    }

    private static readonly MediaTypeHeaderValue JsonUtf8 = new(CloudEvents.JsonContentType) { CharSet = "utf-8" };

    /// <summary>Marks delivered rows delivered: one statement per status code and chunk, however many webhooks the pass sent.</summary>
    private async Task CompleteAsync(ConcurrentQueue<(long DeliveryId, int Status)> delivered, CancellationToken ct)
    {
        if (delivered.IsEmpty)
            return;
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        var now = time.GetUtcNow();
        metrics.Delivered("delivered", delivered.Count);
        foreach (var byStatus in delivered.GroupBy(d => d.Status))
        {
            int? status = byStatus.Key;
            foreach (var chunk in byStatus.Select(d => d.DeliveryId).Chunk(CompleteChunk))
            {
                // Rows are updated by ID: a replay may have replaced a row meanwhile, which is then a no-op. Delivered
                // is delivered, even if this pass's lease had run out meanwhile.
                var ids = chunk;
                await db.WebhookDeliveries.Where(d => ids.Contains(d.Id) && d.Status == DeliveryStatus.Pending)
                    .ExecuteUpdateAsync(d => d
                        .SetProperty(x => x.Status, DeliveryStatus.Delivered).SetProperty(x => x.Attempts, x => x.Attempts + 1)
                        .SetProperty(x => x.LeaseOwner, (Guid?)null).SetProperty(x => x.LeaseUntil, (DateTimeOffset?)null)
                        .SetProperty(x => x.LastStatusCode, status).SetProperty(x => x.LastError, (string?)null)
                        .SetProperty(x => x.CompletedAt, now), ct);
            }
        }
    }

    private const int CompleteChunk = 1000;

    private async Task RecordFailureAsync(Due due, int? status, string? error, TimeSpan? retryAfter, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        var now = time.GetUtcNow();
        var attempts = due.Attempts + 1;
        // A failure is recorded only while this pass still holds the lease: otherwise another instance owns the delivery now.
        var deliveries = db.WebhookDeliveries.Where(d => d.Id == due.DeliveryId && d.Status == DeliveryStatus.Pending && d.LeaseOwner == due.Lease);
        error ??= $"The receiver answered {status}.";
        if (status == (int)HttpStatusCode.Gone)
        {
            // 410: the receiver says the endpoint is gone for good. Stop sending; the delivery waits in case the subscriber resumes.
            logger.LogInformation("Subscription {SubscriptionId} disabled: its receiver answered 410 Gone", due.SubscriptionId);
            metrics.Delivered("gone");
            await db.Subscriptions.Where(s => s.Id == due.SubscriptionId).ExecuteUpdateAsync(s => s
                .SetProperty(x => x.Status, SubscriptionStatus.Disabled)
                .SetProperty(x => x.DisabledReason, "The receiver answered 410 Gone.")
                .SetProperty(x => x.UpdatedAt, now), ct);
            await deliveries.ExecuteUpdateAsync(d => d.SetProperty(x => x.LastStatusCode, status).SetProperty(x => x.LastError, error)
                .SetProperty(x => x.LeaseOwner, (Guid?)null).SetProperty(x => x.LeaseUntil, (DateTimeOffset?)null), ct);
            return;
        }
        if (attempts >= MaxAttempts)
        {
            logger.LogWarning("Webhook {DeliveryId} for subscription {SubscriptionId} dead-lettered after {Attempts} attempts",
                due.DeliveryId, due.SubscriptionId, attempts);
            metrics.Delivered("dead_lettered");
            await deliveries.ExecuteUpdateAsync(d => d
                .SetProperty(x => x.Status, DeliveryStatus.DeadLettered).SetProperty(x => x.Attempts, attempts)
                .SetProperty(x => x.LastStatusCode, status).SetProperty(x => x.LastError, error).SetProperty(x => x.CompletedAt, now)
                .SetProperty(x => x.LeaseOwner, (Guid?)null).SetProperty(x => x.LeaseUntil, (DateTimeOffset?)null), ct);
            return;
        }
        metrics.Delivered("failed");
        var next = now + NextDelay(attempts, retryAfter);
        await deliveries.ExecuteUpdateAsync(d => d
            .SetProperty(x => x.Attempts, attempts).SetProperty(x => x.NextAttemptAt, next)
            .SetProperty(x => x.LastStatusCode, status).SetProperty(x => x.LastError, error)
            .SetProperty(x => x.LeaseOwner, (Guid?)null).SetProperty(x => x.LeaseUntil, (DateTimeOffset?)null), ct);
    }

    /// <summary>The wait after <paramref name="failedAttempts"/> failures: the schedule with jitter, or longer if the receiver asked.</summary>
    public static TimeSpan NextDelay(int failedAttempts, TimeSpan? retryAfter)
    {
        var planned = RetrySchedule[Math.Clamp(failedAttempts - 1, 0, RetrySchedule.Count - 1)];
#pragma warning disable CA5394 // jitter needs no cryptographic randomness
        var jittered = planned * (0.8 + (Random.Shared.NextDouble() * 0.4));
#pragma warning restore CA5394
        var asked = retryAfter is { } r && r > TimeSpan.Zero ? (r > MaxRetryAfter ? MaxRetryAfter : r) : TimeSpan.Zero;
        return asked > jittered ? asked : jittered;
    }

    /// <summary>Standard Webhooks signature: <c>v1,</c> + base64(HMAC-SHA256(key, "{id}.{timestamp}.{body}")), one per secret, space-separated.</summary>
    public static string Sign(IEnumerable<string> secrets, string webhookId, long timestamp, string body) =>
        Sign([.. secrets.Select(Subscription.SecretKey)], webhookId, timestamp, Encoding.UTF8.GetBytes(body));

    /// <summary>The same over the body's UTF-8 bytes, with the secrets already decoded.</summary>
    public static string Sign(IReadOnlyList<byte[]> keys, string webhookId, long timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = $"{webhookId}.{timestamp.ToString(CultureInfo.InvariantCulture)}.";
        var length = Encoding.UTF8.GetByteCount(prefix) + body.Length;
        var content = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var written = Encoding.UTF8.GetBytes(prefix, content);
            body.CopyTo(content.AsSpan(written));
            Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
            var signature = new StringBuilder();
            foreach (var key in keys)
            {
                HMACSHA256.HashData(key, content.AsSpan(0, length), mac);
                signature.Append(signature.Length == 0 ? "v1," : " v1,").Append(Convert.ToBase64String(mac));
            }
            return signature.ToString();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(content);
        }
    }

    private static string Truncate(string message) => message.Length <= 500 ? message : message[..500];

    private sealed record Due(long DeliveryId, int Attempts, Guid SubscriptionId, string Url, string Secret, string? PreviousSecret,
        DateTimeOffset? PreviousSecretExpiresAt, long Sequence, Guid EventId, string Type, string Subject, DateTimeOffset Time, string DataJson, Guid Lease);

    /// <summary>Decoded signing keys of one pass, per secret: a batch to one subscription decodes its secret once.</summary>
    private sealed class SigningKeys
    {
        private readonly ConcurrentDictionary<string, byte[]> _keys = new(StringComparer.Ordinal);

        /// <summary>The current secret, then the previous one while the rotation overlap lasts (<see cref="Subscription.SigningSecrets"/>).</summary>
        public IReadOnlyList<byte[]> For(Due due, DateTimeOffset now) =>
            due.PreviousSecret is not null && due.PreviousSecretExpiresAt > now
                ? [Key(due.Secret), Key(due.PreviousSecret)]
                : [Key(due.Secret)];

        private byte[] Key(string secret) => _keys.GetOrAdd(secret, Subscription.SecretKey);
    }
}
