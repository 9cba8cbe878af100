using System.Collections.Concurrent;
using FlexRegistry.Auth;
using FlexRegistry.Participants;

namespace FlexRegistry.Assets;

/// <summary>Configuration section <c>AssetsByArea</c>: when the assets-by-area chart shows a shared, recently counted figure.</summary>
public sealed class AssetsByAreaOptions
{
    /// <summary>
    /// A reader whose count reaches this many assets (the registry operator's whole register, a registrant of hundreds of
    /// thousands) is served a shared count refreshed in the background; below it every view counts, exact and live.
    /// </summary>
    public long CacheFrom { get; set; } = 10_000;

    /// <summary>A shared count older than this is recounted in the background by the next view (which still gets the older figure).</summary>
    public TimeSpan RefreshAfter { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>A shared count older than this (nobody looked for a while) is not shown: the view counts again first.</summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromMinutes(10);
}

/// <summary>The chart's figures, and when they were counted if they are a shared count (null: counted for this view).</summary>
public sealed record AreaCounts(IReadOnlyList<AreaCount> Areas, DateTimeOffset? CountedAt);

/// <summary>
/// The assets-by-area chart of the dashboard and the search page (<see cref="AssetQueries.CountByAreaAsync(ParticipantId?, CancellationToken)"/>),
/// with a short-lived shared count for readers who see much of the register. Counting costs the number of assets the
/// reader is a party to: milliseconds for most, but hundreds of milliseconds per view for the registry operator (every
/// asset) or an organisation with most of the register. For those (<see cref="AssetsByAreaOptions.CacheFrom"/>) the
/// figure is kept per scope and recounted in the background once older than <see cref="AssetsByAreaOptions.RefreshAfter"/>
/// (stale while revalidate: only a reader's first view waits for a count), and the page says when it was counted.
/// </summary>
/// <remarks>
/// The scope is what the count depends on and nothing else: the whole register for the registry operator, otherwise the
/// reader's organisation; so one organisation's people share a figure and no one is ever served another's. The count is
/// the same query either way (no second visibility rule). Counters kept at every write were not chosen: a hot row per
/// registrant and area on the registration path, and operator claims start and end with time, without a write.
/// </remarks>
public sealed class AssetsByArea(IServiceScopeFactory scopes, AssetsByAreaOptions options, TimeProvider time, IHostApplicationLifetime lifetime,
    ILogger<AssetsByArea> log)
{
    private readonly ConcurrentDictionary<Scope, Shared> _shared = new();

    /// <summary>The counts the dashboard and the search page draw for <paramref name="caller"/>.</summary>
    public async Task<AreaCounts> CountAsync(Caller caller, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var scope = new Scope(caller.IsRegistryOperator ? null : caller.ParticipantId);
        var now = time.GetUtcNow();
        if (_shared.TryGetValue(scope, out var shared) && shared.Counted is var held && now - held.At < options.MaxAge)
        {
            // This view gets the figure it found, even if the recount it starts finishes before the page is drawn.
            if (now - held.At >= options.RefreshAfter)
                shared.StartRefresh(this, scope);
            return new AreaCounts(held.Areas, held.At);
        }
        var counted = await CountNowAsync(scope, ct);
        if (counted.Total < options.CacheFrom)
        {
            _shared.TryRemove(scope, out _);
            return new AreaCounts(counted.Areas, null);
        }
        _shared[scope] = new Shared(counted);
        return new AreaCounts(counted.Areas, counted.At);
    }

    /// <summary>Completes when no background recount is running (tests; shutdown).</summary>
    public Task WhenRefreshedAsync() => Task.WhenAll(_shared.Values.Select(s => s.Refreshing));

    private async Task<Counted> CountNowAsync(Scope scope, CancellationToken ct)
    {
        var at = time.GetUtcNow();
        await using var services = scopes.CreateAsyncScope();
        var areas = await services.ServiceProvider.GetRequiredService<AssetQueries>().CountByAreaAsync(scope.Participant, ct);
        return new Counted(areas, areas.Sum(a => a.Count), at);
    }

    private async Task RefreshAsync(Scope scope, Shared shared)
    {
        try
        {
            var counted = await CountNowAsync(scope, lifetime.ApplicationStopping);
            if (counted.Total < options.CacheFrom)
                _shared.TryRemove(scope, out _);
            else
                shared.Counted = counted;
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested)
        {
        }
#pragma warning disable CA1031 // A failed background recount must not end the process: the older figure stays, the next view retries.
        catch (Exception e)
#pragma warning restore CA1031
        {
            log.LogWarning(e, "Recounting the assets by area failed; the figure counted at {CountedAt} stays until the next view retries", shared.Counted.At);
        }
    }

    /// <summary>null: the whole register (the registry operator).</summary>
    private readonly record struct Scope(ParticipantId? Participant);

    private sealed record Counted(IReadOnlyList<AreaCount> Areas, long Total, DateTimeOffset At);

    private sealed class Shared(Counted counted)
    {
        private int _refreshing;
        private volatile Counted _counted = counted;

        public Counted Counted
        {
            get => _counted;
            set => _counted = value;
        }

        public Task Refreshing { get; private set; } = Task.CompletedTask;

        /// <summary>Starts one background recount unless one is running.</summary>
        public void StartRefresh(AssetsByArea owner, Scope scope)
        {
            if (Interlocked.CompareExchange(ref _refreshing, 1, 0) != 0)
                return;
            Refreshing = Task.Run(async () =>
            {
                try
                {
                    await owner.RefreshAsync(scope, this);
                }
                finally
                {
                    Volatile.Write(ref _refreshing, 0);
                }
            });
        }
    }
}
