using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;

namespace FlexRegistry.Auth;

/// <summary>
/// What a certificate-bound client registered: either a pinned certificate (<see cref="Thumbprint"/>, the
/// <c>x5t#S256</c> of a possibly self-signed certificate) or a subject DN that a certificate issued by one of the
/// configured CAs must carry. Exactly one is set.
/// </summary>
public sealed record CertificateBinding(string? Thumbprint, string? Subject);

/// <summary>
/// RFC 8705 for this register: checks the certificate presented on the TLS connection against a client's registration
/// (and, for subject-registered clients, against the CA bundle of <c>Auth:MutualTls:TrustedCaFile</c>), and computes the
/// <c>x5t#S256</c> confirmation that binds the client's access tokens to that certificate.
/// </summary>
/// <remarks>
/// Kestrel is told to accept any client certificate (<see cref="AuthSetup"/>) so that the TLS handshake never depends on
/// the machine's trust store; all trust decisions are made here, with the register's own CA bundle. Revocation is not
/// checked (no CRL/OCSP): removing the client, or its registration, is how a certificate stops working.
/// </remarks>
public sealed class ClientCertificates
{
    public const string ConfirmationClaim = "cnf";
    public const string ThumbprintMember = "x5t#S256";

    private static readonly Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2");

    private readonly X509Certificate2Collection _trustedCas = [];
    private readonly TimeProvider _time;

    public ClientCertificates(AuthOptions options, TimeProvider time)
    {
        _time = time;
        Enabled = options.MutualTls.Enabled;
        // A wrong path fails the start-up, not the first client's token request.
        if (Enabled && !string.IsNullOrWhiteSpace(options.MutualTls.TrustedCaFile))
            _trustedCas.ImportFromPemFile(options.MutualTls.TrustedCaFile);
    }

    public bool Enabled { get; }

    public bool HasTrustedCas => _trustedCas.Count > 0;

    /// <summary>base64url SHA-256 of the certificate's DER encoding (RFC 8705 §3.1).</summary>
    public static string Thumbprint(X509Certificate2 certificate) => Base64UrlEncoder.Encode(SHA256.HashData(certificate.RawData));

    /// <summary>The canonical form of a subject DN as given at registration, or null when it does not parse.</summary>
    public static string? NormaliseSubject(string subject)
    {
        try
        {
            var name = new X500DistinguishedName(subject).Name;
            return string.IsNullOrWhiteSpace(name) ? null : name;
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    /// <summary>Null when <paramref name="presented"/> is the certificate <paramref name="client"/> registered; else why not.</summary>
    public string? Problem(X509Certificate2? presented, ApiClient client)
    {
        if (!Enabled)
            return "Mutual TLS is not enabled on this register, so certificate-bound clients cannot obtain tokens.";
        if (presented is null)
            return "This client is certificate-bound: request the token over mutual TLS with its registered certificate.";
        var now = _time.GetUtcNow();
        if (now < presented.NotBefore.ToUniversalTime() || now > presented.NotAfter.ToUniversalTime())
            return "The client certificate is not valid at this time.";
        if (client.CertificateThumbprint is { } pinned)
            return FixedTimeEquals(pinned, Thumbprint(presented)) ? null : "The client certificate is not the one registered for this client.";
        if (client.CertificateSubject is { } subject)
        {
            if (!string.Equals(NormaliseSubject(presented.Subject), subject, StringComparison.OrdinalIgnoreCase))
                return "The client certificate's subject is not the one registered for this client.";
            return ChainsToTrustedCa(presented, now) ? null : "The client certificate was not issued by a CA this register trusts.";
        }
        return "The client has no registered certificate.";
    }

    private bool ChainsToTrustedCa(X509Certificate2 certificate, DateTimeOffset now)
    {
        if (_trustedCas.Count == 0)
            return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(_trustedCas);
        chain.ChainPolicy.ExtraStore.AddRange(_trustedCas);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = now.UtcDateTime;
        chain.ChainPolicy.VerificationTimeIgnored = false;
        chain.ChainPolicy.ApplicationPolicy.Add(ClientAuthentication);
        var valid = chain.Build(certificate);
        foreach (var element in chain.ChainElements)
        {
            if (!ReferenceEquals(element.Certificate, certificate))
                element.Certificate.Dispose();
        }
        return valid;
    }

    /// <summary>The token's <c>cnf</c> claim value for a certificate.</summary>
    public static JsonElement Confirmation(X509Certificate2 certificate) =>
        JsonSerializer.SerializeToElement(new Dictionary<string, string> { [ThumbprintMember] = Thumbprint(certificate) });

    /// <summary>The <c>x5t#S256</c> inside a token's <c>cnf</c> claim, or null when the token is not certificate-bound.</summary>
    public static string? BoundThumbprint(string? confirmation)
    {
        if (string.IsNullOrEmpty(confirmation))
            return null;
        try
        {
            using var document = JsonDocument.Parse(confirmation);
            return document.RootElement.ValueKind == JsonValueKind.Object
                   && document.RootElement.TryGetProperty(ThumbprintMember, out var value) && value.ValueKind == JsonValueKind.String
                ? value.GetString()
                : "";
        }
        catch (JsonException)
        {
            // A cnf the register cannot read binds the token to nothing: it must not be usable.
            return "";
        }
    }

    public static bool FixedTimeEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(a), Encoding.ASCII.GetBytes(b));
}
