using System.Text.Json;

namespace FlexRegistry.Audit;

/// <summary>
/// One audit record: the data of one leaf of the audit log. The request's transaction writes it (fail closed: no
/// record, no change); the <see cref="AuditSequencer"/> later gives it its <see cref="AuditLeaf.LeafIndex"/> and adds
/// it to the Merkle tree. Its leaf hash is SHA-256(0x00 ‖ <see cref="LeafData"/>) (RFC 9162), so editing any column
/// changes the leaf, and every signed tree head after it.
/// </summary>
public sealed class AuditRecord
{
    public const string Success = "success";
    public const string Refused = "refused";

    /// <summary>The first element of every leaf's data: the format of the rest.</summary>
    public const string LeafFormat = "flexregistry.audit.v1";

    private AuditRecord() { }

    /// <summary>Assigned by the database at insert; not the order of the log (that is the leaf index).</summary>
    public long Position { get; private set; }

    /// <summary>The writer's transaction (see <see cref="Events.EventRecord.TransactionId"/>).</summary>
    public long TransactionId { get; private set; }

    public DateTimeOffset OccurredAt { get; private set; }
    public string? ActorParticipantId { get; private set; }
    public string? ActorClientId { get; private set; }
    public string Action { get; private set; } = "";
    public string ResourceType { get; private set; } = "";
    public string ResourceId { get; private set; } = "";

    /// <summary>
    /// A batch record's resources, <see cref="ResourceId"/> first, space-separated with a leading and a trailing space
    /// (for LIKE matching); null when the record is about one resource.
    /// </summary>
    public string? ResourceIds { get; private set; }

    public string? SubjectParticipantId { get; private set; }

    /// <summary>Field names, comma-separated and sorted.</summary>
    public string Fields { get; private set; } = "";
    public string Outcome { get; private set; } = Success;

    public static AuditRecord From(AuditEntry entry, DateTimeOffset now) => new()
    {
        // Millisecond precision survives every provider's timestamp type unchanged, so the leaf can be recomputed.
        OccurredAt = DateTimeOffset.FromUnixTimeMilliseconds(now.ToUnixTimeMilliseconds()),
        ActorParticipantId = entry.ActorParticipantId,
        ActorClientId = entry.ActorClientId,
        Action = entry.Action,
        ResourceType = entry.ResourceType,
        ResourceId = entry.ResourceId,
        ResourceIds = entry.ResourceIds is { Count: > 1 } ids ? " " + string.Join(' ', ids) + " " : null,
        SubjectParticipantId = entry.SubjectParticipantId,
        Fields = string.Join(',', entry.Fields.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)),
        Outcome = entry.Outcome,
    };

    public IReadOnlyList<string> FieldList => FieldListOf(Fields);

    /// <summary>The field names of a stored <see cref="Fields"/> value.</summary>
    public static IReadOnlyList<string> FieldListOf(string fields) => fields.Length == 0 ? [] : fields.Split(',');

    /// <summary>Every resource the record covers: one, or a batch record's many.</summary>
    public IReadOnlyList<string> ResourceIdList => ResourceIds is null ? [ResourceId] : ResourceIds.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>
    /// The leaf data: a compact UTF-8 JSON array in fixed order, <c>["flexregistry.audit.v1", occurredAt (Unix ms),
    /// actorParticipantId, actorClientId, action, resourceType, [resourceIds…], subjectParticipantId, [fields…], outcome]</c>
    /// (absent values as null; one resource ID, or a batch record's many; fields sorted). docs/audit.md documents it for verifiers.
    /// </summary>
    public byte[] LeafData()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            json.WriteStringValue(LeafFormat);
            json.WriteNumberValue(OccurredAt.ToUnixTimeMilliseconds());
            json.WriteStringValue(ActorParticipantId);
            json.WriteStringValue(ActorClientId);
            json.WriteStringValue(Action);
            json.WriteStringValue(ResourceType);
            json.WriteStartArray();
            foreach (var resource in ResourceIdList)
                json.WriteStringValue(resource);
            json.WriteEndArray();
            json.WriteStringValue(SubjectParticipantId);
            json.WriteStartArray();
            foreach (var field in FieldList)
                json.WriteStringValue(field);
            json.WriteEndArray();
            json.WriteStringValue(Outcome);
            json.WriteEndArray();
        }
        return buffer.ToArray();
    }

    public byte[] LeafHash() => MerkleTree.LeafHash(LeafData());
}

/// <summary>A record's place in the log: leaf <see cref="LeafIndex"/> (0, 1, 2, … without gaps). Written once by the sequencer.</summary>
public sealed class AuditLeaf
{
    private AuditLeaf() { }

    public long LeafIndex { get; private set; }

    /// <summary>The <see cref="AuditRecord.Position"/> of the record.</summary>
    public long RecordPosition { get; private set; }

    public static AuditLeaf At(long leafIndex, long recordPosition) => new() { LeafIndex = leafIndex, RecordPosition = recordPosition };
}

/// <summary>
/// The hash of one complete subtree of the log (leaves <c>[index·2^level, (index+1)·2^level)</c>; level 0 is a leaf
/// hash). Every complete subtree is stored once it is complete, so any proof needs O(log n) stored hashes.
/// </summary>
public sealed class AuditTreeNode
{
    private AuditTreeNode() { }

    /// <summary><c>level · 2^56 + index</c>: one key, so a proof's hashes are read with one query.</summary>
    public long Id { get; private set; }
    public byte[] Hash { get; private set; } = [];

    public static long IdOf(MerkleTree.Node node) => ((long)node.Level << 56) | node.Index;

    public static AuditTreeNode Of(MerkleTree.Node node, byte[] hash) => new() { Id = IdOf(node), Hash = hash };
}
