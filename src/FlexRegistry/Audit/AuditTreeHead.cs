using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace FlexRegistry.Audit;

/// <summary>
/// A signed tree head: the log's size and Merkle root at a moment, signed with the service's signing key
/// (RSA-PSS with SHA-256, salt length 32, over <see cref="SignedData"/>; the public key is published at
/// <c>/.well-known/jwks</c> under <see cref="KeyId"/>). A verifier holding two heads can ask for a consistency proof
/// between them; a record's inclusion proof leads to a head's root.
/// </summary>
public sealed class AuditTreeHead
{
    private AuditTreeHead() { }

    public long TreeSize { get; private set; }
    public byte[] RootHash { get; private set; } = [];

    /// <summary>When the head was signed (millisecond precision, as signed).</summary>
    public DateTimeOffset Timestamp { get; private set; }
    public string KeyId { get; private set; } = "";
    public byte[] Signature { get; private set; } = [];

    public static AuditTreeHead Sign(long treeSize, byte[] rootHash, DateTimeOffset now, AuditSigningKey key)
    {
        var head = new AuditTreeHead
        {
            TreeSize = treeSize,
            RootHash = rootHash,
            Timestamp = DateTimeOffset.FromUnixTimeMilliseconds(now.ToUnixTimeMilliseconds()),
            KeyId = key.KeyId,
        };
        head.Signature = key.Rsa.SignData(head.SignedData(), HashAlgorithmName.SHA256, RSASignaturePadding.Pss);
        return head;
    }

    public bool HasValidSignature(AuditSigningKey key) =>
        KeyId == key.KeyId && key.Rsa.VerifyData(SignedData(), Signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pss);

    /// <summary>
    /// The signed bytes, UTF-8: <c>flexregistry.audit.tree-head.v1\n{treeSize}\n{base64 root}\n{timestamp Unix ms}\n</c>.
    /// </summary>
    public byte[] SignedData() => Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
        $"{Format}\n{TreeSize}\n{Convert.ToBase64String(RootHash)}\n{Timestamp.ToUnixTimeMilliseconds()}\n"));

    public const string Format = "flexregistry.audit.tree-head.v1";
}

/// <summary>The key tree heads are signed with: the audit key of <see cref="Auth.SigningKeys"/>, which never rotates (old tree heads stay verifiable).</summary>
public sealed record AuditSigningKey(RSA Rsa, string KeyId);

/// <summary>Configuration section <c>Audit</c>.</summary>
public sealed class AuditOptions
{
    /// <summary>
    /// The audit sequencer's passes are at least this far apart under load (each pass signs one tree head), so that a
    /// busy register signs a few heads a second rather than one per write.
    /// </summary>
    public TimeSpan TreeHeadInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>At most this many records join the tree in one pass.</summary>
    public int SequencerBatch { get; set; } = 20_000;

    /// <summary>
    /// Refused attempts (token refusals, 403s, certificate mismatches) recorded per API client per minute on each
    /// instance; further refusals in that minute are only logged, so a flood cannot grow the log without bound.
    /// </summary>
    public int RefusalsPerClientPerMinute { get; set; } = 20;
}
