using FlexRegistry.Client.Contracts;
using FlexRegistry.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;

namespace FlexRegistry.Tests.Events;

/// <summary>
/// <c>Webhooks:FanOutBatch</c> and <c>Webhooks:DeliveryBatch</c> bound each dispatcher pass, and a backlog larger than
/// both still reaches the receiver whole, once per event and in order per subject, through the bulk fan-out.
/// </summary>
public abstract class WebhookBatchTests(RegistryApp app)
{
    public const int FanOutBatch = 3;
    public const int DeliveryBatch = 2;

    private IHaveWebhookClock Hooks => (IHaveWebhookClock)app;

    [Fact]
    public async Task EachPass_FansOutAndSendsAtMostItsBatch_AndTheBacklogArrivesWhole_OncePerEvent_InOrderPerSubject()
    {
        var (first, firstClient) = await app.RegisterActiveAsync();
        var (second, secondClient) = await app.RegisterActiveAsync();
        using var op = await app.OperatorAsync();
        var fsps = new[] { (Id: first.ParticipantId, Client: firstClient), (Id: second.ParticipantId, Client: secondClient) };
        var url = Hooks.Receiver.NewUrl();
        await op.SubscribeAsync(url, filters: new SubscriptionFiltersDto { ParticipantIds = [.. fsps.Select(f => f.Id)] });
        for (var round = 0; round < 4; round++)
        {
            foreach (var (id, client) in fsps)
                await client.UpdateCommercialInformationAsync(id);
        }

        // One pass: at most FanOutBatch delivery rows created and DeliveryBatch webhooks sent.
        await app.EventsSequencedAsync();
        var worked = await Hooks.Dispatcher.RunOnceAsync(CancellationToken.None);
        Assert.InRange(worked, 1, FanOutBatch + DeliveryBatch);
        Assert.InRange(Hooks.Receiver.At(url).Count, 1, DeliveryBatch);

        await Hooks.DispatchAsync();
        var received = Hooks.Receiver.At(url);
        foreach (var (id, client) in fsps)
        {
            var (feed, _) = await client.ReadFeedAsync(types: EventTestData.Updated);
            Assert.Equal(4, feed.Count);
            // Every event exactly once, in sequence order for its subject.
            Assert.Equal(feed.Select(e => e.Id), received.Where(w => w.Subject == id).Select(w => w.Id));
            client.Dispose();
        }
        Assert.All(received, w => Assert.Equal(204, w.Answered));
    }
}

internal static class SmallDispatchBatches
{
    public static void Configure(IWebHostBuilder builder)
    {
        builder.UseSetting("Webhooks:FanOutBatch", WebhookBatchTests.FanOutBatch.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Webhooks:DeliveryBatch", WebhookBatchTests.DeliveryBatch.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}

public sealed class SqliteAppWithSmallDispatchBatches : SqliteAppWithWebhookClock
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        SmallDispatchBatches.Configure(builder);
    }
}

public sealed class PostgresAppWithSmallDispatchBatches : PostgresAppWithWebhookClock
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        SmallDispatchBatches.Configure(builder);
    }
}

public sealed class WebhookBatchTests_Sqlite(SqliteAppWithSmallDispatchBatches app) : WebhookBatchTests(app), IClassFixture<SqliteAppWithSmallDispatchBatches>;

public sealed class WebhookBatchTests_Postgres(PostgresAppWithSmallDispatchBatches app) : WebhookBatchTests(app), IClassFixture<PostgresAppWithSmallDispatchBatches>;
