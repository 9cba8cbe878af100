using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Tests.Infrastructure;

namespace FlexRegistry.Tests.Auth;

/// <summary>BUC.4 step 4 (clients): an organisation's further API clients, each with a subset of what its roles allow.</summary>
public abstract class ApiClientTests(RegistryApp app)
{
    [Fact]
    public async Task BUC4_Step4_CreateClient_WithChosenPermissions_TokenCarriesOnlyThose()
    {
        var (registration, admin) = await app.RegisterActiveAsync();
        using (admin)
        {
            var id = registration.ParticipantId;
            using var created = await admin.PostAsJsonAsync($"/api/v1/participants/{id}/clients",
                new CreateApiClientRequest { Name = "Read-only dashboard", Permissions = ["participants:read"] });
            var client = await created.Read<CreateApiClientResponse>(HttpStatusCode.Created);
            Assert.Equal($"/api/v1/participants/{id}/clients/{client.ClientId}", created.Headers.Location?.OriginalString);
            Assert.Equal(["participants:read"], client.Permissions);
            Assert.Equal("client_secret", client.Authentication);
            Assert.Equal("active", client.Status);
            Assert.False(string.IsNullOrEmpty(client.ClientSecret));

            using var dashboard = await app.AuthenticatedAsync(client.ClientId, client.ClientSecret!);
            using var read = await dashboard.GetAsync($"/api/v1/participants/{id}");
            await read.ShouldHave(HttpStatusCode.OK);
            using var write = await dashboard.PutAsJsonAsync($"/api/v1/participants/{id}/commercial-information", new CommercialInformationRequest());
            Assert.Equal(HttpStatusCode.Forbidden, write.StatusCode);
            using var manage = await dashboard.GetAsync($"/api/v1/participants/{id}/clients");
            Assert.Equal(HttpStatusCode.Forbidden, manage.StatusCode);

            // The list names both clients and never carries a secret.
            using var list = await admin.GetAsync($"/api/v1/participants/{id}/clients");
            var raw = await list.Content.ReadAsStringAsync();
            await list.ShouldHave(HttpStatusCode.OK);
            Assert.DoesNotContain(client.ClientSecret!, raw, StringComparison.Ordinal);
            Assert.DoesNotContain(registration.ApiClient.ClientSecret!, raw, StringComparison.Ordinal);
            Assert.DoesNotContain("clientSecret", raw, StringComparison.OrdinalIgnoreCase);
            var page = JsonSerializer.Deserialize<Page<ApiClientResponse>>(raw, ApiExtensions.Json)!;
            Assert.Equivalent(new[] { registration.ApiClient.ClientId, client.ClientId }, page.Items.Select(c => c.ClientId).ToArray());
            Assert.Equal(2, page.Items.Count);
            Assert.Contains(page.Items, c => c.ClientId == client.ClientId && c.Name == "Read-only dashboard" && c.Status == "active");
        }
    }

    [Fact]
    public async Task BUC4_Step4_CreateClient_PermissionBeyondTheRoles_Returns422ListingEachOne()
    {
        var (registration, admin) = await app.RegisterActiveAsync(TestData.Registration(roles: "market-operator"));
        using (admin)
        {
            using var response = await admin.PostAsJsonAsync($"/api/v1/participants/{registration.ParticipantId}/clients",
                new CreateApiClientRequest { Name = "Asset writer", Permissions = ["assets:read", "assets:write", "assets:import", "registry:admin"] });
            await response.ReadProblem(HttpStatusCode.UnprocessableEntity, "client.permission_not_allowed");
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal(["assets:write", "assets:import", "registry:admin"],
                body.RootElement.GetProperty("permissions").EnumerateArray().Select(e => e.GetString()));

            // Nothing was created.
            using var list = await admin.GetAsync($"/api/v1/participants/{registration.ParticipantId}/clients");
            Assert.Single((await list.Read<Page<ApiClientResponse>>()).Items);
        }
    }

    [Fact]
    public async Task CreateClient_InvalidFields_AreAllReportedAtOnce()
    {
        var (registration, admin) = await app.RegisterActiveAsync();
        using (admin)
        {
            using var rsa = System.Security.Cryptography.RSA.Create(2048);
            var p = rsa.ExportParameters(true);
            var privateJwks = JsonSerializer.SerializeToElement(new
            {
                keys = new[] { new { kty = "RSA", n = Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(p.Modulus), e = "AQAB", d = Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(p.D) } },
            });
            using var response = await admin.PostAsJsonAsync($"/api/v1/participants/{registration.ParticipantId}/clients",
                new CreateApiClientRequest { Name = " ", Permissions = ["participants:read", "everything"], Jwks = privateJwks });
            var problem = await response.ReadProblem(HttpStatusCode.BadRequest, "request.validation_failed");
            Assert.Contains(problem.Errors!, e => e.Field == "name" && e.Code == "field.required");
            Assert.Contains(problem.Errors!, e => e.Field == "permissions[1]" && e.Code == "client.permission_unknown");
            Assert.Contains(problem.Errors!, e => e.Field == "jwks.keys[0]" && e.Code == "client.jwks_invalid");

            // Server-owned fields cannot be mass-assigned.
            using var sneaky = await admin.PostAsync($"/api/v1/participants/{registration.ParticipantId}/clients", JsonContent.Create(new
            {
                name = "x",
                permissions = new[] { "participants:read" },
                clientId = "frc_mine",
                status = "active",
            }));
            Assert.Equal(HttpStatusCode.BadRequest, sneaky.StatusCode);
        }
    }

    [Fact]
    public async Task ManageClients_OfAnotherParticipant_Returns404LikeAMissingOne()
    {
        var (mine, me) = await app.RegisterActiveAsync();
        var (theirs, them) = await app.RegisterActiveAsync();
        using (me)
        using (them)
        {
            var url = $"/api/v1/participants/{theirs.ParticipantId}/clients";
            using var list = await me.GetAsync(url);
            await list.ReadProblem(HttpStatusCode.NotFound, "participant.not_found");
            using var create = await me.PostAsJsonAsync(url, new CreateApiClientRequest { Name = "x", Permissions = ["participants:read"] });
            await create.ReadProblem(HttpStatusCode.NotFound, "participant.not_found");
            using var suspend = await me.PostAsync($"{url}/{theirs.ApiClient.ClientId}/suspend", null);
            await suspend.ReadProblem(HttpStatusCode.NotFound, "participant.not_found");
            using var remove = await me.DeleteAsync($"{url}/{theirs.ApiClient.ClientId}");
            await remove.ReadProblem(HttpStatusCode.NotFound, "participant.not_found");
            // My own participant ID with their client ID: no such client of mine.
            using var mixed = await me.PostAsync($"/api/v1/participants/{mine.ParticipantId}/clients/{theirs.ApiClient.ClientId}/suspend", null);
            await mixed.ReadProblem(HttpStatusCode.NotFound, "client.not_found");

            // Their client still works; the registry operator sees their clients.
            using var still = await them.GetAsync($"/api/v1/participants/{theirs.ParticipantId}");
            await still.ShouldHave(HttpStatusCode.OK);
            using var op = await app.OperatorAsync();
            using var opList = await op.GetAsync(url);
            Assert.Single((await opList.Read<Page<ApiClientResponse>>()).Items);
        }
    }

    [Fact]
    public async Task RemoveClient_StopsItsIssuedTokens_AndItsCredential()
    {
        var (registration, admin) = await app.RegisterActiveAsync();
        using (admin)
        {
            var id = registration.ParticipantId;
            var client = await CreateAsync(admin, id, ["participants:read"]);
            using var worker = await app.AuthenticatedAsync(client.ClientId, client.ClientSecret!);
            using var before = await worker.GetAsync($"/api/v1/participants/{id}");
            await before.ShouldHave(HttpStatusCode.OK);

            using var removed = await admin.DeleteAsync($"/api/v1/participants/{id}/clients/{client.ClientId}");
            await removed.ShouldHave(HttpStatusCode.NoContent);

            await AssertRevokedAsync(worker, id);
            await AssertNoTokenAsync(client);
            using var again = await admin.PostAsync($"/api/v1/participants/{id}/clients/{client.ClientId}/reinstate", null);
            await again.ReadProblem(HttpStatusCode.Conflict, "client.invalid_status_transition");
            using var list = await admin.GetAsync($"/api/v1/participants/{id}/clients");
            Assert.Contains((await list.Read<Page<ApiClientResponse>>()).Items, c => c.ClientId == client.ClientId && c.Status == "removed");
        }
    }

    [Fact]
    public async Task SuspendClient_StopsItsTokens_ReinstateLetsItBackIn()
    {
        var (registration, admin) = await app.RegisterActiveAsync();
        using (admin)
        {
            var id = registration.ParticipantId;
            var client = await CreateAsync(admin, id, ["participants:read"]);
            using var worker = await app.AuthenticatedAsync(client.ClientId, client.ClientSecret!);

            using var suspended = await admin.PostAsync($"/api/v1/participants/{id}/clients/{client.ClientId}/suspend", null);
            Assert.Equal("suspended", (await suspended.Read<ApiClientResponse>()).Status);
            await AssertRevokedAsync(worker, id);
            await AssertNoTokenAsync(client);

            using var twice = await admin.PostAsync($"/api/v1/participants/{id}/clients/{client.ClientId}/suspend", null);
            await twice.ReadProblem(HttpStatusCode.Conflict, "client.invalid_status_transition");

            using var reinstated = await admin.PostAsync($"/api/v1/participants/{id}/clients/{client.ClientId}/reinstate", null);
            Assert.Equal("active", (await reinstated.Read<ApiClientResponse>()).Status);
            using var back = await app.AuthenticatedAsync(client.ClientId, client.ClientSecret!);
            using var ok = await back.GetAsync($"/api/v1/participants/{id}");
            await ok.ShouldHave(HttpStatusCode.OK);
        }
    }

    [Fact]
    public async Task TheRegistryOperatorsBootstrapClient_CannotBeRemovedThroughTheApi()
    {
        using var op = await app.OperatorAsync();
        using var token = new JsonWebTokenReader(op);
        using var remove = await op.DeleteAsync($"/api/v1/participants/{token.ParticipantId}/clients/registry-operator");
        await remove.ReadProblem(HttpStatusCode.Conflict, "client.bootstrap_protected");
    }

    internal static async Task<CreateApiClientResponse> CreateAsync(HttpClient admin, string participantId, string[] permissions, JsonElement? jwks = null)
    {
        using var created = await admin.PostAsJsonAsync($"/api/v1/participants/{participantId}/clients",
            new CreateApiClientRequest { Name = "Worker " + Guid.NewGuid().ToString("N")[..6], Permissions = permissions, Jwks = jwks });
        return await created.Read<CreateApiClientResponse>(HttpStatusCode.Created);
    }

    private async Task AssertNoTokenAsync(CreateApiClientResponse client)
    {
        using var anonymous = app.Anonymous();
        using var token = await anonymous.PostAsync(new Uri("/connect/token", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = client.ClientId,
            ["client_secret"] = client.ClientSecret!,
        }));
        Assert.False(token.IsSuccessStatusCode, "a suspended or removed client obtained a token");
    }

    /// <summary>LiveTokenCheck caches "may act" for up to two seconds; the token must be refused soon after.</summary>
    private static async Task AssertRevokedAsync(HttpClient worker, string participantId)
    {
        HttpStatusCode status = HttpStatusCode.OK;
        for (var attempt = 0; attempt < 50 && status != HttpStatusCode.Unauthorized; attempt++)
        {
            using var after = await worker.GetAsync($"/api/v1/participants/{participantId}");
            status = after.StatusCode;
            if (status == HttpStatusCode.Unauthorized)
                await after.ReadProblem(HttpStatusCode.Unauthorized, "auth.token_revoked");
            else
                await Task.Delay(200);
        }
        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    /// <summary>Reads the participant ID out of the bearer token the client carries.</summary>
    private sealed class JsonWebTokenReader(HttpClient client) : IDisposable
    {
        public string ParticipantId { get; } = new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(client.DefaultRequestHeaders.Authorization!.Parameter!)
            .GetPayloadValue<string>("participant_id");

        public void Dispose() { }
    }
}

public sealed class ApiClientTests_Sqlite(SqliteApp app) : ApiClientTests(app), IClassFixture<SqliteApp>;

public sealed class ApiClientTests_Postgres(PostgresApp app) : ApiClientTests(app), IClassFixture<PostgresApp>;

/// <summary>A register configured as for production: no client secrets.</summary>
public sealed class NoSecretsSqliteApp : SqliteApp
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings => [new("Auth:AllowClientSecrets", "false")];
}

public sealed class NoSecretsPostgresApp : PostgresApp
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings => [new("Auth:AllowClientSecrets", "false")];
}

public abstract class ClientSecretPolicyTests(RegistryApp app)
{
    [Fact]
    public async Task AllowClientSecretsOff_RegistrationAndNewClientsMustRegisterKeys()
    {
        using var anonymous = app.Anonymous();
        using var withoutKeys = await anonymous.PostAsJsonAsync("/api/v1/participants", TestData.Registration());
        var problem = await withoutKeys.ReadProblem(HttpStatusCode.BadRequest, "request.validation_failed");
        Assert.Contains(problem.Errors!, e => e.Field == "jwks" && e.Code == "client.keys_required");

        using var adminKeys = ClientKeys.EcP256();
        var registration = await app.RegisterOnlyAsync(TestData.Registration() with { Jwks = adminKeys.Jwks() });
        Assert.Null(registration.ApiClient.ClientSecret);
        var (status, body) = await ClientKeys.RequestTokenAsync(anonymous, registration.ApiClient.ClientId,
            adminKeys.Assertion(registration.ApiClient.ClientId, new Uri(anonymous.BaseAddress!, "/").AbsoluteUri, "ES256"));
        Assert.True(status == 200, $"token refused: {status} {body}");
        using var admin = app.Anonymous();
        admin.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", body.GetProperty("access_token").GetString());

        using var secretClient = await admin.PostAsJsonAsync($"/api/v1/participants/{registration.ParticipantId}/clients",
            new CreateApiClientRequest { Name = "Secret", Permissions = ["participants:read"] });
        await secretClient.ReadProblem(HttpStatusCode.UnprocessableEntity, "client.keys_required");

        using var keys = ClientKeys.EcP256();
        var client = await ApiClientTests.CreateAsync(admin, registration.ParticipantId, ["participants:read"], keys.Jwks());
        Assert.Null(client.ClientSecret);
        Assert.Equal("private_key_jwt", client.Authentication);

        // The registry operator's bootstrap client keeps its configured secret.
        using var op = await app.OperatorAsync();
        using var read = await op.GetAsync($"/api/v1/participants/{registration.ParticipantId}");
        await read.ShouldHave(HttpStatusCode.OK);
    }
}

public sealed class ClientSecretPolicyTests_Sqlite(NoSecretsSqliteApp app) : ClientSecretPolicyTests(app), IClassFixture<NoSecretsSqliteApp>;

public sealed class ClientSecretPolicyTests_Postgres(NoSecretsPostgresApp app) : ClientSecretPolicyTests(app), IClassFixture<NoSecretsPostgresApp>;
