using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace FlexRegistry.Tests.Infrastructure;

/// <summary>A client's key pair for private_key_jwt, its public JWKS and signed client assertions, as an integrator makes them.</summary>
public sealed class ClientKeys : IDisposable
{
    private readonly RSA? _rsa;
    private readonly ECDsa? _ec;

    private ClientKeys(RSA? rsa, ECDsa? ec)
    {
        _rsa = rsa;
        _ec = ec;
        KeyId = Guid.NewGuid().ToString("N")[..12];
    }

    public string KeyId { get; }

    public static ClientKeys Rsa() => new(RSA.Create(2048), null);

    public static ClientKeys EcP256() => new(null, ECDsa.Create(ECCurve.NamedCurves.nistP256));

    public SecurityKey PrivateKey => _rsa is not null
        ? new RsaSecurityKey(_rsa) { KeyId = KeyId }
        : new ECDsaSecurityKey(_ec!) { KeyId = KeyId };

    /// <summary>The public JWKS to register (no private members).</summary>
    public JsonElement Jwks()
    {
        Dictionary<string, string> key;
        if (_rsa is not null)
        {
            var p = _rsa.ExportParameters(false);
            key = new() { ["kty"] = "RSA", ["use"] = "sig", ["kid"] = KeyId, ["n"] = Base64UrlEncoder.Encode(p.Modulus), ["e"] = Base64UrlEncoder.Encode(p.Exponent) };
        }
        else
        {
            var p = _ec!.ExportParameters(false);
            key = new() { ["kty"] = "EC", ["use"] = "sig", ["kid"] = KeyId, ["crv"] = "P-256", ["x"] = Base64UrlEncoder.Encode(p.Q.X), ["y"] = Base64UrlEncoder.Encode(p.Q.Y) };
        }
        return JsonSerializer.SerializeToElement(new { keys = new[] { key } });
    }

    /// <summary>The private key as a JWK (for the openid-client interop script).</summary>
    public string PrivateJwk()
    {
        Dictionary<string, string> key;
        if (_rsa is not null)
        {
            var p = _rsa.ExportParameters(true);
            key = new()
            {
                ["kty"] = "RSA",
                ["kid"] = KeyId,
                ["n"] = B(p.Modulus),
                ["e"] = B(p.Exponent),
                ["d"] = B(p.D),
                ["p"] = B(p.P),
                ["q"] = B(p.Q),
                ["dp"] = B(p.DP),
                ["dq"] = B(p.DQ),
                ["qi"] = B(p.InverseQ),
            };
        }
        else
        {
            var p = _ec!.ExportParameters(true);
            key = new() { ["kty"] = "EC", ["kid"] = KeyId, ["crv"] = "P-256", ["x"] = B(p.Q.X), ["y"] = B(p.Q.Y), ["d"] = B(p.D) };
        }
        return JsonSerializer.Serialize(key);
    }

    private static string B(byte[]? bytes) => Base64UrlEncoder.Encode(bytes);

    public string Assertion(string clientId, string audience, string algorithm, string? jti = null, TimeSpan? lifetime = null, string type = "client-authentication+jwt") =>
        Sign(PrivateKey, clientId, audience, algorithm, jti, lifetime, type);

    public static string Sign(SecurityKey key, string clientId, string audience, string algorithm, string? jti = null, TimeSpan? lifetime = null, string type = "client-authentication+jwt")
    {
        var now = TimeProvider.System.GetUtcNow().UtcDateTime;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = clientId,
            Audience = audience,
            Claims = new Dictionary<string, object> { ["sub"] = clientId, ["jti"] = jti ?? Guid.NewGuid().ToString("N") },
            IssuedAt = now,
            NotBefore = now,
            Expires = now + (lifetime ?? TimeSpan.FromMinutes(1)),
            SigningCredentials = new SigningCredentials(key, algorithm),
            TokenType = type,
        });
    }

    /// <summary>An unsigned assertion (alg none), which no server may accept.</summary>
    public static string AlgNone(string clientId, string audience)
    {
        static string Part(object o) => Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(o)));
        var now = TimeProvider.System.GetUtcNow().ToUnixTimeSeconds();
        return Part(new { alg = "none", typ = "JWT" }) + "." +
               Part(new { iss = clientId, sub = clientId, aud = audience, jti = Guid.NewGuid().ToString("N"), iat = now, exp = now + 60 }) + ".";
    }

    /// <summary>POSTs a client_credentials request authenticated with the assertion; returns the status and the JSON body.</summary>
    public static async Task<(int Status, JsonElement Body)> RequestTokenAsync(HttpClient http, string clientId, string assertion)
    {
        using var response = await http.PostAsync(new Uri("/connect/token", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = clientId,
            ["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ["client_assertion"] = assertion,
        }));
        return ((int)response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    public void Dispose()
    {
        _rsa?.Dispose();
        _ec?.Dispose();
    }
}
