namespace FlexRegistry.Events;

/// <summary>
/// One entry of the durable event log (the transactional outbox), written by <see cref="Persistence.Journal"/> in the
/// same transaction as the change it describes. <see cref="Position"/> is the order of insertion, which on PostgreSQL is
/// not the order of commit; the public, gap-free <c>sequence</c> is assigned after commit by the
/// <see cref="EventSequencer"/> (a <see cref="SequencedEvent"/>), and readers see only sequenced events.
/// </summary>
public sealed class EventRecord
{
    /// <summary>Assigned by the database at insert.</summary>
    public long Position { get; private set; }

    /// <summary>
    /// The writer's transaction (PostgreSQL: <c>pg_current_xact_id()</c>, set by the column's default; SQLite: 0, its
    /// single writer commits in insert order). The sequencer orders by (transaction, position).
    /// </summary>
    public long TransactionId { get; private set; }

    public Guid Id { get; private set; }
    public string Type { get; private set; } = "";
    public string Subject { get; private set; } = "";
    public DateTimeOffset Time { get; private set; }
    public string DataJson { get; private set; } = "{}";

    /// <summary>Participant IDs with a legitimate interest, space-separated with leading and trailing spaces for LIKE matching.</summary>
    public string Audience { get; private set; } = " ";

    private EventRecord() { }

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

/// <summary>
/// The public place of an event in the log: <see cref="Sequence"/> 1, 2, 3, … without gaps, in the order the writers'
/// transactions were assigned (which for every event a reader can see is a final order: see <see cref="EventSequencer"/>).
/// Written only by the sequencer; never updated.
/// </summary>
public sealed class SequencedEvent
{
    private SequencedEvent() { }

    public long Sequence { get; private set; }

    /// <summary>The <see cref="EventRecord.Position"/> of the event.</summary>
    public long Position { get; private set; }

    public static SequencedEvent At(long sequence, long position) => new() { Sequence = sequence, Position = position };
}
