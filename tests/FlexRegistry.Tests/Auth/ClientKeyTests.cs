using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using FlexRegistry.Auth;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;

namespace FlexRegistry.Tests.Auth;

/// <summary>Clients registered with public keys: at registration, key rotation, key rules, and secrets switched off.</summary>
public abstract class ClientKeyTests(RegistryApp app)
{
    private static string Audience(HttpClient http) => new Uri(http.BaseAddress!, "/").AbsoluteUri;

    private async Task<int> KeyTokenStatusAsync(string clientId, ClientKeys keys)
    {
        using var http = app.Anonymous();
        var (status, _) = await ClientKeys.RequestTokenAsync(http, clientId, keys.Assertion(clientId, Audience(http), "ES256"));
        return status;
    }

    private async Task<int> SecretTokenStatusAsync(string clientId, string secret)
    {
        using var http = app.Anonymous();
        using var response = await http.PostAsync(new Uri("/connect/token", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = clientId,
            ["client_secret"] = secret,
        }));
        return (int)response.StatusCode;
    }

    [Fact]
    public async Task BUC4_Step2_RegisterWithJwks_FirstClientGetsNoSecret_AndAuthenticatesWithPrivateKeyJwt()
    {
        using var keys = ClientKeys.EcP256();
        var registration = await app.RegisterOnlyAsync(TestData.Registration() with { Jwks = keys.Jwks() });
        Assert.Null(registration.ApiClient.ClientSecret);
        Assert.Equal("private_key_jwt", registration.ApiClient.Authentication);
        using var http = app.Anonymous();
        var (status, body) = await ClientKeys.RequestTokenAsync(http, registration.ApiClient.ClientId,
            keys.Assertion(registration.ApiClient.ClientId, Audience(http), "ES256"));
        Assert.True(status == 200, $"token refused: {status} {body}");
        Assert.Contains("users:manage", body.GetProperty("scope").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RegisterWithPrivateKeyMaterial_IsRefused_AndNothingIsRegistered()
    {
        using var rsa = RSA.Create(2048);
        var p = rsa.ExportParameters(true);
        var jwks = JsonSerializer.SerializeToElement(new
        {
            keys = new[] { new { kty = "RSA", n = Base64UrlEncoder.Encode(p.Modulus), e = Base64UrlEncoder.Encode(p.Exponent), d = Base64UrlEncoder.Encode(p.D) } },
        });
        var request = TestData.Registration() with { Jwks = jwks };
        using var http = app.Anonymous();
        using var response = await http.PostAsJsonAsync("/api/v1/participants", request);
        var problem = await response.ReadProblem(HttpStatusCode.BadRequest, "request.validation_failed");
        Assert.Contains(problem.Errors!, e => e.Field == "jwks.keys[0]" && e.Code == "client.jwks_invalid");
        // Nothing was stored: the same registration with good keys succeeds.
        using var keys = ClientKeys.Rsa();
        using var again = await http.PostAsJsonAsync("/api/v1/participants", request with { Jwks = keys.Jwks() });
        await again.ShouldHave(HttpStatusCode.Created);
    }

    public static TheoryData<string, string> BadKeys => new()
    {
        { """{"kty":"RSA","alg":"RS256","n":"__RSA2048__","e":"AQAB"}""", "RS256 is not allowed" },
        { """{"kty":"oct","alg":"HS256","k":"c2VjcmV0"}""", "symmetric key" },
        { """{"kty":"RSA","n":"__RSA1024__","e":"AQAB"}""", "RSA below 2048 bits" },
        { """{"kty":"EC","crv":"P-384","x":"AAAA","y":"AAAA"}""", "unsupported curve" },
        { """{"kty":"EC","alg":"PS256","crv":"P-256","x":"__X__","y":"__Y__"}""", "alg does not match the key" },
    };

    [Theory]
    [MemberData(nameof(BadKeys))]
    public async Task CreateClient_WithAKeyThatIsNotAllowed_Returns400(string key, string why)
    {
        using var rsa2048 = RSA.Create(2048);
        using var rsa1024 = RSA.Create(1024);
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var q = ec.ExportParameters(false).Q;
        var json = key.Replace("__RSA2048__", Base64UrlEncoder.Encode(rsa2048.ExportParameters(false).Modulus), StringComparison.Ordinal)
            .Replace("__RSA1024__", Base64UrlEncoder.Encode(rsa1024.ExportParameters(false).Modulus), StringComparison.Ordinal)
            .Replace("__X__", Base64UrlEncoder.Encode(q.X), StringComparison.Ordinal)
            .Replace("__Y__", Base64UrlEncoder.Encode(q.Y), StringComparison.Ordinal);
        var (registration, admin) = await app.RegisterActiveAsync();
        using (admin)
        {
            using var response = await admin.PostAsJsonAsync($"/api/v1/participants/{registration.ParticipantId}/clients",
                new CreateApiClientRequest { Name = why, Permissions = ["participants:read"], Jwks = JsonDocument.Parse($$"""{"keys":[{{json}}]}""").RootElement });
            var problem = await response.ReadProblem(HttpStatusCode.BadRequest, "request.validation_failed");
            Assert.Contains(problem.Errors!, e => e.Field == "jwks.keys[0]" && e.Code == "client.jwks_invalid");
        }
    }

    [Fact]
    public async Task ReplaceKeys_TheOldKeyStops_TheNewKeyWorks()
    {
        using var oldKeys = ClientKeys.EcP256();
        using var newKeys = ClientKeys.EcP256();
        var (registration, admin) = await app.RegisterActiveAsync();
        using (admin)
        {
            var client = await ApiClientTests.CreateAsync(admin, registration.ParticipantId, ["participants:read"], oldKeys.Jwks());
            Assert.Equal(200, await KeyTokenStatusAsync(client.ClientId, oldKeys));

            using var replaced = await admin.PutAsJsonAsync($"/api/v1/participants/{registration.ParticipantId}/clients/{client.ClientId}/keys",
                new ReplaceApiClientKeysRequest { Jwks = newKeys.Jwks() });
            var response = await replaced.Read<ApiClientResponse>();
            Assert.Equal("private_key_jwt", response.Authentication);

            Assert.NotEqual(200, await KeyTokenStatusAsync(client.ClientId, oldKeys));
            Assert.Equal(200, await KeyTokenStatusAsync(client.ClientId, newKeys));

            // Another participant cannot replace them: for it the client does not exist.
            var (_, other) = await app.RegisterActiveAsync();
            using (other)
            {
                using var theirs = await other.PutAsJsonAsync($"/api/v1/participants/{registration.ParticipantId}/clients/{client.ClientId}/keys",
                    new ReplaceApiClientKeysRequest { Jwks = oldKeys.Jwks() });
                await theirs.ReadProblem(HttpStatusCode.NotFound, "participant.not_found");
            }
            Assert.Equal(200, await KeyTokenStatusAsync(client.ClientId, newKeys));

            using var missing = await admin.PutAsJsonAsync($"/api/v1/participants/{registration.ParticipantId}/clients/{client.ClientId}/keys",
                new ReplaceApiClientKeysRequest());
            var problem = await missing.ReadProblem(HttpStatusCode.BadRequest, "request.validation_failed");
            Assert.Contains(problem.Errors!, e => e.Field == "jwks" && e.Code == "field.required");
        }
    }

    [Fact]
    public async Task SecretClientGivenKeys_LosesItsSecret()
    {
        using var keys = ClientKeys.EcP256();
        var (registration, admin) = await app.RegisterActiveAsync();
        using (admin)
        {
            var client = await ApiClientTests.CreateAsync(admin, registration.ParticipantId, ["participants:read"]);
            Assert.Equal(200, await SecretTokenStatusAsync(client.ClientId, client.ClientSecret!));
            using var replaced = await admin.PutAsJsonAsync($"/api/v1/participants/{registration.ParticipantId}/clients/{client.ClientId}/keys",
                new ReplaceApiClientKeysRequest { Jwks = keys.Jwks() });
            await replaced.ShouldHave(HttpStatusCode.OK);
            Assert.NotEqual(200, await SecretTokenStatusAsync(client.ClientId, client.ClientSecret!));
            Assert.Equal(200, await KeyTokenStatusAsync(client.ClientId, keys));

            using var list = await admin.GetAsync($"/api/v1/participants/{registration.ParticipantId}/clients");
            var listed = (await list.Read<Page<ApiClientResponse>>()).Items.Single(c => c.ClientId == client.ClientId);
            Assert.Equal("private_key_jwt", listed.Authentication);
        }
    }

    [Fact]
    public async Task SecretsSwitchedOff_ExistingSecretClientsAreRefused_ButTheOperatorsBootstrapClientIsNot()
    {
        var (registration, admin) = await app.RegisterActiveAsync();
        admin.Dispose();
        var options = app.Services.GetRequiredService<AuthOptions>();
        options.AllowClientSecrets = false;
        try
        {
            Assert.NotEqual(200, await SecretTokenStatusAsync(registration.ApiClient.ClientId, registration.ApiClient.ClientSecret!));
            Assert.Equal(200, await SecretTokenStatusAsync(ApiClient.BootstrapClientId, RegistryApp.OperatorSecret));
        }
        finally
        {
            options.AllowClientSecrets = true;
        }
        Assert.Equal(200, await SecretTokenStatusAsync(registration.ApiClient.ClientId, registration.ApiClient.ClientSecret!));

        using var op = await app.OperatorAsync();
        using var audit = await op.GetAsync($"/api/v1/audit?resource={registration.ApiClient.ClientId}&limit=500");
        var refused = (await audit.Read<Page<AuditRecordResponse>>()).Items.Single(r => r.Action == "token.refused");
        Assert.Equal(["client_secret"], refused.Fields);
        Assert.Equal("refused", refused.Outcome);
    }
}

public sealed class ClientKeyTests_Sqlite(SqliteApp app) : ClientKeyTests(app), IClassFixture<SqliteApp>;

public sealed class ClientKeyTests_Postgres(PostgresApp app) : ClientKeyTests(app), IClassFixture<PostgresApp>;

/// <summary>A valid public JWKS for bodies that must pass binding (mass-assignment inventory).</summary>
internal static class KeysForMassAssignment
{
    private static readonly ClientKeys Keys = ClientKeys.EcP256();

    public static System.Text.Json.JsonElement Jwks => Keys.Jwks();
}
