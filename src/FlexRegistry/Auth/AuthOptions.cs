namespace FlexRegistry.Auth;

/// <summary>Configuration section <c>Auth</c>.</summary>
public sealed class AuthOptions
{
    /// <summary>Where the token signing and encryption keys are kept; created on first start. Empty: ephemeral keys (tests).</summary>
    public string? KeyFile { get; set; } = "flexregistry-keys.json";

    /// <summary>Issuer URI of the tokens; defaults to the request's base address.</summary>
    public Uri? Issuer { get; set; }

    /// <summary>Off for the embedded sandbox on http://127.0.0.1; production deployments terminate TLS and set this true.</summary>
    public bool RequireHttps { get; set; }

    /// <summary>
    /// Whether new API clients may authenticate with a client secret. On for the embedded sandbox; production
    /// deployments set it false so that clients must register public keys (private_key_jwt).
    /// </summary>
    public bool AllowClientSecrets { get; set; } = true;

    public int AccessTokenLifetimeMinutes { get; set; } = 15;

    /// <summary>
    /// This register's resource identifier: the <c>aud</c> of every access token it issues, and the only audience it
    /// accepts (RFC 9068 §3, §4).
    /// </summary>
    public string Audience { get; set; } = "urn:flexregistry:api";

    /// <summary>
    /// Tolerance for clocks that differ between the register, its instances and external issuers: a token is honoured
    /// until <c>exp</c> + skew and from <c>nbf</c>/<c>iat</c> − skew.
    /// </summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Token signing key rollover (<c>Auth:SigningKeys</c>).</summary>
    public SigningKeyOptions SigningKeys { get; set; } = new();

    /// <summary>Mutual TLS and certificate-bound access tokens (RFC 8705); off unless configured.</summary>
    public MutualTlsOptions MutualTls { get; set; } = new();
}

/// <summary>Configuration section <c>Auth:MutualTls</c>.</summary>
public sealed class MutualTlsOptions
{
    /// <summary>
    /// Kestrel asks HTTPS clients for a certificate (without requiring one), certificate-bound clients may be
    /// registered, and their tokens carry <c>cnf.x5t#S256</c>.
    /// </summary>
    public bool Enabled { get; set; }

    /// <summary>
    /// PEM file with the CA certificates that issue clients' certificates. Clients registered by subject DN must present a
    /// certificate chaining to one of them; clients registered by thumbprint (self-signed) do not need it.
    /// </summary>
    public string? TrustedCaFile { get; set; }
}
