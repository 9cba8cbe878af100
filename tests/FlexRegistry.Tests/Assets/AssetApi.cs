using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Persistence;
using FlexRegistry.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FlexRegistry.Tests.Assets;

/// <summary>The asset calls the lifecycle tests make, over HTTP like any integrator.</summary>
public static class AssetApi
{
    public static async Task<(AssetResponse Asset, string ETag)> RegisterAsync(HttpClient client, RegisterAssetRequest? request = null)
    {
        using var created = await client.PostAsJsonAsync("/api/v1/assets", request ?? TestData.Chargepoint());
        var registered = await created.Read<RegisterAssetResponse>(HttpStatusCode.Created);
        return await ReadAsync(client, registered.AssetId);
    }

    public static async Task<(AssetResponse Asset, string ETag)> ReadAsync(HttpClient client, string id)
    {
        using var response = await client.GetAsync($"/api/v1/assets/{id}");
        var asset = await response.Read<AssetResponse>();
        return (asset, response.Headers.ETag!.Tag);
    }

    public static RegisterAssetRequest Planned() =>
        TestData.Chargepoint() with { Status = "planned", CommissioningDate = DateOnly.FromDateTime(TimeProvider.System.GetUtcNow().UtcDateTime.AddMonths(2)) };

    public static async Task<HttpResponseMessage> PatchAsync(HttpClient client, string id, string json, string? etag)
    {
        using var message = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/assets/{id}")
        {
            Content = new StringContent(json, Encoding.UTF8, "application/merge-patch+json"),
        };
        if (etag is not null)
            message.Headers.TryAddWithoutValidation("If-Match", etag);
        return await client.SendAsync(message);
    }

    /// <summary>PATCHes and expects 200; returns the new representation and ETag.</summary>
    public static async Task<(AssetResponse Asset, string ETag)> PatchOkAsync(HttpClient client, string id, string json, string etag)
    {
        using var response = await PatchAsync(client, id, json, etag);
        var asset = await response.Read<AssetResponse>();
        return (asset, response.Headers.ETag!.Tag);
    }

    public static async Task<HttpResponseMessage> TransitionAsync<T>(HttpClient client, string id, string transition, T body, string? etag)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, $"/api/v1/assets/{id}/{transition}") { Content = JsonContent.Create(body, options: ApiExtensions.Json) };
        if (etag is not null)
            message.Headers.TryAddWithoutValidation("If-Match", etag);
        return await client.SendAsync(message);
    }

    public static async Task<(AssetResponse Asset, string ETag)> TransitionOkAsync<T>(HttpClient client, string id, string transition, T body, string etag)
    {
        using var response = await TransitionAsync(client, id, transition, body, etag);
        var asset = await response.Read<AssetResponse>();
        return (asset, response.Headers.ETag!.Tag);
    }

    public static async Task<AssetHistoryPage> HistoryAsync(HttpClient client, string id, string query = "")
    {
        using var response = await client.GetAsync($"/api/v1/assets/{id}/history{query}");
        return await response.Read<AssetHistoryPage>();
    }

    /// <summary>An active participant holding <paramref name="role"/> (a household when <paramref name="individual"/>).</summary>
    public static async Task<(string Id, HttpClient Client)> ParticipantAsync(RegistryApp app, string role, bool individual = false)
    {
        var request = TestData.Registration(roles: role);
        if (individual)
            request = request with { CompanyNumber = null, Individual = true, LegalName = "Sam Householder " + Guid.NewGuid().ToString("N")[..6] };
        var (registration, client) = await app.RegisterActiveAsync(request);
        return (registration.ParticipantId, client);
    }

    public static async Task<AssetPartyResponse> RequestPartyAsync(HttpClient client, string assetId, AssetPartyRequest request, HttpStatusCode expected = HttpStatusCode.Created)
    {
        using var response = await client.PostAsJsonAsync($"/api/v1/assets/{assetId}/parties", request, ApiExtensions.Json);
        return await response.Read<AssetPartyResponse>(expected);
    }

    public static Task<HttpResponseMessage> DecideAsync<T>(HttpClient client, string assetId, string partyId, string decision, T body) =>
        client.PostAsJsonAsync($"/api/v1/assets/{assetId}/parties/{partyId}/{decision}", body, ApiExtensions.Json);

    /// <summary>The registrant invites <paramref name="participant"/> in <paramref name="role"/> and it accepts: an active party.</summary>
    public static async Task<AssetPartyResponse> AttachAsync(HttpClient registrant, HttpClient participantClient, string participant, string assetId, string role,
        OwnerConsentDto? consent = null)
    {
        var invited = await RequestPartyAsync(registrant, assetId, new AssetPartyRequest { Role = role, ParticipantId = participant, OwnerConsent = consent });
        using var accepted = await DecideAsync(participantClient, assetId, invited.PartyId!, "accept", new AcceptAssetPartyRequest());
        return await accepted.Read<AssetPartyResponse>();
    }

    public static OwnerConsentDto Consent(string? reference = null) =>
        new() { Reference = reference ?? "OWNER-" + Guid.NewGuid().ToString("N")[..8], Method = "online-form", Date = new DateOnly(2025, 3, 1) };

    /// <summary>The events recorded about an asset, oldest first (type and audience), read from the event log itself.</summary>
    public static async Task<IReadOnlyList<(string Type, string Audience, string Data)>> EventsAsync(RegistryApp app, string assetId)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        var rows = await db.Events.AsNoTracking().Where(e => e.Subject == assetId).OrderBy(e => e.Position)
            .Select(e => new { e.Type, e.Audience, e.DataJson }).ToListAsync();
        return [.. rows.Select(r => (r.Type, r.Audience, r.DataJson))];
    }

    public static EntityTagHeaderValue Tag(string etag) => EntityTagHeaderValue.Parse(etag);
}
