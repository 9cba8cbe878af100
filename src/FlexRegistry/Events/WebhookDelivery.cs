namespace FlexRegistry.Events;

public enum DeliveryStatus
{
    Pending,
    Delivered,
    DeadLettered,
}

/// <summary>
/// One event to deliver to one subscription. The row is the delivery's durable state: after a crash the dispatcher
/// finds pending rows and sends them again, with the same <c>webhook-id</c> (the event ID), so receivers de-duplicate.
/// </summary>
public sealed class WebhookDelivery
{
    private WebhookDelivery() { }

    public long Id { get; private set; }
    public Guid SubscriptionId { get; private set; }
    public long EventSequence { get; private set; }

    /// <summary>Copied from the event: deliveries of one subject to one subscription go out in sequence order.</summary>
    public string Subject { get; private set; } = "";
    public DeliveryStatus Status { get; private set; }
    public int Attempts { get; private set; }
    public DateTimeOffset NextAttemptAt { get; private set; }
    public int? LastStatusCode { get; private set; }
    public string? LastError { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset? CompletedAt { get; private set; }

    /// <summary>
    /// The dispatcher pass that has claimed this delivery, and until when. Several service instances share one
    /// database: only the holder of an unexpired lease sends the delivery; a lease left by a crashed instance expires
    /// and another instance takes the delivery over (at least once, same <c>webhook-id</c>).
    /// </summary>
    public Guid? LeaseOwner { get; private set; }
    public DateTimeOffset? LeaseUntil { get; private set; }

    public static WebhookDelivery For(Guid subscriptionId, long sequence, EventRecord e, DateTimeOffset now) => new()
    {
        SubscriptionId = subscriptionId,
        EventSequence = sequence,
        Subject = e.Subject,
        Status = DeliveryStatus.Pending,
        NextAttemptAt = now,
        CreatedAt = now,
    };
}
