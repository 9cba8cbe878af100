namespace FlexRegistry.Events;

/// <summary>
/// One entry of the durable, ordered event log (the transactional outbox). <see cref="Sequence"/> is assigned by the
/// database; appends commit in sequence order (SQLite's single writer; on PostgreSQL the advisory lock taken in
/// <c>RegistryDbContext.FlushAppendsAsync</c>, held from the append to commit), so readers always see a gap-free prefix. The row is written in the same
/// transaction as the change it describes.
/// </summary>
public sealed class EventRecord
{
    public long Sequence { get; private set; }
    public Guid Id { get; private set; }
    public string Type { get; private set; } = "";
    public string Subject { get; private set; } = "";
    public DateTimeOffset Time { get; private set; }
    public string DataJson { get; private set; } = "{}";

    /// <summary>Participant IDs with a legitimate interest, space-separated with leading and trailing spaces for LIKE matching.</summary>
    public string Audience { get; private set; } = " ";

    private EventRecord() { }

    /// <summary>
    /// Sets <see cref="Time"/> to the moment its writer holds the event-log lock, when the row was built earlier (a bulk
    /// import prepares a batch's rows in the background): the time readers see is the commit's.
    /// </summary>
    internal void StampAt(DateTimeOffset time) => Time = time;

    /// <summary>The log row of a domain event, its data serialised as the feed and webhooks carry it.</summary>
    public static EventRecord From(DomainEvent domainEvent, DateTimeOffset time) =>
        From(domainEvent, time, System.Text.Json.JsonSerializer.Serialize(domainEvent.Data, FlexRegistry.Persistence.RegistryDbContext.EventJson));

    public static EventRecord From(DomainEvent domainEvent, DateTimeOffset time, string dataJson) => new()
    {
        Id = Guid.CreateVersion7(time),
        Type = "flexregistry." + domainEvent.Type,
        Subject = domainEvent.Subject,
        Time = time,
        DataJson = dataJson,
        Audience = " " + string.Join(' ', domainEvent.Audience.Distinct(StringComparer.Ordinal)) + " ",
    };
}
