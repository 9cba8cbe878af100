using FlexRegistry.Auth;

namespace FlexRegistry.Audit;

/// <summary>
/// One action to be recorded, before it has its place in the log. Carries identifiers and field names only: never
/// names, emails, addresses or values, so that erasing personal data never breaks the log.
/// </summary>
/// <param name="ActorParticipantId">The participant acting; null for an anonymous registration.</param>
/// <param name="ActorClientId">The API client acting; null for an anonymous registration.</param>
/// <param name="Action">e.g. <c>commercial_information.read</c>; see docs/audit.md.</param>
/// <param name="ResourceType">e.g. <c>participant</c>, <c>api_client</c>.</param>
/// <param name="ResourceId">The resource's identifier (a participant ID, client ID or case ID).</param>
/// <param name="SubjectParticipantId">Whose data the action concerns: that participant may read the record.</param>
/// <param name="Fields">Names of the fields written or read, e.g. <c>legalName</c>.</param>
/// <param name="Outcome"><c>success</c>, or <c>refused</c> for an attempt the register turned down.</param>
public sealed record AuditEntry(
    string? ActorParticipantId,
    string? ActorClientId,
    string Action,
    string ResourceType,
    string ResourceId,
    string? SubjectParticipantId,
    IReadOnlyList<string> Fields,
    string Outcome = AuditRecord.Success)
{
    /// <summary>
    /// A batch record (one leaf for many resources, e.g. the assets one import batch registered): every resource it
    /// covers, <see cref="ResourceId"/> first. Null for a record about one resource.
    /// </summary>
    public IReadOnlyList<string>? ResourceIds { get; init; }

    /// <summary>One record covering many resources of one type (see <see cref="ResourceIds"/>).</summary>
    public static AuditEntry Batch(string? actorParticipantId, string? actorClientId, string action, string resourceType, IReadOnlyList<string> resourceIds,
        string? subjectParticipantId, IReadOnlyList<string> fields)
    {
        ArgumentNullException.ThrowIfNull(resourceIds);
        ArgumentOutOfRangeException.ThrowIfZero(resourceIds.Count);
        return new(actorParticipantId, actorClientId, action, resourceType, resourceIds[0], subjectParticipantId, fields) { ResourceIds = resourceIds };
    }

    public static AuditEntry By(Caller caller, string action, string resourceType, string resourceId, string? subjectParticipantId, params string[] fields) =>
        new(caller.ParticipantId.Value, caller.ClientId, action, resourceType, resourceId, subjectParticipantId, fields);

    /// <summary>
    /// A change made by the register itself (a background worker acting on a trusted source's answer): no participant
    /// acts, and the actor client is <c>system:</c> plus the worker's name.
    /// </summary>
    public static AuditEntry BySystem(string worker, string action, string resourceType, string resourceId, string? subjectParticipantId, params string[] fields) =>
        new(null, "system:" + worker, action, resourceType, resourceId, subjectParticipantId, fields);
}
