using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using FlexRegistry.Client;
using FlexRegistry.Client.Contracts;

namespace FlexRegistry.Bench;

/// <summary>Set-up against a running register: a fresh participant of its own and an access token for it.</summary>
public static class Registry
{
    public static HttpClient Http(Uri baseAddress, int connections = 512) =>
        new(new SocketsHttpHandler { MaxConnectionsPerServer = connections, PooledConnectionLifetime = Timeout.InfiniteTimeSpan, UseCookies = false })
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromSeconds(60),
        };

    /// <summary>Registers a participant anonymously (FSP) and returns its API client's credentials.</summary>
    public static async Task<ApiClientCredentials> RegisterParticipantAsync(HttpClient http)
    {
        var n = RandomNumberGenerator.GetInt32(10_000_000, 99_999_999);
        var request = new RegisterParticipantRequest
        {
            LegalName = $"Bench Flex {n} Ltd",
            CompanyNumber = n.ToString(System.Globalization.CultureInfo.InvariantCulture),
            RegisteredAddress = new AddressDto { Line1 = "1 Station Road", Town = "Cambridge", Postcode = "CB1 2AB" },
            ContactEmail = "bench@flex.example",
            RequestedRoles = ["fsp"],
            AuthorisedPerson = new AuthorisedPersonDto { Name = "Bench Director", Email = "director@flex.example" },
            Declaration = true,
        };
        using var response = await http.PostAsJsonAsync("api/v1/participants", request, FlexRegistryClient.Json);
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"registration failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<RegisterParticipantResponse>(FlexRegistryClient.Json))!.ApiClient;
    }

    public static async Task<string> TokenAsync(HttpClient http, string clientId, string clientSecret)
    {
        using var response = await http.PostAsync("connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = clientId,
            ["client_secret"] = clientSecret,
        }));
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"token request failed: {(int)response.StatusCode} {body}");
        return body.GetProperty("access_token").GetString()!;
    }

    public static System.Net.Http.Headers.AuthenticationHeaderValue Bearer(string token) => new("Bearer", token);

    /// <summary>A system operator (a reader of every asset's public groups): registered, verified by the registry operator, with its client's token.</summary>
    public static async Task<(RegisterParticipantResponse Registration, string Token)> VerifiedSystemOperatorAsync(HttpClient http, string operatorSecret)
    {
        var n = RandomNumberGenerator.GetInt32(10_000_000, 99_999_999);
        using var registered = await http.PostAsJsonAsync("api/v1/participants", new RegisterParticipantRequest
        {
            LegalName = $"Bench DSO {n} Ltd",
            CompanyNumber = n.ToString(CultureInfo.InvariantCulture),
            RegisteredAddress = new AddressDto { Line1 = "1 Grid Lane", Town = "Reading", Postcode = "RG1 1AA" },
            ContactEmail = "bench@dso.example",
            RequestedRoles = ["system-operator"],
            AuthorisedPerson = new AuthorisedPersonDto { Name = "Bench Director", Email = "director@dso.example" },
            Declaration = true,
        }, FlexRegistryClient.Json);
        registered.EnsureSuccessStatusCode();
        var registration = (await registered.Content.ReadFromJsonAsync<RegisterParticipantResponse>(FlexRegistryClient.Json))!;
        using var op = new HttpRequestMessage(HttpMethod.Post, $"api/v1/participants/{registration.ParticipantId}/verify")
        {
            Content = JsonContent.Create(new StatusActionRequest { Reason = "Benchmark" }, options: FlexRegistryClient.Json),
        };
        op.Headers.Authorization = Bearer(await TokenAsync(http, "registry-operator", operatorSecret));
        using var verified = await http.SendAsync(op);
        verified.EnsureSuccessStatusCode();
        return (registration, await TokenAsync(http, registration.ApiClient.ClientId, registration.ApiClient.ClientSecret!));
    }
}

