using System.Net;
using System.Net.Http.Headers;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Tests.Infrastructure;
using Microsoft.IdentityModel.Tokens;

namespace FlexRegistry.Tests.Auth;

/// <summary>private_key_jwt at /connect/token: PS256 and ES256 only, short-lived, each assertion once.</summary>
public abstract class PrivateKeyJwtTests(RegistryApp app)
{
    // RFC 7523bis: the audience is the issuer identifier.
    private static string Audience(HttpClient http) => new Uri(http.BaseAddress!, "/").AbsoluteUri;

    private async Task<(string ParticipantId, CreateApiClientResponse Client)> KeyClientAsync(ClientKeys keys)
    {
        var (registration, admin) = await app.RegisterActiveAsync();
        using (admin)
        {
            var client = await ApiClientTests.CreateAsync(admin, registration.ParticipantId, ["participants:read"], keys.Jwks());
            Assert.Null(client.ClientSecret);
            Assert.Equal("private_key_jwt", client.Authentication);
            return (registration.ParticipantId, client);
        }
    }

    [Theory]
    [InlineData("PS256")]
    [InlineData("ES256")]
    public async Task GoodAssertion_GetsAToken_ThatCallsTheApi(string algorithm)
    {
        using var keys = algorithm == "ES256" ? ClientKeys.EcP256() : ClientKeys.Rsa();
        var (participantId, client) = await KeyClientAsync(keys);
        using var http = app.Anonymous();
        var (status, body) = await ClientKeys.RequestTokenAsync(http, client.ClientId, keys.Assertion(client.ClientId, Audience(http), algorithm));
        Assert.True(status == 200, $"token refused: {status} {body}");
        Assert.Equal("participants:read", body.GetProperty("scope").GetString());

        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", body.GetProperty("access_token").GetString());
        using var read = await http.GetAsync($"/api/v1/participants/{participantId}");
        await read.ShouldHave(HttpStatusCode.OK);
    }

    [Fact]
    public async Task GenericallyTypedAssertion_IsAccepted()
    {
        // RFC 7523 does not require typ; many clients send "JWT" or nothing (see OpenIdClientInteropTests).
        using var keys = ClientKeys.EcP256();
        var (_, client) = await KeyClientAsync(keys);
        using var http = app.Anonymous();
        var (status, body) = await ClientKeys.RequestTokenAsync(http, client.ClientId, keys.Assertion(client.ClientId, Audience(http), "ES256", type: "JWT"));
        Assert.True(status == 200, $"token refused: {status} {body}");
    }

    [Fact]
    public async Task AccessTokenOfTheRegister_IsNotAcceptedAsAnAssertion()
    {
        using var keys = ClientKeys.EcP256();
        var (_, client) = await KeyClientAsync(keys);
        using var op = await app.OperatorAsync();
        using var http = app.Anonymous();
        await AssertRefusedAsync(http, client.ClientId, op.DefaultRequestHeaders.Authorization!.Parameter!);
    }

    [Fact]
    public async Task Rs256_IsRefused_EvenWithTheRegisteredKey()
    {
        using var keys = ClientKeys.Rsa();
        var (_, client) = await KeyClientAsync(keys);
        using var http = app.Anonymous();
        await AssertRefusedAsync(http, client.ClientId, keys.Assertion(client.ClientId, Audience(http), SecurityAlgorithms.RsaSha256));
    }

    [Fact]
    public async Task Hs256_IsRefused()
    {
        using var keys = ClientKeys.Rsa();
        var (_, client) = await KeyClientAsync(keys);
        using var http = app.Anonymous();
        // The classic confusion attack: an HMAC keyed with something public (here the client ID).
        var hmac = new SymmetricSecurityKey(System.Text.Encoding.UTF8.GetBytes(client.ClientId.PadRight(64, '0')));
        await AssertRefusedAsync(http, client.ClientId, ClientKeys.Sign(hmac, client.ClientId, Audience(http), SecurityAlgorithms.HmacSha256));
    }

    [Fact]
    public async Task UnsignedAssertion_IsRefused()
    {
        using var keys = ClientKeys.EcP256();
        var (_, client) = await KeyClientAsync(keys);
        using var http = app.Anonymous();
        await AssertRefusedAsync(http, client.ClientId, ClientKeys.AlgNone(client.ClientId, Audience(http)));
    }

    [Fact]
    public async Task WrongKey_IsRefused_AndDoesNotUseUpTheJti()
    {
        using var keys = ClientKeys.EcP256();
        using var other = ClientKeys.EcP256();
        var (_, client) = await KeyClientAsync(keys);
        using var http = app.Anonymous();
        var jti = Guid.NewGuid().ToString("N");
        await AssertRefusedAsync(http, client.ClientId, other.Assertion(client.ClientId, Audience(http), "ES256", jti));
        // Someone without the key cannot burn the client's jti values.
        var (status, body) = await ClientKeys.RequestTokenAsync(http, client.ClientId, keys.Assertion(client.ClientId, Audience(http), "ES256", jti));
        Assert.True(status == 200, $"token refused: {status} {body}");
    }

    [Fact]
    public async Task ReplayedAssertion_IsRefused()
    {
        using var keys = ClientKeys.Rsa();
        var (_, client) = await KeyClientAsync(keys);
        using var http = app.Anonymous();
        var assertion = keys.Assertion(client.ClientId, Audience(http), "PS256");
        var (first, body) = await ClientKeys.RequestTokenAsync(http, client.ClientId, assertion);
        Assert.True(first == 200, $"token refused: {first} {body}");
        await AssertRefusedAsync(http, client.ClientId, assertion);
        // A new assertion with the same jti is a replay too.
        await AssertRefusedAsync(http, client.ClientId, keys.Assertion(client.ClientId, Audience(http), "PS256",
            new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(assertion).Id));
    }

    [Fact]
    public async Task LongLivedAssertion_IsRefused()
    {
        using var keys = ClientKeys.EcP256();
        var (_, client) = await KeyClientAsync(keys);
        using var http = app.Anonymous();
        await AssertRefusedAsync(http, client.ClientId, keys.Assertion(client.ClientId, Audience(http), "ES256", lifetime: TimeSpan.FromHours(1)));
    }

    [Fact]
    public async Task AssertionForAnotherClientsKeys_IsRefused()
    {
        using var mine = ClientKeys.EcP256();
        using var theirs = ClientKeys.EcP256();
        var (_, myClient) = await KeyClientAsync(mine);
        var (_, theirClient) = await KeyClientAsync(theirs);
        using var http = app.Anonymous();
        // Signed with my key but claiming to be their client.
        await AssertRefusedAsync(http, theirClient.ClientId, mine.Assertion(theirClient.ClientId, Audience(http), "ES256"));
        Assert.NotEqual(myClient.ClientId, theirClient.ClientId);
    }

    private static async Task AssertRefusedAsync(HttpClient http, string clientId, string assertion)
    {
        var (status, body) = await ClientKeys.RequestTokenAsync(http, clientId, assertion);
        Assert.True(status is 400 or 401, $"expected a refusal, got {status} {body}");
        Assert.False(body.TryGetProperty("access_token", out _));
        Assert.Equal("invalid_client", body.GetProperty("error").GetString());
    }
}

public sealed class PrivateKeyJwtTests_Sqlite(SqliteApp app) : PrivateKeyJwtTests(app), IClassFixture<SqliteApp>;

public sealed class PrivateKeyJwtTests_Postgres(PostgresApp app) : PrivateKeyJwtTests(app), IClassFixture<PostgresApp>;
