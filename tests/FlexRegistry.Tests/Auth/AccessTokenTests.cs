using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using FlexRegistry.Auth;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace FlexRegistry.Tests.Auth;

/// <summary>
/// Issue 21, RFC 9068 at the resource: the register's access tokens are at+jwt with aud, exp, iat and jti; a token signed
/// with the register's own key but wrong in any one claim (type, issuer, audience, expiry, not-before, issue time,
/// identifier, algorithm) is refused (401) by every protected endpoint of the routing table, as is a token sent anywhere
/// but the Authorization header. Within the documented skew (30 s) the clocks may differ.
/// </summary>
public abstract class AccessTokenTests(RegistryApp app)
{
    private SigningKeys Keys => app.Services.GetRequiredService<SigningKeys>();

    /// <summary>A real token's header and claims, to be varied one at a time.</summary>
    private async Task<(Dictionary<string, object> Claims, string Token)> RealTokenAsync()
    {
        var token = await app.TokenAsync(ApiClient.BootstrapClientId, RegistryApp.OperatorSecret);
        var jwt = new JsonWebToken(token);
        var claims = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(Base64UrlEncoder.Decode(jwt.EncodedPayload))!
            .ToDictionary(c => c.Key, c => (object)c.Value);
        return (claims, token);
    }

    /// <summary>Signs <paramref name="claims"/> as the register would, with the given type and algorithm and key.</summary>
    private string Forge(IDictionary<string, object> claims, string? typ = "at+jwt", string algorithm = SigningKeys.Algorithm, SecurityKey? key = null)
    {
        var handler = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false };
        var descriptor = new SecurityTokenDescriptor
        {
            Claims = claims,
            SigningCredentials = new SigningCredentials(key ?? Keys.Active(TimeProvider.System.GetUtcNow()).Key, algorithm),
        };
        if (typ is null)
        {
            // No typ header at all.
            descriptor.AdditionalHeaderClaims = new Dictionary<string, object>();
            var token = handler.CreateToken(descriptor);
            var parts = token.Split('.');
            var header = JsonNode.Parse(Base64UrlEncoder.Decode(parts[0]))!.AsObject();
            header.Remove("typ");
            var signingInput = Base64UrlEncoder.Encode(header.ToJsonString()) + "." + parts[1];
            var signature = new AsymmetricSignatureProvider(descriptor.SigningCredentials.Key, algorithm).Sign(System.Text.Encoding.ASCII.GetBytes(signingInput));
            return signingInput + "." + Base64UrlEncoder.Encode(signature);
        }
        descriptor.TokenType = typ;
        return handler.CreateToken(descriptor);
    }

    private static long Unix(TimeSpan fromNow) => TimeProvider.System.GetUtcNow().Add(fromNow).ToUnixTimeSeconds();

    /// <summary>Each variant: a name, and the claims and header to forge (every one wrong in exactly one way, except the controls).</summary>
    private List<(string Name, string Token, bool Accepted)> Variants(Dictionary<string, object> real)
    {
        Dictionary<string, object> With(string claim, object? value)
        {
            var copy = new Dictionary<string, object>(real);
            if (value is null)
                copy.Remove(claim);
            else
                copy[claim] = value;
            return copy;
        }
        using var foreign = RSA.Create(2048);
        return
        [
            ("control: the claims as issued, re-signed", Forge(real), true),
            // 5 s past, not 20: the list is forged before anything is sent, and on a loaded machine the gap once passed the
            // 30 s skew's remaining 10 s (the control was refused in a full run).
            ("control: expired 5 s ago, within the skew", Forge(With("exp", Unix(TimeSpan.FromSeconds(-5)))), true),
            ("control: nbf 20 s ahead, within the skew", Forge(With("nbf", Unix(TimeSpan.FromSeconds(20)))), true),
            ("typ JWT", Forge(real, typ: "JWT"), false),
            ("no typ", Forge(real, typ: null), false),
            ("typ at+jwt but with a token_usage claim of another kind", Forge(With("token_usage", "id_token"), typ: "JWT"), false),
            ("another issuer", Forge(With("iss", "https://attacker.example/")), false),
            ("another audience", Forge(With("aud", "urn:another:service")), false),
            ("no audience", Forge(With("aud", null)), false),
            ("no exp", Forge(With("exp", null)), false),
            ("expired beyond the skew", Forge(With("exp", Unix(TimeSpan.FromMinutes(-2)))), false),
            ("nbf an hour ahead", Forge(With("nbf", Unix(TimeSpan.FromHours(1)))), false),
            ("no iat", Forge(With("iat", null)), false),
            ("iat an hour ahead", Forge(With("iat", Unix(TimeSpan.FromHours(1)))), false),
            ("no jti", Forge(With("jti", null)), false),
            ("RS256 instead of PS256", Forge(real, algorithm: SecurityAlgorithms.RsaSha256), false),
            ("a key the register did not publish", Forge(real, key: new RsaSecurityKey(foreign) { KeyId = Keys.Active(TimeProvider.System.GetUtcNow()).KeyId }), false),
            ("alg none", string.Join('.', Base64UrlEncoder.Encode("{\"alg\":\"none\",\"typ\":\"at+jwt\"}"), new JsonWebToken(Forge(real)).EncodedPayload, ""), false),
            ("signed with the audit key (published, but not for tokens)", Forge(real, key: new RsaSecurityKey(Keys.AuditKey.Rsa) { KeyId = Keys.AuditKey.KeyId }),
                Keys.AuditKey.KeyId == Keys.Active(TimeProvider.System.GetUtcNow()).KeyId),
        ];
    }

    [Fact]
    public async Task IssuedTokens_FollowRfc9068()
    {
        var (claims, token) = await RealTokenAsync();
        var jwt = new JsonWebToken(token);
        Assert.Equal("at+jwt", jwt.Typ);
        Assert.Equal(SigningKeys.Algorithm, jwt.Alg);
        Assert.Contains(app.Services.GetRequiredService<AuthOptions>().Audience, jwt.Audiences);
        foreach (var claim in new[] { "iss", "exp", "iat", "jti", "sub", "client_id" })
            Assert.True(claims.ContainsKey(claim), $"the token has no {claim}");
        Assert.True(jwt.ValidTo - jwt.IssuedAt <= TimeSpan.FromMinutes(15));
    }

    [Fact]
    public async Task EveryProtectedEndpoint_RefusesATokenWrongInAnyOneClaim_AndTakesOnlyTheAuthorizationHeader()
    {
        var (claims, token) = await RealTokenAsync();
        var routes = RouteInventory.Protected(app.Services).Where(r => !r.ForExternalIdentity).ToList();
        Assert.True(routes.Count >= 50, $"the routing table lists {routes.Count} protected endpoints");
        var probe = routes.First(r => r.Key == "GET /api/v1/reference/dno-areas");
        var failures = new List<string>();
        var sent = 0;
        using var client = app.CreateClient();
        foreach (var (name, forged, accepted) in Variants(claims))
        {
            // The controls prove the forging itself is sound: accepted where they should be.
            foreach (var route in accepted ? [probe] : routes)
            {
                using var request = new HttpRequestMessage(new HttpMethod(route.Method), route.Path("FRP-UNKNOWN"));
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", forged);
                using var response = await client.SendAsync(request);
                sent++;
                if (accepted ? response.StatusCode == HttpStatusCode.Unauthorized : response.StatusCode != HttpStatusCode.Unauthorized)
                    failures.Add($"{route.Key} [{name}] answered {(int)response.StatusCode}");
            }
        }
        // RFC 6750 §2.1 only: the same valid token in the query string or a form body is not a credential.
        foreach (var route in routes)
        {
            var separator = route.Path("FRP-UNKNOWN").Contains('?', StringComparison.Ordinal) ? '&' : '?';
            using var query = new HttpRequestMessage(new HttpMethod(route.Method), route.Path("FRP-UNKNOWN") + separator + "access_token=" + Uri.EscapeDataString(token));
            using var inQuery = await client.SendAsync(query);
            sent++;
            if (inQuery.StatusCode != HttpStatusCode.Unauthorized)
                failures.Add($"{route.Key} [token in the query string] answered {(int)inQuery.StatusCode}");
            if (route.Method is "POST" or "PUT" or "PATCH")
            {
                using var form = new HttpRequestMessage(new HttpMethod(route.Method), route.Path("FRP-UNKNOWN"))
                {
                    Content = new FormUrlEncodedContent([new("access_token", token)]),
                };
                using var inForm = await client.SendAsync(form);
                sent++;
                // 415 where routing refuses a form before authentication (JSON endpoints): either way the token was not used.
                if (inForm.StatusCode is not (HttpStatusCode.Unauthorized or HttpStatusCode.UnsupportedMediaType))
                    failures.Add($"{route.Key} [token in a form body] answered {(int)inForm.StatusCode}");
            }
        }
        Assert.True(failures.Count == 0, $"{failures.Count} of {sent} requests answered otherwise:\n" + string.Join('\n', failures));
    }

    /// <summary>On demand: a rotation publishes the next key at once; the current key keeps signing until the next one's time, and emergency rotation drops it.</summary>
    [Fact]
    public async Task SigningKeys_RotateOnDemand_BothPublishedDuringTheOverlap_EmergencyRotationRevokesTheOld()
    {
        using var op = await app.OperatorAsync();
        var oldToken = await app.TokenAsync(ApiClient.BootstrapClientId, RegistryApp.OperatorSecret);
        var oldKid = new JsonWebToken(oldToken).Kid;

        using (var rotated = await op.PostAsync("/api/v1/signing-keys/rotate", System.Net.Http.Json.JsonContent.Create(new RotateSigningKeyRequest { Immediately = false })))
        {
            var keys = await rotated.Read<List<SigningKeyResponse>>();
            Assert.Contains(keys, k => k.KeyId == oldKid && k.State == "active");
            Assert.Contains(keys, k => k.State == "next");
        }
        var jwks = await PublishedKeyIdsAsync();
        Assert.Contains(oldKid, jwks);
        Assert.True(jwks.Count >= 2, "the next key is published during the overlap");
        // The current key still signs, and old tokens still work.
        Assert.Equal(oldKid, new JsonWebToken(await app.TokenAsync(ApiClient.BootstrapClientId, RegistryApp.OperatorSecret)).Kid);
        using (var stillValid = await WithToken(oldToken).GetAsync("/api/v1/reference/dno-areas"))
            await stillValid.ShouldHave(HttpStatusCode.OK);

        // Emergency: the new key signs at once, every other key is dropped and its tokens stop working.
        using (var emergency = await op.PostAsync("/api/v1/signing-keys/rotate", System.Net.Http.Json.JsonContent.Create(new RotateSigningKeyRequest { Immediately = true })))
            Assert.Equal("active", Assert.Single(await emergency.Read<List<SigningKeyResponse>>()).State);
        var newToken = await app.TokenAsync(ApiClient.BootstrapClientId, RegistryApp.OperatorSecret);
        Assert.NotEqual(oldKid, new JsonWebToken(newToken).Kid);
        Assert.Contains(new JsonWebToken(newToken).Kid, await PublishedKeyIdsAsync());
        using (var revoked = await WithToken(oldToken).GetAsync("/api/v1/reference/dno-areas"))
            Assert.Equal(HttpStatusCode.Unauthorized, revoked.StatusCode);
        using var fresh = await WithToken(newToken).GetAsync("/api/v1/reference/dno-areas");
        await fresh.ShouldHave(HttpStatusCode.OK);
    }

    private HttpClient WithToken(string token)
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private async Task<List<string>> PublishedKeyIdsAsync()
    {
        using var anonymous = app.Anonymous();
        var jwks = JsonNode.Parse(await anonymous.GetStringAsync("/.well-known/jwks"))!;
        return [.. jwks["keys"]!.AsArray().Select(k => k!["kid"]!.GetValue<string>())];
    }
}

public sealed class AccessTokenTests_Sqlite(SqliteApp app) : AccessTokenTests(app), IClassFixture<SqliteApp>;

public sealed class AccessTokenTests_Postgres(PostgresApp app) : AccessTokenTests(app), IClassFixture<PostgresApp>;
