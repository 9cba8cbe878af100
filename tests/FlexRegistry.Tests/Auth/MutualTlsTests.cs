using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using FlexRegistry.Auth;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;

namespace FlexRegistry.Tests.Auth;

/// <summary>
/// RFC 8705 over real TLS: the register runs on Kestrel with HTTPS, asks for client certificates, and trusts a CA the
/// test made. A certificate-bound client's token carries cnf.x5t#S256 and works only over a connection presenting
/// that certificate.
/// </summary>
public abstract class MutualTlsTests(TestPki pki, Func<Uri> address)
{
    private HttpClient Over(System.Security.Cryptography.X509Certificates.X509Certificate2? certificate) => pki.Client(address(), certificate);

    private static async Task<(int Status, JsonElement Body)> TokenAsync(HttpClient http, string clientId, string secret)
    {
        using var response = await http.PostAsync(new Uri("/connect/token", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = clientId,
            ["client_secret"] = secret,
        }));
        return ((int)response.StatusCode, await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    private static async Task<string> AccessTokenAsync(HttpClient http, string clientId, string secret)
    {
        var (status, body) = await TokenAsync(http, clientId, secret);
        Assert.True(status == 200, $"token refused: {status} {body}");
        return body.GetProperty("access_token").GetString()!;
    }

    private static HttpRequestMessage Get(string path, string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }

    /// <summary>An active participant and a client of it created with <paramref name="certificate"/> (null: not bound).</summary>
    private async Task<(string ParticipantId, CreateApiClientResponse Client)> ClientAsync(ClientCertificateDto? certificate)
    {
        using var http = Over(null);
        using var registered = await http.PostAsJsonAsync("/api/v1/participants", TestData.Registration());
        var registration = await registered.Read<RegisterParticipantResponse>(HttpStatusCode.Created);
        var operatorToken = await AccessTokenAsync(http, ApiClient.BootstrapClientId, RegistryApp.OperatorSecret);
        using var verify = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/participants/{registration.ParticipantId}/verify")
        {
            Content = JsonContent.Create(new StatusActionRequest { Reason = "Checked by test" }),
        };
        verify.Headers.Authorization = new AuthenticationHeaderValue("Bearer", operatorToken);
        using (var verified = await http.SendAsync(verify))
            await verified.ShouldHave(HttpStatusCode.OK);
        var adminToken = await AccessTokenAsync(http, registration.ApiClient.ClientId, registration.ApiClient.ClientSecret!);
        using var create = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/participants/{registration.ParticipantId}/clients")
        {
            Content = JsonContent.Create(new CreateApiClientRequest { Name = "Dispatch", Permissions = ["participants:read"], Certificate = certificate }),
        };
        create.Headers.Authorization = new AuthenticationHeaderValue("Bearer", adminToken);
        using var created = await http.SendAsync(create);
        return (registration.ParticipantId, await created.Read<CreateApiClientResponse>(HttpStatusCode.Created));
    }

    [Fact]
    public async Task CertificateBoundToken_WorksOnlyOverItsOwnCertificate()
    {
        var thumbprint = ClientCertificates.Thumbprint(pki.ClientA);
        var (participantId, client) = await ClientAsync(new ClientCertificateDto { Thumbprint = thumbprint });
        Assert.Equal(thumbprint, client.Certificate?.Thumbprint);

        using var withA = Over(pki.ClientA);
        var token = await AccessTokenAsync(withA, client.ClientId, client.ClientSecret!);
        var cnf = new JsonWebToken(token).GetPayloadValue<JsonElement>("cnf");
        Assert.Equal(thumbprint, cnf.GetProperty("x5t#S256").GetString());

        var path = $"/api/v1/participants/{participantId}";
        using (var ok = await withA.SendAsync(Get(path, token)))
            await ok.ShouldHave(HttpStatusCode.OK);

        using var withB = Over(pki.ClientB);
        using (var other = await withB.SendAsync(Get(path, token)))
        {
            await other.ReadProblem(HttpStatusCode.Unauthorized, "auth.certificate_mismatch");
            Assert.Contains("invalid_token", other.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        }
        using var withNone = Over(null);
        using (var none = await withNone.SendAsync(Get(path, token)))
        {
            await none.ReadProblem(HttpStatusCode.Unauthorized, "auth.certificate_mismatch");
            Assert.Contains("invalid_token", none.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        }

        // The mismatches are in the audit trail, with the client and no token or certificate material.
        using var op = Over(null);
        var operatorToken = await AccessTokenAsync(op, ApiClient.BootstrapClientId, RegistryApp.OperatorSecret);
        using var audit = await op.SendAsync(Get($"/api/v1/audit?resource={client.ClientId}&limit=500", operatorToken));
        var raw = await audit.Content.ReadAsStringAsync();
        var records = (await audit.Read<Page<AuditRecordResponse>>()).Items.Where(r => r.Action == "access.certificate_mismatch").ToList();
        Assert.Equal(2, records.Count);
        Assert.All(records, r => Assert.Equal("refused", r.Outcome));
        Assert.DoesNotContain(token, raw, StringComparison.Ordinal);
        Assert.DoesNotContain(thumbprint, raw, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CertificateBoundClient_GetsNoToken_WithoutItsCertificate()
    {
        var (_, client) = await ClientAsync(new ClientCertificateDto { Thumbprint = ClientCertificates.Thumbprint(pki.ClientA) });
        using var withNone = Over(null);
        var (status, body) = await TokenAsync(withNone, client.ClientId, client.ClientSecret!);
        Assert.NotEqual(200, status);
        Assert.Equal("invalid_client", body.GetProperty("error").GetString());
        using var withB = Over(pki.ClientB);
        (status, body) = await TokenAsync(withB, client.ClientId, client.ClientSecret!);
        Assert.NotEqual(200, status);
        Assert.Equal("invalid_client", body.GetProperty("error").GetString());

        using var op = Over(null);
        var operatorToken = await AccessTokenAsync(op, ApiClient.BootstrapClientId, RegistryApp.OperatorSecret);
        using var audit = await op.SendAsync(Get($"/api/v1/audit?resource={client.ClientId}&limit=500", operatorToken));
        var refused = (await audit.Read<Page<AuditRecordResponse>>()).Items.Where(r => r.Action == "token.refused").ToList();
        Assert.Equal(2, refused.Count);
        Assert.All(refused, r => Assert.Equal(["client_certificate"], r.Fields));
    }

    [Fact]
    public async Task SubjectBoundClient_NeedsACertificateIssuedByTheTrustedCa()
    {
        var (participantId, client) = await ClientAsync(new ClientCertificateDto { SubjectDn = "CN=client-a, O=Test Flex Ltd" });

        // A self-signed certificate with the same subject is not enough.
        using var impostor = Over(pki.Impostor);
        var (status, body) = await TokenAsync(impostor, client.ClientId, client.ClientSecret!);
        Assert.NotEqual(200, status);
        Assert.Equal("invalid_client", body.GetProperty("error").GetString());
        // Another certificate of the same CA has another subject.
        using var withB = Over(pki.ClientB);
        (status, _) = await TokenAsync(withB, client.ClientId, client.ClientSecret!);
        Assert.NotEqual(200, status);

        using var withA = Over(pki.ClientA);
        var token = await AccessTokenAsync(withA, client.ClientId, client.ClientSecret!);
        using var ok = await withA.SendAsync(Get($"/api/v1/participants/{participantId}", token));
        await ok.ShouldHave(HttpStatusCode.OK);
        using var stolen = await impostor.SendAsync(Get($"/api/v1/participants/{participantId}", token));
        await stolen.ReadProblem(HttpStatusCode.Unauthorized, "auth.certificate_mismatch");
    }

    [Fact]
    public async Task ClientThatIsNotBound_GetsATokenWithoutCnf_ThatWorksWithOrWithoutACertificate()
    {
        var (participantId, client) = await ClientAsync(null);
        Assert.Null(client.Certificate);
        using var withA = Over(pki.ClientA);
        var token = await AccessTokenAsync(withA, client.ClientId, client.ClientSecret!);
        Assert.False(new JsonWebToken(token).TryGetPayloadValue<JsonElement>("cnf", out _));
        using var withNone = Over(null);
        using var read = await withNone.SendAsync(Get($"/api/v1/participants/{participantId}", token));
        await read.ShouldHave(HttpStatusCode.OK);
    }

    [Fact]
    public async Task CertificateRegistration_IsValidated_AllErrorsAtOnce()
    {
        using var http = Over(null);
        var operatorToken = await AccessTokenAsync(http, ApiClient.BootstrapClientId, RegistryApp.OperatorSecret);
        using var registered = await http.PostAsJsonAsync("/api/v1/participants", TestData.Registration());
        var registration = await registered.Read<RegisterParticipantResponse>(HttpStatusCode.Created);
        foreach (var (certificate, field) in new (ClientCertificateDto, string)[]
                 {
                     (new ClientCertificateDto(), "certificate"),
                     (new ClientCertificateDto { Thumbprint = "abc", SubjectDn = "CN=x" }, "certificate"),
                     (new ClientCertificateDto { Thumbprint = "not-a-thumbprint" }, "certificate.thumbprint"),
                     (new ClientCertificateDto { SubjectDn = "not a DN ===" }, "certificate.subjectDn"),
                 })
        {
            using var create = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/participants/{registration.ParticipantId}/clients")
            {
                Content = JsonContent.Create(new CreateApiClientRequest { Name = "", Permissions = ["participants:read"], Certificate = certificate }),
            };
            create.Headers.Authorization = new AuthenticationHeaderValue("Bearer", operatorToken);
            using var response = await http.SendAsync(create);
            var problem = await response.ReadProblem(HttpStatusCode.BadRequest, "request.validation_failed");
            Assert.Contains(problem.Errors!, e => e.Field == field && e.Code == "client.certificate_invalid");
            Assert.Contains(problem.Errors!, e => e.Field == "name");
        }
    }
}

public sealed class MutualTlsTests_Sqlite(MutualTlsSqliteApp app)
    : MutualTlsTests(app.Pki, () => app.Address), IClassFixture<MutualTlsSqliteApp>;

public sealed class MutualTlsTests_Postgres(MutualTlsPostgresApp app)
    : MutualTlsTests(app.Pki, () => app.Address), IClassFixture<MutualTlsPostgresApp>;
