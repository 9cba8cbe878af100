using System.Security.Cryptography;
using System.Text;

namespace FlexRegistry.Audit;

/// <summary>
/// Every <see cref="AuditOptions.CheckpointEvery"/> records the chain head is signed with the service's token signing
/// key (RSA-PSS SHA-256; the public key is published at /.well-known/jwks). Records cut off the end of the chain up to
/// a checkpoint are detected because the checkpoint names a head that no longer exists.
/// </summary>
public sealed class AuditCheckpoint
{
    private AuditCheckpoint() { }

    /// <summary>The sequence of the record at the head when the checkpoint was taken (also the number of records).</summary>
    public long Sequence { get; private set; }
    public string HeadHash { get; private set; } = "";
    public DateTimeOffset CreatedAt { get; private set; }
    public string KeyId { get; private set; } = "";
    public string Signature { get; private set; } = "";

    public static AuditCheckpoint Sign(AuditRecord head, AuditCheckpointKey key)
    {
        var checkpoint = new AuditCheckpoint
        {
            Sequence = head.Sequence,
            HeadHash = head.Hash,
            CreatedAt = head.OccurredAt,
            KeyId = key.KeyId,
        };
        checkpoint.Signature = Convert.ToBase64String(key.Rsa.SignData(checkpoint.Signed(), HashAlgorithmName.SHA256, RSASignaturePadding.Pss));
        return checkpoint;
    }

    public bool HasValidSignature(AuditCheckpointKey key)
    {
        if (KeyId != key.KeyId)
            return false;
        try
        {
            return key.Rsa.VerifyData(Signed(), Convert.FromBase64String(Signature), HashAlgorithmName.SHA256, RSASignaturePadding.Pss);
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private byte[] Signed() => Encoding.UTF8.GetBytes($"flexregistry-audit-checkpoint\n{Sequence}\n{HeadHash}\n{CreatedAt.ToUnixTimeMilliseconds()}");
}

/// <summary>The key checkpoints are signed with: the audit key of <see cref="Auth.SigningKeys"/> (it never rotates).</summary>
public sealed record AuditCheckpointKey(RSA Rsa, string KeyId);

/// <summary>Configuration section <c>Audit</c>.</summary>
public sealed class AuditOptions
{
    /// <summary>A signed checkpoint is written every this many records.</summary>
    public int CheckpointEvery { get; set; } = 100;

    /// <summary>
    /// Refused attempts (token refusals, 403s, certificate mismatches) recorded per API client per minute on each
    /// instance; further refusals in that minute are only logged, so a flood cannot grow the chain without bound.
    /// </summary>
    public int RefusalsPerClientPerMinute { get; set; } = 20;
}
