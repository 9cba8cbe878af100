namespace FlexRegistry.Events;

/// <summary>
/// Something that happened to an aggregate. <see cref="Type"/> is the CloudEvents type without the
/// <c>flexregistry.</c> prefix (e.g. <c>participant.registered</c>); <see cref="Data"/> is thin: IDs and what changed,
/// never personal or commercial payloads, which stay behind the access-controlled API.
/// </summary>
public sealed record DomainEvent(string Type, string Subject, IReadOnlyDictionary<string, object?> Data, IReadOnlyList<string> Audience);

/// <summary>
/// Base for aggregates that record events. The use case takes them (<see cref="TakeEvents"/>) and hands them to the
/// <see cref="Persistence.Journal"/> with the change; saving an aggregate whose events were not taken fails (see
/// <see cref="Persistence.RegistryDbContext"/>), so an event is never silently dropped.
/// </summary>
public abstract class EventSource
{
    private readonly List<DomainEvent> _pending = [];

    /// <summary>Whether events were recorded and not yet taken.</summary>
    internal bool HasPendingEvents => _pending.Count > 0;

    /// <summary>The events recorded since the last call; the aggregate no longer holds them.</summary>
    public IReadOnlyList<DomainEvent> TakeEvents()
    {
        if (_pending.Count == 0)
            return [];
        DomainEvent[] taken = [.. _pending];
        _pending.Clear();
        return taken;
    }

    /// <summary>
    /// Adds participants with a legitimate interest (e.g. those related to the subject, computed by the use case when
    /// the change is made) to every event recorded but not yet taken.
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
