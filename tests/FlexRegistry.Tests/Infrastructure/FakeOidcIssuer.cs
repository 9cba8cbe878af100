using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace FlexRegistry.Tests.Infrastructure;

/// <summary>
/// A local OpenID provider as Entra ID, Okta or Keycloak look to a resource server and to a web client: a discovery
/// document at <c>/.well-known/openid-configuration</c>, its signing keys at <c>/jwks</c>, and the authorization code
/// flow with PKCE (<c>/authorize</c> shows a sign-in form; <c>/token</c> exchanges the code only with the right
/// <c>code_verifier</c>, S256). Tokens are signed with an RSA key made here (PS256 or RS256); <see cref="Token"/> can
/// also sign with a key the JWKS does not publish.
/// </summary>
public sealed class FakeOidcIssuer : IAsyncDisposable
{
    public const string Audience = "api://flexregistry-test";
    public const string WebClientId = "flexregistry-web";

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, PendingCode> _codes = new();

    private sealed record PendingCode(string ClientId, string RedirectUri, string Challenge, string? Nonce, string Subject, string Email, bool MultiFactor);

    /// <summary>How many codes were exchanged with a valid PKCE verifier (the test checks the client used PKCE).</summary>
    public int PkceExchanges { get; private set; }
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
        _app.MapGet("/authorize", (HttpContext http) =>
        {
            var q = http.Request.Query;
            if (q["response_type"] != "code" || q["client_id"] != WebClientId || q["code_challenge_method"] != "S256" || string.IsNullOrEmpty(q["code_challenge"]))
                return Results.BadRequest("authorization code flow with PKCE (S256) only");
            string Hidden(string name) => $"<input type=\"hidden\" name=\"{name}\" value=\"{System.Net.WebUtility.HtmlEncode(q[name].ToString())}\">";
            var html = "<!DOCTYPE html><html lang=\"en\"><head><title>Fake identity provider</title><link rel=\"icon\" href=\"data:,\"></head><body><main><h1>Sign in to your organisation</h1>" +
                       "<form method=\"post\" action=\"/authorize\">" + Hidden("client_id") + Hidden("redirect_uri") + Hidden("state") + Hidden("nonce") + Hidden("code_challenge") +
                       "<label for=\"email\">Email</label><input id=\"email\" name=\"email\">" +
                       "<label for=\"subject\">Subject</label><input id=\"subject\" name=\"subject\">" +
                       "<label><input type=\"checkbox\" name=\"mfa\" value=\"true\"> Used a second factor</label>" +
                       "<button type=\"submit\">Sign in</button></form></main></body></html>";
            return Results.Content(html, "text/html");
        });
        _app.MapPost("/authorize", async (HttpContext http) =>
        {
            var form = await http.Request.ReadFormAsync();
            var code = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
            _codes[code] = new PendingCode(form["client_id"]!, form["redirect_uri"]!, form["code_challenge"]!, form["nonce"], form["subject"]!, form["email"]!, form["mfa"] == "true");
            var redirect = $"{form["redirect_uri"]}?code={code}&state={Uri.EscapeDataString(form["state"].ToString())}&iss={Uri.EscapeDataString(Issuer)}";
            return Results.Redirect(redirect);
        });
        _app.MapPost("/token", async (HttpContext http) =>
        {
            var form = await http.Request.ReadFormAsync();
            if (form["grant_type"] != "authorization_code" || !_codes.TryRemove(form["code"].ToString(), out var pending))
                return Results.Json(new { error = "invalid_grant" }, statusCode: 400);
            var verifier = form["code_verifier"].ToString();
            var challenge = Base64UrlEncoder.Encode(SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(verifier)));
            if (verifier.Length < 43 || challenge != pending.Challenge || form["redirect_uri"] != pending.RedirectUri || form["client_id"] != pending.ClientId)
                return Results.Json(new { error = "invalid_grant", error_description = "PKCE verification failed" }, statusCode: 400);
            PkceExchanges++;
            var claims = new Dictionary<string, object> { ["sub"] = pending.Subject, ["email"] = pending.Email };
            if (pending.Nonce is { Length: > 0 } nonce)
                claims["nonce"] = nonce;
            if (pending.MultiFactor)
                claims["amr"] = new[] { "pwd", "mfa" };
            var now = TimeProvider.System.GetUtcNow().UtcDateTime;
            var idToken = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
            {
                Issuer = Issuer,
                Audience = pending.ClientId,
                Claims = claims,
                IssuedAt = now,
                NotBefore = now.AddMinutes(-1),
                Expires = now.AddMinutes(5),
                SigningCredentials = new SigningCredentials(_key, SecurityAlgorithms.RsaSha256),
            });
            return Results.Json(new { access_token = Token(pending.Subject, pending.Email), token_type = "Bearer", expires_in = 300, id_token = idToken });
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
        new("Auth:ExternalIssuers:0:ClientId", WebClientId),
        new("Auth:ExternalIssuers:0:DisplayName", "Fake identity provider"),
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
