namespace FlexRegistry.Events;

/// <summary>
/// Something that happened to an aggregate. <see cref="Type"/> is the CloudEvents type without the
/// <c>flexregistry.</c> prefix (e.g. <c>participant.registered</c>); <see cref="Data"/> is thin: IDs and what changed,
/// never personal or commercial payloads, which stay behind the access-controlled API.
/// </summary>
public sealed record DomainEvent(string Type, string Subject, IReadOnlyDictionary<string, object?> Data, IReadOnlyList<string> Audience);

/// <summary>An aggregate that records events; the DbContext writes them to the event log in the same commit.</summary>
public interface IRecordsEvents
{
    IReadOnlyList<DomainEvent> PendingEvents { get; }
    void ClearPendingEvents();
}

/// <summary>Base for aggregates that record events.</summary>
public abstract class EventSource : IRecordsEvents
{
    private readonly List<DomainEvent> _pending = [];

    IReadOnlyList<DomainEvent> IRecordsEvents.PendingEvents => _pending;
    void IRecordsEvents.ClearPendingEvents() => _pending.Clear();

    /// <summary>
    /// Adds participants with a legitimate interest (e.g. those related to the subject, computed by the use case when
    /// the change is made) to every event recorded but not yet saved.
    /// </summary>
    public void ShareWith(IEnumerable<string> participants)
    {
        var extra = participants.ToList();
        if (extra.Count == 0)
            return;
        for (var i = 0; i < _pending.Count; i++)
            _pending[i] = _pending[i] with { Audience = [.. _pending[i].Audience, .. extra] };
    }

    protected void Record(string type, string subject, IReadOnlyDictionary<string, object?> data, params string[] audience) =>
        _pending.Add(new DomainEvent(type, subject, data, audience));
}
