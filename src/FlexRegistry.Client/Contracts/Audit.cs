using System.ComponentModel.DataAnnotations;

namespace FlexRegistry.Client.Contracts;

/// <summary>
/// One audit record: who did what to which resource, which fields, when, with what outcome; and its place in the
/// verifiable log (leaf <see cref="LeafIndex"/>, whose hash is <see cref="LeafHash"/>, base64). <see cref="ResourceIds"/>
/// lists every resource the record covers: <see cref="ResourceId"/> alone, or a batch record's many (an import batch).
/// </summary>
public sealed record AuditRecordResponse(
    long LeafIndex,
    DateTimeOffset OccurredAt,
    string? ActorParticipantId,
    string? ActorClientId,
    string Action,
    string ResourceType,
    string ResourceId,
    [property: MaxLength(AuditRecordResponse.MaxResourceIds)] IReadOnlyList<string> ResourceIds,
    string? SubjectParticipantId,
    IReadOnlyList<string> Fields,
    string Outcome,
    string LeafHash)
{
    /// <summary>The most resources one record covers: an import batch's assets (an import's batch size is capped at this).</summary>
    public const int MaxResourceIds = 10_000;
}

/// <summary>
/// The result of verifying the whole audit log: every record hashes to its stored leaf, leaves are gapless, and every
/// signed tree head is validly signed and matches the tree recomputed from the records.
/// </summary>
public sealed record AuditVerificationResponse(bool Valid, long Records, long TreeHeads, long? FirstBrokenLeafIndex, string? Reason);

/// <summary>
/// A signed tree head (RFC 9162 hashing): the log's size, its Merkle root (base64) and the time it was signed (Unix
/// milliseconds), signed with RSA-PSS SHA-256 by the key <see cref="KeyId"/> of <c>/.well-known/jwks</c> over the UTF-8
/// text <c>flexregistry.audit.tree-head.v1\n{treeSize}\n{rootHash}\n{timestamp}\n</c>.
/// </summary>
public sealed record SignedTreeHeadResponse(long TreeSize, string RootHash, long Timestamp, string KeyId, string Signature);

/// <summary>
/// An inclusion proof (RFC 9162 section 2.1.3) of one record in the tree of <see cref="TreeSize"/> leaves: the leaf's
/// data (base64 of the canonical JSON in docs/audit.md), its hash, and the audit path (base64 hashes, leaf to root);
/// with the signed tree head of that size.
/// </summary>
public sealed record InclusionProofResponse(long LeafIndex, long TreeSize, string LeafData, string LeafHash, IReadOnlyList<string> AuditPath,
    SignedTreeHeadResponse? TreeHead);

/// <summary>A consistency proof (RFC 9162 section 2.1.4) that the tree of <see cref="First"/> leaves is a prefix of the tree of <see cref="Second"/>.</summary>
public sealed record ConsistencyProofResponse(long First, long Second, IReadOnlyList<string> Proof);
