using FlexRegistry.Auth;
using FlexRegistry.Client;
using FlexRegistry.Tests.Infrastructure;

namespace FlexRegistry.Tests.Client;

/// <summary>The typed client integrators use, against the real service: tokens, calls, paging and problems.</summary>
public abstract class TypedClientTests(RegistryApp app)
{
    private FlexRegistryClient As(string clientId, string secret) =>
        FlexRegistryClient.Create(new Uri("http://localhost/"), clientId, secret, inner: app.Server.CreateHandler());

    [Fact]
    public async Task RegisterVerifyAndReadBack_ThroughTheTypedClient()
    {
        using var anonymousHttp = app.Anonymous();
        var anonymous = new FlexRegistryClient(anonymousHttp);
        var request = TestData.Registration();
        var registration = await anonymous.RegisterParticipantAsync(request, TestContext.Current.CancellationToken);

        var self = As(registration.ApiClient.ClientId, registration.ApiClient.ClientSecret!);
        var own = await self.GetParticipantAsync(registration.ParticipantId, TestContext.Current.CancellationToken);
        Assert.Equal(request.LegalName, own.LegalName);

        var registryOperator = As(ApiClient.BootstrapClientId, RegistryApp.OperatorSecret);
        var verified = await registryOperator.ChangeParticipantStatusAsync(registration.ParticipantId, "verify", "checked", TestContext.Current.CancellationToken);
        Assert.Equal("active", verified.Status);

        var found = await registryOperator.SearchAllParticipantsAsync(request.LegalName, ct: TestContext.Current.CancellationToken).ToListAsync(TestContext.Current.CancellationToken);
        Assert.Equal(registration.ParticipantId, Assert.Single(found).ParticipantId);
        Assert.Equal(14, (await self.GetDnoAreasAsync(TestContext.Current.CancellationToken)).Count);
    }

    [Fact]
    public async Task Problems_SurfaceAsExceptionsWithTheirStableCode()
    {
        using var anonymousHttp = app.Anonymous();
        var anonymous = new FlexRegistryClient(anonymousHttp);
        var request = TestData.Registration();
        var first = await anonymous.RegisterParticipantAsync(request, TestContext.Current.CancellationToken);

        var duplicate = await Assert.ThrowsAsync<FlexRegistryProblemException>(() => anonymous.RegisterParticipantAsync(request, TestContext.Current.CancellationToken));
        Assert.Equal(409, duplicate.Status);
        Assert.Equal("participant.already_registered", duplicate.Code);
        Assert.Equal(first.ParticipantId, duplicate.Problem.Extension("existingParticipantId"));

        var invalid = await Assert.ThrowsAsync<FlexRegistryProblemException>(() =>
            anonymous.RegisterParticipantAsync(request with { ContactEmail = "nope", CompanyNumber = TestData.CompanyNumber() }, TestContext.Current.CancellationToken));
        Assert.Equal("request.validation_failed", invalid.Code);
        Assert.Contains(invalid.Problem.Errors!, e => e.Field == "contactEmail" && e.Code == "email.invalid");
    }

    [Fact]
    public async Task ACredentialTheRegisterRefuses_FailsClearly()
    {
        var stranger = As("frc_unknown", "wrong");
        var error = await Assert.ThrowsAsync<HttpRequestException>(() => stranger.GetDnoAreasAsync(TestContext.Current.CancellationToken));
        Assert.Contains("invalid_client", error.Message, StringComparison.Ordinal);
    }
}

public sealed class TypedClientTests_Sqlite(SqliteApp app) : TypedClientTests(app), IClassFixture<SqliteApp>;

public sealed class TypedClientTests_Postgres(PostgresApp app) : TypedClientTests(app), IClassFixture<PostgresApp>;
