namespace FlexRegistry.Client.Contracts;

/// <summary>One audit record: who did what to which resource, which fields, when, with what outcome.</summary>
public sealed record AuditRecordResponse(
    long Sequence,
    DateTimeOffset OccurredAt,
    string? ActorParticipantId,
    string? ActorClientId,
    string Action,
    string ResourceType,
    string ResourceId,
    string? SubjectParticipantId,
    IReadOnlyList<string> Fields,
    string Outcome,
    string PreviousHash,
    string Hash);

/// <summary>The result of checking the whole audit chain and its signed checkpoints.</summary>
public sealed record AuditVerificationResponse(bool Valid, long Records, long Checkpoints, long? FirstBrokenSequence, string? Reason);
