using FlexRegistry.Persistence;
using Microsoft.EntityFrameworkCore;

namespace FlexRegistry.Events;

/// <summary>
/// Background upkeep of the event machinery: publishes closed asset-access windows as <c>asset.accessed</c> events
/// (BUC.2 step 6a) and prunes old delivery rows (delivered after <see cref="WebhookOptions.DeliveredRetention"/>, dead
/// letters after <see cref="WebhookOptions.DeadLetterRetention"/>). Pruning never touches pending deliveries or the
/// event log: a pruned delivery's event can still be replayed. Safe with several instances on one database.
/// </summary>
public sealed class EventHousekeeping(IServiceScopeFactory scopes, WebhookOptions options, TimeProvider time, ILogger<EventHousekeeping> logger)
    : BackgroundService
{
    private DateTimeOffset _lastPrune = DateTimeOffset.MinValue;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await PublishAccessWindowsAsync(stoppingToken);
                if (time.GetUtcNow() - _lastPrune >= options.PruneInterval)
                {
                    await PruneAsync(stoppingToken);
                    _lastPrune = time.GetUtcNow();
                }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(e, "Event housekeeping pass failed; retrying after the interval");
            }
            try
            {
                await Task.Delay(options.HousekeepingInterval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Publishes every closed asset-access window; returns how many.</summary>
    public async Task<int> PublishAccessWindowsAsync(CancellationToken ct)
    {
        var total = 0;
        while (true)
        {
            await using var scope = scopes.CreateAsyncScope();
            var published = await scope.ServiceProvider.GetRequiredService<AccessLog.AccessNotifications>().PublishClosedWindowsAsync(ct);
            if (published == 0)
                return total;
            total += published;
        }
    }

    /// <summary>Deletes delivered and dead-lettered rows past their retention, and published access windows; returns how many rows.</summary>
    public async Task<int> PruneAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        var now = time.GetUtcNow();
        var deliveredBefore = now - options.DeliveredRetention;
        var deadBefore = now - options.DeadLetterRetention;
        var delivered = await db.WebhookDeliveries
            .Where(d => d.Status == DeliveryStatus.Delivered && d.CompletedAt < deliveredBefore).ExecuteDeleteAsync(ct);
        var dead = await db.WebhookDeliveries
            .Where(d => d.Status == DeliveryStatus.DeadLettered && d.CompletedAt < deadBefore).ExecuteDeleteAsync(ct);
        var windows = await db.AssetAccessWindows.Where(w => w.PublishedAt != null && w.PublishedAt < deliveredBefore).ExecuteDeleteAsync(ct);
        if (delivered + dead > 0)
            logger.LogInformation("Pruned {Delivered} delivered and {DeadLettered} dead-lettered webhook rows", delivered, dead);
        return delivered + dead + windows;
    }
}
