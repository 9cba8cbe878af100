using FlexRegistry.Client.Contracts;
using FlexRegistry.Events;
using FlexRegistry.Tests.Infrastructure;

namespace FlexRegistry.Tests.Events;

/// <summary>
/// Retries, ordering, dead-lettering and outages, with the dispatcher on a fake clock driven by the test: days of
/// back-off pass deterministically.
/// </summary>
public abstract class WebhookRetryTests(RegistryApp app)
{
    private IHaveWebhookClock Hooks => (IHaveWebhookClock)app;

    private async Task<(List<(string Id, HttpClient Client)> Fsps, HttpClient Operator)> FspsAsync(int count)
    {
        var fsps = new List<(string, HttpClient)>();
        for (var i = 0; i < count; i++)
        {
            var (registration, client) = await app.RegisterActiveAsync();
            fsps.Add((registration.ParticipantId, client));
        }
        return (fsps, await app.OperatorAsync());
    }

    [Fact]
    public async Task BUC2_Step8_ReceiverDownForAnHour_GetsEveryEventAfterwards_InOrderPerSubject_AndTheFeedHasNoGaps()
    {
        var (fsps, op) = await FspsAsync(3);
        using (op)
        {
            var url = Hooks.Receiver.NewUrl();
            var down = true;
            Hooks.Receiver.Answer(url, _ => (down ? 503 : 204, null));
            var subscription = await op.SubscribeAsync(url, filters: new SubscriptionFiltersDto { ParticipantIds = [.. fsps.Select(f => f.Id)] });
            for (var round = 0; round < 4; round++)
            {
                foreach (var (id, client) in fsps)
                    await client.UpdateCommercialInformationAsync(id);
            }

            await Hooks.DispatchAsync();
            await Hooks.AdvanceAsync(TimeSpan.FromHours(1), TimeSpan.FromMinutes(1));
            var duringOutage = Hooks.Receiver.At(url);
            Assert.NotEmpty(duringOutage);
            Assert.All(duringOutage, w => Assert.Equal(503, w.Answered));

            down = false;
            await Hooks.AdvanceAsync(TimeSpan.FromHours(3), TimeSpan.FromMinutes(5));

            var received = Hooks.Receiver.At(url);
            foreach (var (id, client) in fsps)
            {
                // The participant's own feed: its events, no gaps, and every one of them arrived.
                var (feed, _) = await client.ReadFeedAsync(types: EventTestData.Updated);
                Assert.Equal(4, feed.Count);
                var delivered = received.Where(w => w.Subject == id && w.Answered == 204).Select(w => w.Id).ToList();
                Assert.Equal(feed.Select(e => e.Id), delivered);
                // In order per subject across every attempt: nothing later was tried before an earlier one succeeded.
                var attempts = received.Where(w => w.Subject == id).Select(w => w.Sequence).ToList();
                Assert.Equal(attempts.Order(), attempts);
                client.Dispose();
            }
            var deadLetters = await (await op.GetAsync($"/api/v1/subscriptions/{subscription.Id}/dead-letters")).Read<Page<DeadLetterResponse>>();
            Assert.Empty(deadLetters.Items);
        }
    }

    [Fact]
    public async Task AFailingSubject_HoldsUpNoOther_AndIsDeadLetteredAfterTheLastAttempt()
    {
        var (fsps, op) = await FspsAsync(2);
        using (op)
        {
            var (failing, failingClient) = fsps[0];
            var (healthy, healthyClient) = fsps[1];
            var url = Hooks.Receiver.NewUrl();
            Hooks.Receiver.Answer(url, w => (w.Subject == failing ? 500 : 204, null));
            var subscription = await op.SubscribeAsync(url, filters: new SubscriptionFiltersDto { ParticipantIds = [failing, healthy] });
            for (var i = 0; i < 2; i++)
            {
                await failingClient.UpdateCommercialInformationAsync(failing);
                await healthyClient.UpdateCommercialInformationAsync(healthy);
            }

            await Hooks.DispatchAsync();
            Assert.Equal(2, Hooks.Receiver.At(url).Count(w => w.Subject == healthy && w.Answered == 204));

            // Twice the ~3-day schedule: the first failing event is dead-lettered, then the second gets its own attempts.
            await Hooks.AdvanceAsync(TimeSpan.FromDays(8), TimeSpan.FromHours(1));
            var attempts = Hooks.Receiver.At(url).Where(w => w.Subject == failing).ToList();
            var firstId = attempts[0].Id;
            Assert.Equal(WebhookDispatcher.MaxAttempts, attempts.Count(w => w.Id == firstId));
            Assert.Equal(WebhookDispatcher.MaxAttempts * 2, attempts.Count);
            Assert.All(attempts.Take(WebhookDispatcher.MaxAttempts), w => Assert.Equal(firstId, w.Id));

            var deadLetters = await (await op.GetAsync($"/api/v1/subscriptions/{subscription.Id}/dead-letters")).Read<Page<DeadLetterResponse>>();
            Assert.Equal(attempts.Select(w => w.Id).Distinct(), deadLetters.Items.Select(d => d.EventId));
            Assert.All(deadLetters.Items, d =>
            {
                Assert.Equal(WebhookDispatcher.MaxAttempts, d.Attempts);
                Assert.Equal(500, d.LastStatusCode);
                Assert.Equal(failing, d.Subject);
            });
            failingClient.Dispose();
            healthyClient.Dispose();
        }
    }

    [Fact]
    public async Task RetryAfter_IsHonoured()
    {
        var (fsps, op) = await FspsAsync(1);
        using (op)
        {
            var (id, client) = fsps[0];
            var url = Hooks.Receiver.NewUrl();
            var calls = 0;
            Hooks.Receiver.Answer(url, _ => Interlocked.Increment(ref calls) == 1 ? (503, "7200") : (204, null));
            await op.SubscribeAsync(url, filters: new SubscriptionFiltersDto { ParticipantIds = [id] });
            await client.UpdateCommercialInformationAsync(id);

            await Hooks.DispatchAsync();
            await Hooks.AdvanceAsync(TimeSpan.FromMinutes(110), TimeSpan.FromMinutes(5));
            Assert.Single(Hooks.Receiver.At(url));
            await Hooks.AdvanceAsync(TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(5));
            Assert.Equal([503, 204], Hooks.Receiver.At(url).Select(w => w.Answered));
            client.Dispose();
        }
    }

    [Fact]
    public async Task ADeliveryInFlightWhenTheServiceStops_IsSentAgainWithTheSameWebhookId()
    {
        var (fsps, op) = await FspsAsync(1);
        using (op)
        {
            var (id, client) = fsps[0];
            var url = Hooks.Receiver.NewUrl();
            Hooks.Receiver.Hold(url);
            await op.SubscribeAsync(url, filters: new SubscriptionFiltersDto { ParticipantIds = [id] });
            await client.UpdateCommercialInformationAsync(id);

            await app.EventsSequencedAsync();
            using (var shutdown = new CancellationTokenSource())
            {
                var pass = Hooks.Dispatcher.RunOnceAsync(shutdown.Token);
                await EventTestData.Eventually(() => Task.FromResult(Hooks.Receiver.At(url)), r => r.Count == 1);
                await shutdown.CancelAsync();
                await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pass);
            }
            Hooks.Receiver.Release(url);

            await Hooks.DispatchAsync();
            var received = Hooks.Receiver.At(url);
            Assert.Equal(2, received.Count);
            Assert.Equal(received[0].Id, received[1].Id);
            Assert.Equal(204, received[1].Answered);
            client.Dispose();
        }
    }
}

public sealed class WebhookRetryTests_Sqlite(SqliteAppWithWebhookClock app) : WebhookRetryTests(app), IClassFixture<SqliteAppWithWebhookClock>;

public sealed class WebhookRetryTests_Postgres(PostgresAppWithWebhookClock app) : WebhookRetryTests(app), IClassFixture<PostgresAppWithWebhookClock>;
