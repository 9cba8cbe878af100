using System.Net;
using System.Net.Http.Headers;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Tests.Auth;
using FlexRegistry.Tests.Infrastructure;

namespace FlexRegistry.Tests.Audit;

/// <summary>
/// Refused attempts are in the audit trail (outcome "refused"): failed token requests for a known client, replayed
/// assertions, 403s. Never the secret or assertion; never for invented client IDs; at most a bounded number per minute.
/// </summary>
public abstract class RefusalAuditTests(RegistryApp app)
{
    private static string Audience(HttpClient http) => new Uri(http.BaseAddress!, "/").AbsoluteUri;

    private async Task<int> SecretTokenAsync(string clientId, string secret)
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

    private async Task<IReadOnlyList<AuditRecordResponse>> RecordsAsync(string resource)
    {
        using var op = await app.OperatorAsync();
        using var list = await op.GetAsync($"/api/v1/audit?resource={Uri.EscapeDataString(resource)}&limit=500");
        return (await list.Read<Page<AuditRecordResponse>>()).Items;
    }

    [Fact]
    public async Task WrongSecret_AndReplayedAssertion_AreRecordedAsRefused_WithoutTheCredential()
    {
        var (registration, admin) = await app.RegisterActiveAsync();
        using (admin)
        {
            const string wrong = "definitely-not-the-secret-3f9a";
            Assert.NotEqual(200, await SecretTokenAsync(registration.ApiClient.ClientId, wrong));

            using var keys = ClientKeys.EcP256();
            var keyClient = await ApiClientTests.CreateAsync(admin, registration.ParticipantId, ["participants:read"], keys.Jwks());
            using var http = app.Anonymous();
            var assertion = keys.Assertion(keyClient.ClientId, Audience(http), "ES256");
            var (first, _) = await ClientKeys.RequestTokenAsync(http, keyClient.ClientId, assertion);
            Assert.Equal(200, first);
            var (replay, _) = await ClientKeys.RequestTokenAsync(http, keyClient.ClientId, assertion);
            Assert.NotEqual(200, replay);

            var secretRefusal = Assert.Single(await RecordsAsync(registration.ApiClient.ClientId), r => r.Action == "token.refused");
            Assert.Equal("refused", secretRefusal.Outcome);
            Assert.Equal(["client_secret"], secretRefusal.Fields);
            Assert.Equal(registration.ParticipantId, secretRefusal.SubjectParticipantId);
            Assert.Null(secretRefusal.ActorClientId); // not authenticated: the attempt is about the client, not by it

            var replayRefusal = Assert.Single(await RecordsAsync(keyClient.ClientId), r => r.Action == "token.refused");
            Assert.Equal(["client_assertion"], replayRefusal.Fields);

            // The participant sees refusals about its own clients; nobody sees the credential.
            using var mine = await admin.GetAsync("/api/v1/audit?limit=500");
            var raw = await mine.Content.ReadAsStringAsync();
            Assert.Contains("token.refused", raw, StringComparison.Ordinal);
            Assert.DoesNotContain(wrong, raw, StringComparison.Ordinal);
            Assert.DoesNotContain(assertion, raw, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task UnknownClientIds_LeaveNoRecord()
    {
        var invented = "frc_invented" + Guid.NewGuid().ToString("N")[..8];
        Assert.NotEqual(200, await SecretTokenAsync(invented, "whatever"));
        Assert.Empty(await RecordsAsync(invented));
    }

    [Fact]
    public async Task Forbidden_IsRecordedAsAccessDenied_WithTheEndpointAndPolicy()
    {
        var (registration, admin) = await app.RegisterActiveAsync();
        admin.Dispose();
        var token = await app.TokenAsync(registration.ApiClient.ClientId, registration.ApiClient.ClientSecret!, "participants:read");
        using var narrowed = app.Anonymous();
        narrowed.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var denied = await narrowed.GetAsync($"/api/v1/participants/{registration.ParticipantId}/commercial-information");
        await denied.ShouldHave(HttpStatusCode.Forbidden);
        using var operatorOnly = await narrowed.PostAsync(new Uri("/api/v1/audit/verify", UriKind.Relative), null);
        await operatorOnly.ShouldHave(HttpStatusCode.Forbidden);

        using var op = await app.OperatorAsync();
        using var list = await op.GetAsync("/api/v1/audit?limit=500");
        var records = (await list.Read<Page<AuditRecordResponse>>()).Items
            .Where(r => r.Action == "access.denied" && r.ActorClientId == registration.ApiClient.ClientId).ToList();
        Assert.Equal(2, records.Count);
        Assert.All(records, r => Assert.Equal("refused", r.Outcome));
        Assert.All(records, r => Assert.Equal(registration.ParticipantId, r.ActorParticipantId));
        Assert.Contains(records, r => r.Fields.Contains("scope:commercial:read"));
    }

    [Fact]
    public async Task AFloodOfRefusals_IsRecordedOnlyUpToThePerMinuteCap()
    {
        var registration = await app.RegisterOnlyAsync();
        for (var i = 0; i < 25; i++)
            Assert.NotEqual(200, await SecretTokenAsync(registration.ApiClient.ClientId, "wrong-" + i));
        var refused = (await RecordsAsync(registration.ApiClient.ClientId)).Count(r => r.Action == "token.refused");
        Assert.Equal(20, refused); // Audit:RefusalsPerClientPerMinute default
        // The cap is per client: another client's refusals are still recorded.
        var other = await app.RegisterOnlyAsync();
        Assert.NotEqual(200, await SecretTokenAsync(other.ApiClient.ClientId, "wrong"));
        Assert.Single(await RecordsAsync(other.ApiClient.ClientId), r => r.Action == "token.refused");
    }
}

public sealed class RefusalAuditTests_Sqlite(SqliteApp app) : RefusalAuditTests(app), IClassFixture<SqliteApp>;

public sealed class RefusalAuditTests_Postgres(PostgresApp app) : RefusalAuditTests(app), IClassFixture<PostgresApp>;
