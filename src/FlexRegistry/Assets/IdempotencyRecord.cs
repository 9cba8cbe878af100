using FlexRegistry.Participants;

namespace FlexRegistry.Assets;

/// <summary>
/// A request made with an <c>Idempotency-Key</c>: the key (per caller), a hash of the request and the answer given,
/// saved in the same transaction as the asset it created, so a retried request gets the same answer and a key
/// reused for a different body is refused.
/// </summary>
public sealed class IdempotencyRecord
{
    private IdempotencyRecord() { }

    public long Id { get; private set; }
    public ParticipantId ParticipantId { get; private set; }
    public string Key { get; private set; } = "";
    public string Operation { get; private set; } = "";
    public string RequestHash { get; private set; } = "";
    public string ResourceId { get; private set; } = "";
    public string ResponseJson { get; private set; } = "";
    public DateTimeOffset CreatedAt { get; private set; }

    public static IdempotencyRecord Create(ParticipantId participant, string key, string operation, string requestHash, string resourceId,
        string responseJson, DateTimeOffset now) => new()
        {
            ParticipantId = participant,
            Key = key,
            Operation = operation,
            RequestHash = requestHash,
            ResourceId = resourceId,
            ResponseJson = responseJson,
            CreatedAt = now,
        };
}
