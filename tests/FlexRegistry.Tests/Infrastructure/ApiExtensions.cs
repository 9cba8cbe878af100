using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FlexRegistry.Client.Contracts;

namespace FlexRegistry.Tests.Infrastructure;

public static class ApiExtensions
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// The operator's action on a participant (verify, reject, suspend, reinstate); the answer is read as a participant.
    /// Not retried: a just-registered participant that the verification worker changes at the same moment no longer
    /// answers 409 (ParticipantStatusRaceTests).
    /// </summary>
    public static async Task<ParticipantResponse> ActOnParticipantAsync(this HttpClient op, string id, string action, string reason)
    {
        using var response = await op.PostAsJsonAsync($"/api/v1/participants/{id}/{action}", new StatusActionRequest { Reason = reason });
        return await response.Read<ParticipantResponse>();
    }

    /// <summary>Registers anonymously and returns the answer only.</summary>
    public static async Task<RegisterParticipantResponse> RegisterOnlyAsync(this RegistryApp app, RegisterParticipantRequest? request = null)
    {
        using var anonymous = app.Anonymous();
        using var response = await anonymous.PostAsJsonAsync("/api/v1/participants", request ?? TestData.Registration());
        return await response.Read<RegisterParticipantResponse>(HttpStatusCode.Created);
    }

    /// <summary>Registers and returns the answer plus a client authenticated as the new participant.</summary>
    public static async Task<(RegisterParticipantResponse Registration, HttpClient Client)> RegisterAsync(
        this RegistryApp app, RegisterParticipantRequest? request = null)
    {
        using var anonymous = app.Anonymous();
        using var response = await anonymous.PostAsJsonAsync("/api/v1/participants", request ?? TestData.Registration());
        await response.ShouldHave(HttpStatusCode.Created);
        var registration = (await response.Content.ReadFromJsonAsync<RegisterParticipantResponse>(Json))!;
        var client = await app.AuthenticatedAsync(registration.ApiClient.ClientId, registration.ApiClient.ClientSecret!);
        return (registration, client);
    }

    /// <summary>Registers and has the registry operator verify it, as a normal active participant.</summary>
    public static async Task<(RegisterParticipantResponse Registration, HttpClient Client)> RegisterActiveAsync(
        this RegistryApp app, RegisterParticipantRequest? request = null)
    {
        var (registration, client) = await app.RegisterAsync(request);
        using var op = await app.OperatorAsync();
        // Not retried: a verification worker changing the same record at this moment does not make the action answer 409.
        using var verified = await op.PostAsJsonAsync($"/api/v1/participants/{registration.ParticipantId}/verify", new StatusActionRequest { Reason = "Checked by test" });
        await verified.ShouldHave(HttpStatusCode.OK);
        return (registration, client);
    }

    public static async Task ShouldHave(this HttpResponseMessage response, HttpStatusCode expected)
    {
        if (response.StatusCode != expected)
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.Fail($"Expected {(int)expected} {expected} but got {(int)response.StatusCode} {response.StatusCode}: {body}");
        }
    }

    public static async Task<T> Read<T>(this HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        await response.ShouldHave(expected);
        return (await response.Content.ReadFromJsonAsync<T>(Json))!;
    }

    /// <summary>Reads an RFC 9457 problem and checks its status, media type and stable code.</summary>
    public static async Task<Problem> ReadProblem(this HttpResponseMessage response, HttpStatusCode status, string code)
    {
        await response.ShouldHave(status);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = (await response.Content.ReadFromJsonAsync<Problem>(Json))!;
        Assert.Equal(code, problem.Code);
        Assert.Equal((int)status, problem.Status);
        return problem;
    }
}

public sealed record Problem(
    string? Type,
    string? Title,
    int Status,
    string? Detail,
    string? Code,
    string? TraceId,
    string? ExistingParticipantId,
    string? ExistingAssetId,
    IReadOnlyList<FieldErrorDto>? Errors);
