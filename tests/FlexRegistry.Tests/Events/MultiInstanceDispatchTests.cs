using FlexRegistry.Tests.Infrastructure;

namespace FlexRegistry.Tests.Events;

/// <summary>
/// Two service instances on one PostgreSQL database, both running the webhook dispatcher: deliveries are claimed
/// with a lease, so each event reaches the subscriber once (at least once remains the promise; under normal
/// conditions it is exactly once), and events about one subject still arrive in sequence order.
/// </summary>
public sealed class MultiInstanceDispatchTests
{
    private sealed class FirstInstance : PostgresApp
    {
        public string Database => ConnectionString;
    }

    private sealed class SecondInstance(string connectionString) : RegistryApp
    {
        public override string Provider => "Postgres";

        protected override string ConnectionString => connectionString;
    }

    [Fact]
    public async Task TwoInstancesOnOneDatabase_EveryEventDeliveredExactlyOnce_InOrderPerSubject()
    {
        await using var receiver = new WebhookReceiver();
        await using var first = new FirstInstance();
        await first.InitializeAsync();
        await using var second = new SecondInstance(first.Database);
        await second.InitializeAsync();

        var url = receiver.NewUrl();
        var participants = new List<(string Id, HttpClient Client)>();
        for (var i = 0; i < 4; i++)
        {
            var (registration, client) = await first.RegisterAsync();
            participants.Add((registration.ParticipantId, client));
        }
        using var op = await first.OperatorAsync();
        await op.SubscribeAsync(url);
        try
        {
            // Writes go through both instances; both dispatchers work the same delivery table.
            const int perParticipant = 10;
            await Task.WhenAll(participants.Select(async (p, index) =>
            {
                for (var n = 0; n < perParticipant; n++)
                    await p.Client.UpdateCommercialInformationAsync(p.Id);
            }));
            var expected = participants.Count * perParticipant;
            var received = await EventTestData.Eventually(() => Task.FromResult(receiver.At(url)), r => r.Count >= expected, 60);
            // Give a would-be duplicate time to arrive.
            await Task.Delay(TimeSpan.FromSeconds(2));
            received = receiver.At(url);

            var (feed, _) = await op.ReadFeedAsync(types: EventTestData.Updated);
            Assert.Equal(expected, feed.Count(e => participants.Any(p => p.Id == e.Subject)));
            Assert.Equal(feed.Select(e => e.Id).Order(StringComparer.Ordinal), received.Select(w => w.Id).Order(StringComparer.Ordinal));
            Assert.Equal(received.Count, received.Select(w => w.Id).Distinct().Count());
            foreach (var subject in received.GroupBy(w => w.Subject))
                Assert.Equal(subject.Select(w => w.Sequence).Order(), subject.Select(w => w.Sequence));
        }
        finally
        {
            foreach (var (_, client) in participants)
                client.Dispose();
        }
    }
}
