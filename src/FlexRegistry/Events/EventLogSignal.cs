using FlexRegistry.Shared;

namespace FlexRegistry.Events;

/// <summary>Raised after a commit that appended events, so the webhook dispatcher fans them out at once.</summary>
public sealed class EventLogSignal : WorkSignal
{
    private int _subscriptionsVersion;

    /// <summary>A subscription was created, resumed or replayed here: the dispatcher must look at the subscriptions again now.</summary>
    public void SubscriptionsChanged()
    {
        Interlocked.Increment(ref _subscriptionsVersion);
        Wake();
    }

    /// <summary>Changes with every <see cref="SubscriptionsChanged"/>.</summary>
    internal int SubscriptionsVersion => Volatile.Read(ref _subscriptionsVersion);
}
