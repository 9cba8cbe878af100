using System.Net;
using System.Net.Http.Json;
using FlexRegistry.AccessLog;
using FlexRegistry.Assets;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Events;
using FlexRegistry.Persistence;
using FlexRegistry.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace FlexRegistry.Tests.Events;

/// <summary>
/// Retention (<see cref="EventHousekeeping.PruneAsync"/>): delivered webhooks go after 7 days, dead letters after 90,
/// published asset-access windows after 7; pending deliveries, unpublished windows and the event log itself stay. The
/// dispatcher, the housekeeping job and access counting share one <see cref="FakeTimeProvider"/> driven by the test.
/// </summary>
public abstract class EventHousekeepingTests(RegistryApp app)
{
    private IHaveHousekeepingClock Hooks => (IHaveHousekeepingClock)app;

    [Fact]
    public async Task Prune_DeletesOnlyDeliveredRowsAndDeadLettersPastTheirRetention_AndPublishedWindows_KeepsPendingAndTheLog()
    {
        var (registration, fsp) = await app.RegisterActiveAsync();
        using var _ = fsp;
        using var op = await app.OperatorAsync();
        var fspId = registration.ParticipantId;
        var asset = await (await fsp.PostAsJsonAsync("/api/v1/assets", TestData.Chargepoint())).Read<RegisterAssetResponse>(HttpStatusCode.Created);
        await (await fsp.PutAsJsonAsync($"/api/v1/participants/{fspId}/access-notifications", new AccessNotificationsRequest { AllAssets = true })).ShouldHave(HttpStatusCode.OK);
        var filters = new SubscriptionFiltersDto { ParticipantIds = [fspId] };
        var (okUrl, failingUrl, goneUrl) = (Hooks.Receiver.NewUrl(), Hooks.Receiver.NewUrl(), Hooks.Receiver.NewUrl());
        Hooks.Receiver.Answer(failingUrl, _ => (500, null));
        Hooks.Receiver.Answer(goneUrl, _ => (410, null));
        var ok = Guid.Parse((await op.SubscribeAsync(okUrl, filters: filters)).Id);
        var failing = Guid.Parse((await op.SubscribeAsync(failingUrl, filters: filters)).Id);
        var gone = Guid.Parse((await op.SubscribeAsync(goneUrl, filters: filters)).Id);
        var housekeeping = Hooks.Housekeeping;

        // Day 0: one event. Delivered to ok; failing starts its retries; gone answers 410, so its delivery waits, pending.
        await fsp.UpdateCommercialInformationAsync(fspId);
        var first = (await op.ReadFeedAsync(types: EventTestData.Updated)).Events.Single(e => e.Subject == fspId);
        await Hooks.DispatchAsync();
        await (await op.GetAsync($"/api/v1/assets/{asset.AssetId}")).ShouldHave(HttpStatusCode.OK); // opens an access window

        // Day 5: the retry schedule (at most ~3.5 days with jitter) is over, the first window is published.
        await Hooks.AdvanceAsync(TimeSpan.FromDays(5), TimeSpan.FromHours(1));
        Assert.Equal(1, await housekeeping.PublishAccessWindowsAsync(CancellationToken.None));
        var before = await DeliveriesAsync();
        Assert.Equal(DeliveryStatus.Delivered, Only(before, ok).Status);
        Assert.Equal(DeliveryStatus.DeadLettered, Only(before, failing).Status);
        Assert.Equal(DeliveryStatus.Pending, Only(before, gone).Status);
        Assert.Equal(0, await housekeeping.PruneAsync(CancellationToken.None)); // nothing is old enough yet
        Assert.Equal(before.Select(d => d.Id), (await DeliveriesAsync()).Select(d => d.Id));
        Assert.Equal(1, await WindowsAsync(published: true));

        // Day 13: a second event, delivered to ok today (failing tries it and fails: pending), and a new, still open,
        // so unpublished access window.
        Hooks.Clock.Advance(TimeSpan.FromDays(8));
        await fsp.UpdateCommercialInformationAsync(fspId);
        await Hooks.DispatchAsync();
        await (await op.GetAsync($"/api/v1/assets/{asset.AssetId}")).ShouldHave(HttpStatusCode.OK);
        var second = (await op.ReadFeedAsync(types: EventTestData.Updated)).Events.Where(e => e.Subject == fspId).Select(e => e.Seq()).Max();
        Assert.Equal(2, await housekeeping.PruneAsync(CancellationToken.None)); // day 0's delivered row and day 5's published window
        var afterTwoWeeks = await DeliveriesAsync();
        Assert.Equal(second, Only(afterTwoWeeks, ok).EventSequence); // the delivered row of today stays
        Assert.Equal([(first.Seq(), DeliveryStatus.DeadLettered), (second, DeliveryStatus.Pending)], // dead letters stay 90 days
            afterTwoWeeks.Where(d => d.SubscriptionId == failing).Select(d => (d.EventSequence, d.Status)));
        Assert.Equal(DeliveryStatus.Pending, Only(afterTwoWeeks, gone).Status); // pending is never pruned
        Assert.Equal(0, await WindowsAsync(published: true));
        Assert.Equal(1, await WindowsAsync(published: false));
        var deadLetters = await (await op.GetAsync($"/api/v1/subscriptions/{failing}/dead-letters")).Read<Page<DeadLetterResponse>>();
        Assert.Equal(first.Id, Assert.Single(deadLetters.Items).EventId);

        // Day 100: the dead letter and the day-13 delivered row are past their retention; pending rows, however old,
        // and the unpublished window stay.
        Hooks.Clock.Advance(TimeSpan.FromDays(87));
        Assert.Equal(2, await housekeeping.PruneAsync(CancellationToken.None));
        Assert.Equal([(gone, first.Seq(), DeliveryStatus.Pending), (failing, second, DeliveryStatus.Pending)],
            (await DeliveriesAsync()).Select(d => (d.SubscriptionId, d.EventSequence, d.Status)));
        Assert.Empty((await (await op.GetAsync($"/api/v1/subscriptions/{failing}/dead-letters")).Read<Page<DeadLetterResponse>>()).Items);
        Assert.Equal(1, await WindowsAsync(published: false));
        Assert.Equal(0, await housekeeping.PruneAsync(CancellationToken.None));

        // The log itself is never pruned: both events are still in the feed, so they can be replayed.
        var feed = (await op.ReadFeedAsync(types: EventTestData.Updated)).Events.Where(e => e.Subject == fspId).ToList();
        Assert.Equal([first.Seq(), second], feed.Select(e => e.Seq()));
        return;

        async Task<List<WebhookDelivery>> DeliveriesAsync()
        {
            await using var scope = app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
            Guid[] mine = [ok, failing, gone];
            return await db.WebhookDeliveries.AsNoTracking().Where(d => mine.Contains(d.SubscriptionId)).OrderBy(d => d.Id).ToListAsync();
        }

        async Task<int> WindowsAsync(bool published)
        {
            await using var scope = app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
            var id = FlexRegistry.Participants.ParticipantId.Parse(fspId);
            return await db.AssetAccessWindows.CountAsync(w => w.ParticipantId == id && (w.PublishedAt != null) == published);
        }
    }

    private static WebhookDelivery Only(IEnumerable<WebhookDelivery> deliveries, Guid subscription) =>
        Assert.Single(deliveries, d => d.SubscriptionId == subscription);
}

/// <summary>The app whose dispatcher, housekeeping job and access counting run on the test's clock (no background passes).</summary>
public interface IHaveHousekeepingClock : IHaveWebhookClock
{
    EventHousekeeping Housekeeping { get; }
}

internal static class HousekeepingClock
{
    /// <summary>On top of <see cref="WebhookClock"/>: housekeeping and asset-access recording on the same fake clock.</summary>
    public static void Configure(IWebHostBuilder builder, FakeTimeProvider clock)
    {
        builder.UseSetting("Webhooks:HousekeepingEnabled", "false");
        builder.ConfigureTestServices(services =>
        {
            services.RemoveAll<EventHousekeeping>();
            services.AddSingleton(sp => new EventHousekeeping(
                sp.GetRequiredService<IServiceScopeFactory>(), sp.GetRequiredService<WebhookOptions>(), clock,
                sp.GetRequiredService<ILogger<EventHousekeeping>>()));
            // Reads are logged, counted and published on the test's clock.
            services.RemoveAll<AccessLogRecorder>();
            services.AddSingleton(sp => new AccessLogRecorder(sp.GetRequiredService<IServiceScopeFactory>(), clock, sp.GetRequiredService<ILogger<AccessLogRecorder>>()));
            services.RemoveAll<AccessNotifications>();
            services.AddScoped(sp => new AccessNotifications(
                sp.GetRequiredService<RegistryDbContext>(),
                new Journal(sp.GetRequiredService<RegistryDbContext>(), sp.GetRequiredService<EventSequencer>(), sp.GetRequiredService<FlexRegistry.Audit.AuditSequencer>(), clock),
                sp.GetRequiredService<AssetRelations>(), sp.GetRequiredService<AssetAccessOptions>(), clock));
        });
    }
}

public sealed class SqliteAppWithHousekeepingClock : SqliteAppWithWebhookClock, IHaveHousekeepingClock
{
    public EventHousekeeping Housekeeping => Services.GetRequiredService<EventHousekeeping>();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        HousekeepingClock.Configure(builder, Clock);
    }
}

public sealed class PostgresAppWithHousekeepingClock : PostgresAppWithWebhookClock, IHaveHousekeepingClock
{
    public EventHousekeeping Housekeeping => Services.GetRequiredService<EventHousekeeping>();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        HousekeepingClock.Configure(builder, Clock);
    }
}

public sealed class EventHousekeepingTests_Sqlite(SqliteAppWithHousekeepingClock app)
    : EventHousekeepingTests(app), IClassFixture<SqliteAppWithHousekeepingClock>;

public sealed class EventHousekeepingTests_Postgres(PostgresAppWithHousekeepingClock app)
    : EventHousekeepingTests(app), IClassFixture<PostgresAppWithHousekeepingClock>;
