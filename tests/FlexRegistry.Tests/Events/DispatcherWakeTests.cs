using FlexRegistry.Events;
using FlexRegistry.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FlexRegistry.Tests.Events;

/// <summary>
/// With no active subscription the dispatcher's fan-out loop is not woken by commits (a pass per commit was most of its
/// cost, for nothing); a subscription created, resumed or replayed wakes it, so the first events after it are still
/// delivered at once. The poll is an hour away here, so only those wakes can have delivered anything.
/// </summary>
public abstract class DispatcherWakeTests(RegistryApp app)
{
    private WebhookReceiver Receiver => ((IHaveWebhookReceiver)app).Receiver;

    private WebhookDispatcher Dispatcher => app.Services.GetRequiredService<WebhookDispatcher>();

    [Fact]
    public async Task WithNoActiveSubscription_CommitsDoNotWakeTheFanOut_AndANewSubscriptionIsServedWithoutWaitingForThePoll()
    {
        var (a, client) = await app.RegisterActiveAsync();
        using (client)
        {
            // The pass at start-up has found no subscription.
            await EventTestData.Eventually(() => Task.FromResult(Dispatcher.FanOutPasses), n => n >= 1);
            var before = Dispatcher.FanOutPasses;
            for (var i = 0; i < 20; i++)
                await client.UpdateCommercialInformationAsync(a.ParticipantId);

            var url = Receiver.NewUrl();
            await client.SubscribeAsync(url);
            await client.UpdateCommercialInformationAsync(a.ParticipantId);
            var received = await EventTestData.Eventually(() => Task.FromResult(Receiver.At(url)), r => r.Count >= 1);

            Assert.Equal(a.ParticipantId, Assert.Single(received).Subject);
            // The subscription's wake and the commit after it (each a pass, plus one that finds the work done); none for
            // the 20 commits before the subscription.
            Assert.InRange(Dispatcher.FanOutPasses - before, 1, 5);
        }
    }
}

/// <summary>The receiver app with the dispatcher's poll an hour away, so only wake-ups can deliver within a test.</summary>
public sealed class SqliteAppPollingHourly : SqliteAppWithReceiver
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings => [new("Webhooks:PollInterval", "01:00:00")];
}

/// <summary>The receiver app with the dispatcher's poll an hour away, so only wake-ups can deliver within a test.</summary>
public sealed class PostgresAppPollingHourly : PostgresAppWithReceiver
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings => [new("Webhooks:PollInterval", "01:00:00")];
}

public sealed class DispatcherWakeTests_Sqlite(SqliteAppPollingHourly app) : DispatcherWakeTests(app), IClassFixture<SqliteAppPollingHourly>;

public sealed class DispatcherWakeTests_Postgres(PostgresAppPollingHourly app) : DispatcherWakeTests(app), IClassFixture<PostgresAppPollingHourly>;
