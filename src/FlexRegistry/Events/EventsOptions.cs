namespace FlexRegistry.Events;

/// <summary>Configuration section <c>Events</c>.</summary>
public sealed class EventsOptions
{
    /// <summary>The CloudEvents <c>source</c> of every event this instance publishes.</summary>
    public string Source { get; set; } = "/flexregistry";
}

/// <summary>Configuration section <c>Webhooks</c>.</summary>
public sealed class WebhookOptions
{
    /// <summary>
    /// Allows webhook URLs on loopback, private, link-local and other non-public networks, and plain http. Only for
    /// tests and sandboxes: in production it would let a subscriber make the registry call its internal network (SSRF).
    /// </summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>Runs the background dispatcher (tests that drive it step by step switch it off).</summary>
    public bool DispatcherEnabled { get; set; } = true;

    /// <summary>How often the dispatcher looks for new events and due retries when the last pass found nothing.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>A receiver must answer within this time, or the attempt counts as failed.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How many webhook requests one dispatcher pass sends at once.</summary>
    public int MaxParallelDeliveries { get; set; } = 16;

    /// <summary>
    /// How many due deliveries one dispatcher pass claims and sends. Each pass costs a few statements whatever its size
    /// (find, claim, load, record), so larger passes deliver more per statement; a pass's successes are recorded when
    /// its last request has answered.
    /// </summary>
    public int DeliveryBatch { get; set; } = 500;

    /// <summary>How many new events one fan-out pass turns into delivery rows (one bulk insert per subscription).</summary>
    public int FanOutBatch { get; set; } = 2000;

    /// <summary>
    /// Dispatcher loops per instance: while one waits for the slowest receivers of its batch, the next claims and
    /// sends another batch (so up to this many times <see cref="MaxParallelDeliveries"/> requests are in flight).
    /// </summary>
    public int DispatchLoops { get; set; } = 2;

    /// <summary>
    /// How long a dispatcher pass holds the deliveries it claimed (never less than <see cref="RequestTimeout"/> plus
    /// five seconds). Other instances on the same database leave claimed deliveries alone until then; after a crash,
    /// the deliveries that were in flight are sent again once it has passed.
    /// </summary>
    public TimeSpan DeliveryLease { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Delivered rows are pruned after this long (the event itself stays in the log, replayable).</summary>
    public TimeSpan DeliveredRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Dead letters are kept this long for inspection and replay, then pruned.</summary>
    public TimeSpan DeadLetterRetention { get; set; } = TimeSpan.FromDays(90);

    /// <summary>How often the retention job prunes.</summary>
    public TimeSpan PruneInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Runs the housekeeping job (closed asset-access windows, retention); tests that drive it step by step switch it off.</summary>
    public bool HousekeepingEnabled { get; set; } = true;

    /// <summary>How often the housekeeping job looks for closed asset-access windows.</summary>
    public TimeSpan HousekeepingInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The lease actually used: at least one request timeout plus a margin.</summary>
    public TimeSpan EffectiveLease => DeliveryLease > RequestTimeout + TimeSpan.FromSeconds(5) ? DeliveryLease : RequestTimeout + TimeSpan.FromSeconds(5);

    /// <summary>After a secret rotation the previous secret keeps signing (as a second signature) for this long.</summary>
    public TimeSpan SecretOverlap { get; set; } = TimeSpan.FromHours(24);
}
