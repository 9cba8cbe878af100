using System.Security.Cryptography;
using System.Text.Json;

namespace FlexRegistry.Audit;

/// <summary>
/// One link of the append-only audit chain. <see cref="Hash"/> is SHA-256 over <see cref="Canonical"/>, which covers
/// every column except the hash itself, including <see cref="PreviousHash"/>: editing, deleting or reordering any
/// record breaks the chain from that record on.
/// </summary>
public sealed class AuditRecord
{
    /// <summary>The previous hash of the first record.</summary>
    public const string Genesis = "0000000000000000000000000000000000000000000000000000000000000000";

    public const string Success = "success";
    public const string Refused = "refused";

    private AuditRecord() { }

    public long Sequence { get; private set; }
    public DateTimeOffset OccurredAt { get; private set; }
    public string? ActorParticipantId { get; private set; }
    public string? ActorClientId { get; private set; }
    public string Action { get; private set; } = "";
    public string ResourceType { get; private set; } = "";
    public string ResourceId { get; private set; } = "";
    public string? SubjectParticipantId { get; private set; }

    /// <summary>Field names, comma-separated and sorted.</summary>
    public string Fields { get; private set; } = "";
    public string Outcome { get; private set; } = Success;
    public string PreviousHash { get; private set; } = Genesis;
    public string Hash { get; private set; } = "";

    public static AuditRecord Chain(AuditEntry entry, long sequence, string previousHash, DateTimeOffset now)
    {
        var record = new AuditRecord
        {
            Sequence = sequence,
            // Millisecond precision survives every provider's timestamp type unchanged, so the hash can be recomputed.
            OccurredAt = DateTimeOffset.FromUnixTimeMilliseconds(now.ToUnixTimeMilliseconds()),
            ActorParticipantId = entry.ActorParticipantId,
            ActorClientId = entry.ActorClientId,
            Action = entry.Action,
            ResourceType = entry.ResourceType,
            ResourceId = entry.ResourceId,
            SubjectParticipantId = entry.SubjectParticipantId,
            Fields = string.Join(',', entry.Fields.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)),
            Outcome = entry.Outcome,
            PreviousHash = previousHash,
        };
        record.Hash = record.ComputeHash();
        return record;
    }

    /// <summary>The hash the record's current content implies; differs from <see cref="Hash"/> if anything was edited.</summary>
    public string ComputeHash() => Convert.ToHexStringLower(SHA256.HashData(Canonical()));

    /// <summary>A JSON array in fixed order; the time as Unix milliseconds, so no formatting or time zone enters the hash.</summary>
    public byte[] Canonical()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            json.WriteNumberValue(Sequence);
            json.WriteNumberValue(OccurredAt.ToUnixTimeMilliseconds());
            json.WriteStringValue(ActorParticipantId);
            json.WriteStringValue(ActorClientId);
            json.WriteStringValue(Action);
            json.WriteStringValue(ResourceType);
            json.WriteStringValue(ResourceId);
            json.WriteStringValue(SubjectParticipantId);
            json.WriteStringValue(Fields);
            json.WriteStringValue(Outcome);
            json.WriteStringValue(PreviousHash);
            json.WriteEndArray();
        }
        return buffer.ToArray();
    }
}
