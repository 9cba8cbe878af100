using System.Net;
using System.Net.Http.Json;
using System.Reflection;
using System.Text;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Tests.Infrastructure;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;

namespace FlexRegistry.Tests.Platform;

/// <summary>Bad input gets a clear RFC 9457 problem with a stable code and every field error at once, and changes nothing.</summary>
public abstract class ProblemResponseTests(RegistryApp app)
{
    [Fact]
    public async Task BUC4_Step1_InvalidRegistration_ListsEveryErrorAtOnce_AndStoresNothing()
    {
        var name = "Broken Input " + Guid.NewGuid().ToString("N")[..8];
        var request = new RegisterParticipantRequest
        {
            LegalName = name,
            CompanyNumber = "12345X78",
            EicCode = "10YGB----------B",
            VatNumber = "GB123456789",
            RegisteredAddress = new AddressDto { Line1 = "1 Road", Town = "Town", Postcode = "QQ1 1AA" },
            ContactEmail = "not-an-email",
            RequestedRoles = ["fsp", "emperor"],
            AuthorisedPerson = new AuthorisedPersonDto { Name = "A", Email = "a@b" },
            Declaration = false,
        };
        using var anonymous = app.Anonymous();
        using var response = await anonymous.PostAsJsonAsync("/api/v1/participants", request);
        var problem = await response.ReadProblem(HttpStatusCode.BadRequest, "request.validation_failed");

        Assert.Equal(
            new[]
            {
                "companyNumber:company_number.invalid", "eicCode:eic.invalid", "vatNumber:vat_number.invalid",
                "registeredAddress.postcode:postcode.invalid", "contactEmail:email.invalid", "requestedRoles[1]:participant.role_unknown",
                "authorisedPerson.email:email.invalid", "declaration:participant.declaration_required",
            },
            problem.Errors!.Select(e => $"{e.Field}:{e.Code}"));
        Assert.StartsWith("https://flexregistry.org.uk/problems/", problem.Type, StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(problem.TraceId));

        using var op = await app.OperatorAsync();
        var stored = await (await op.GetAsync($"/api/v1/participants?query={Uri.EscapeDataString(name)}&status=provisional")).Read<Page<DirectoryEntry>>();
        Assert.Empty(stored.Items);
    }

    [Fact]
    public async Task MissingFields_AreEachReported()
    {
        using var anonymous = app.Anonymous();
        using var response = await anonymous.PostAsync(new Uri("/api/v1/participants", UriKind.Relative), Json("{}"));
        var problem = await response.ReadProblem(HttpStatusCode.BadRequest, "request.validation_failed");
        Assert.Equal(
            ["legalName", "companyNumber", "registeredAddress", "contactEmail", "requestedRoles", "authorisedPerson", "declaration"],
            problem.Errors!.Select(e => e.Field));
    }

    [Theory]
    [InlineData("{\"legalName\": ")]
    [InlineData("not json at all")]
    [InlineData("{\"legalName\": 42}")]
    [InlineData("[1,2,3]")]
    public async Task MalformedJson_IsA400ProblemWithAStableCode(string body)
    {
        using var anonymous = app.Anonymous();
        using var response = await anonymous.PostAsync(new Uri("/api/v1/participants", UriKind.Relative), Json(body));
        var problem = await response.ReadProblem(HttpStatusCode.BadRequest, "request.malformed_json");
        Assert.NotEmpty(problem.Errors!);
    }

    [Fact]
    public async Task ServerOwnedFieldsInABody_AreRefused_AndNeverTakeEffect()
    {
        var request = TestData.Registration();
        var json = System.Text.Json.JsonSerializer.Serialize(request, ApiExtensions.Json);
        var withStatus = json[..^1] + ",\"status\":\"active\",\"participantId\":\"FRP-00000000000000\",\"roles\":[\"registry-operator\"]}";
        using var anonymous = app.Anonymous();
        using var response = await anonymous.PostAsync(new Uri("/api/v1/participants", UriKind.Relative), Json(withStatus));
        await response.ReadProblem(HttpStatusCode.BadRequest, "request.malformed_json");

        // Nothing was stored: the same registration is still free to make.
        var (registration, client) = await app.RegisterAsync(request);
        client.Dispose();
        Assert.Equal("provisional", registration.Status);
    }

    [Fact]
    public async Task OversizeBody_Is413()
    {
        using var anonymous = app.Anonymous();
        var huge = "{\"legalName\":\"" + new string('x', 2 * 1024 * 1024) + "\"}";
        using var response = await anonymous.PostAsync(new Uri("/api/v1/participants", UriKind.Relative), Json(huge));
        await response.ReadProblem(HttpStatusCode.RequestEntityTooLarge, "request.body_too_large");
    }

    [Fact]
    public async Task DeeplyNestedJson_IsRefused()
    {
        using var anonymous = app.Anonymous();
        var deep = "{\"registeredAddress\":" + string.Concat(Enumerable.Repeat("[", 100)) + string.Concat(Enumerable.Repeat("]", 100)) + "}";
        using var response = await anonymous.PostAsync(new Uri("/api/v1/participants", UriKind.Relative), Json(deep));
        await response.ReadProblem(HttpStatusCode.BadRequest, "request.malformed_json");
    }

    [Fact]
    public async Task WrongMediaType_Is415()
    {
        using var anonymous = app.Anonymous();
        using var response = await anonymous.PostAsync(new Uri("/api/v1/participants", UriKind.Relative), new StringContent("legalName=x", Encoding.UTF8, "text/plain"));
        await response.ReadProblem(HttpStatusCode.UnsupportedMediaType, "request.unsupported_media_type");
    }

    [Fact]
    public async Task UnknownRoute_Is404_AndWrongMethod_Is405()
    {
        using var op = await app.OperatorAsync();
        using var missing = await op.GetAsync("/api/v1/no-such-thing");
        await missing.ReadProblem(HttpStatusCode.NotFound, "resource.not_found");
        using var wrongMethod = await op.DeleteAsync("/api/v1/participants");
        await wrongMethod.ReadProblem(HttpStatusCode.MethodNotAllowed, "request.method_not_allowed");
    }

    [Fact]
    public async Task MissingOrBadToken_Is401Problem()
    {
        using var anonymous = app.Anonymous();
        using var none = await anonymous.GetAsync("/api/v1/participants");
        await none.ReadProblem(HttpStatusCode.Unauthorized, "auth.unauthenticated");
        using var bad = new HttpRequestMessage(HttpMethod.Get, "/api/v1/participants");
        bad.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.");
        using var badResponse = await anonymous.SendAsync(bad);
        await badResponse.ReadProblem(HttpStatusCode.Unauthorized, "auth.unauthenticated");
    }

    /// <summary>
    /// A failure half-way through registration (after the participant row is written, while the client credential is
    /// created) answers 500 without internals and leaves nothing behind: the transaction rolls back.
    /// </summary>
    [Fact]
    public async Task FailureMidRegistration_Is500WithoutInternals_AndStoresNothing()
    {
        // The bootstrap also uses the application store, so it is switched off in the faulty host.
        await using var failing = app.WithWebHostBuilder(b => b
            .UseSetting("Registry:OperatorClientSecret", "")
            .ConfigureTestServices(services => services.AddScoped(_ => FailingApplicationManager.Create())));
        var request = TestData.Registration();
        using var anonymous = failing.CreateClient();
        using var response = await anonymous.PostAsJsonAsync("/api/v1/participants", request);
        var problem = await response.ReadProblem(HttpStatusCode.InternalServerError, "server.error");
        var body = System.Text.Json.JsonSerializer.Serialize(problem);
        Assert.DoesNotContain(FailingApplicationManager.Secret, body, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", body, StringComparison.Ordinal);

        // The half-written registration was rolled back: the same company registers cleanly.
        var (registration, client) = await app.RegisterAsync(request);
        client.Dispose();
        Assert.Equal("provisional", registration.Status);
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    /// <summary>An application store that fails on use, to inject a fault inside the registration transaction.</summary>
    public class FailingApplicationManager : DispatchProxy
    {
        public const string Secret = "database password is hunter2";

        public static IOpenIddictApplicationManager Create() => Create<IOpenIddictApplicationManager, FailingApplicationManager>();

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
            throw new InvalidOperationException(Secret);
    }
}

public sealed class ProblemResponseTests_Sqlite(SqliteApp app) : ProblemResponseTests(app), IClassFixture<SqliteApp>;

public sealed class ProblemResponseTests_Postgres(PostgresApp app) : ProblemResponseTests(app), IClassFixture<PostgresApp>;
