using System.ComponentModel.DataAnnotations;
using System.Text.Json;

namespace FlexRegistry.Client.Contracts;

/// <summary>
/// Body of <c>POST /api/v1/participants/{id}/clients</c>. Give <see cref="Jwks"/> (a JSON Web Key Set with public
/// RSA ≥ 2048-bit or EC P-256 keys) for <c>private_key_jwt</c>; without it the answer carries a client secret, if the
/// register allows secrets.
/// </summary>
public sealed record CreateApiClientRequest
{
    [MaxLength(200)]
    public string? Name { get; init; }
    [MaxLength(20)]
    public IReadOnlyList<string>? Permissions { get; init; }
    public JsonElement? Jwks { get; init; }

    /// <summary>
    /// Makes the client certificate-bound (RFC 8705, needs <c>Auth:MutualTls:Enabled</c>): tokens are issued only over
    /// mutual TLS with this certificate and carry <c>cnf.x5t#S256</c>.
    /// </summary>
    public ClientCertificateDto? Certificate { get; init; }

    /// <summary>
    /// The purpose (<c>GET /api/v1/reference/purposes</c>) this client's reads of other participants' data declare when a
    /// request names none, e.g. <c>procurement</c> for a market operator's procurement system. Without it, such reads
    /// must name one (query parameter <c>purpose</c>).
    /// </summary>
    public string? DefaultPurpose { get; init; }
}

/// <summary>
/// The certificate a certificate-bound client presents. Exactly one of: <see cref="Thumbprint"/>, the base64url
/// SHA-256 of the certificate's DER encoding (<c>x5t#S256</c>; pins one certificate, self-signed ones too), or
/// <see cref="SubjectDn"/>, the subject of a certificate issued by a CA the register trusts (<c>Auth:MutualTls:TrustedCaFile</c>).
/// </summary>
public sealed record ClientCertificateDto
{
    [MaxLength(100)]
    public string? Thumbprint { get; init; }
    [MaxLength(500)]
    public string? SubjectDn { get; init; }
}

/// <summary>Body of <c>PUT /api/v1/participants/{id}/clients/{clientId}/keys</c>: the client's new public keys.</summary>
public sealed record ReplaceApiClientKeysRequest
{
    public JsonElement? Jwks { get; init; }
}

/// <summary>A client as listed: never its secret or keys.</summary>
public sealed record ApiClientResponse(
    string ClientId,
    string Name,
    IReadOnlyList<string> Permissions,
    string Status,
    string Authentication,
    DateTimeOffset CreatedAt,
    ClientCertificateDto? Certificate = null,
    string? DefaultPurpose = null);

/// <summary>Answer to creating a client; <see cref="ClientSecret"/> is shown only here and only for secret clients.</summary>
public sealed record CreateApiClientResponse(
    string ClientId,
    string? ClientSecret,
    string Name,
    IReadOnlyList<string> Permissions,
    string Status,
    string Authentication,
    ClientCertificateDto? Certificate = null,
    string? DefaultPurpose = null);
