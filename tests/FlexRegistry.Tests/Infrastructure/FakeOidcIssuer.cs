using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace FlexRegistry.Tests.Infrastructure;

/// <summary>
/// A local OpenID provider as Entra ID, Okta or Keycloak look to a resource server: a discovery document at
/// <c>/.well-known/openid-configuration</c> and its signing keys at <c>/jwks</c>. Tokens are signed with an RSA key
/// made here (PS256 or RS256); <see cref="Token"/> can also sign with a key the JWKS does not publish.
/// </summary>
public sealed class FakeOidcIssuer : IAsyncDisposable
{
    public const string Audience = "api://flexregistry-test";
    private readonly WebApplication _app;
    private readonly RsaSecurityKey _key;

    public string Issuer { get; } = "";

    public FakeOidcIssuer()
    {
        _key = new RsaSecurityKey(RSA.Create(2048)) { KeyId = "test-" + Guid.NewGuid().ToString("N")[..8] };
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapGet("/.well-known/openid-configuration", () => Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = Issuer,
            ["jwks_uri"] = Issuer + "/jwks",
            ["authorization_endpoint"] = Issuer + "/authorize",
            ["token_endpoint"] = Issuer + "/token",
            ["response_types_supported"] = new[] { "code" },
            ["subject_types_supported"] = new[] { "public" },
            ["id_token_signing_alg_values_supported"] = new[] { "RS256", "PS256" },
        }));
        _app.MapGet("/jwks", () =>
        {
            var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(_key.Rsa.ExportParameters(false)) { KeyId = _key.KeyId });
            return Results.Json(new { keys = new[] { new { kty = jwk.Kty, kid = jwk.Kid, use = "sig", n = jwk.N, e = jwk.E } } });
        });
        _app.StartAsync().GetAwaiter().GetResult();
        Issuer = _app.Urls.First();
    }

    /// <summary>The app settings that trust this issuer.</summary>
    public IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        new("Auth:ExternalIssuers:0:Issuer", Issuer),
        new("Auth:ExternalIssuers:0:Audience", Audience),
        new("Auth:ExternalIssuers:0:RequireHttpsMetadata", "false"),
    ];

    /// <summary>An access token for <paramref name="subject"/>; every part can be made wrong for the negative tests.</summary>
    public string Token(string subject, string? email = null, string? issuer = null, string? audience = null,
        DateTime? expires = null, bool foreignKey = false, IDictionary<string, object>? extra = null)
    {
        var claims = new Dictionary<string, object> { ["sub"] = subject };
        if (email is not null)
            claims["email"] = email;
        foreach (var (k, v) in extra ?? new Dictionary<string, object>())
            claims[k] = v;
        var key = foreignKey ? new RsaSecurityKey(RSA.Create(2048)) { KeyId = _key.KeyId } : _key;
        var now = TimeProvider.System.GetUtcNow().UtcDateTime;
        var expiry = expires ?? now.AddMinutes(5);
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer ?? Issuer,
            Audience = audience ?? Audience,
            Claims = claims,
            IssuedAt = expiry.AddMinutes(-10),
            NotBefore = expiry.AddMinutes(-10),
            Expires = expiry,
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSsaPssSha256),
        });
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}

/// <summary>The app trusting a <see cref="FakeOidcIssuer"/>, on SQLite.</summary>
public sealed class SqliteExternalIssuerApp : SqliteApp
{
    public FakeOidcIssuer Idp { get; } = new();

    protected override IEnumerable<KeyValuePair<string, string?>> Settings => Idp.Settings;

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Idp.DisposeAsync();
    }
}

/// <summary>The app trusting a <see cref="FakeOidcIssuer"/>, on PostgreSQL.</summary>
public sealed class PostgresExternalIssuerApp : PostgresApp
{
    public FakeOidcIssuer Idp { get; } = new();

    protected override IEnumerable<KeyValuePair<string, string?>> Settings => Idp.Settings;

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Idp.DisposeAsync();
    }
}
