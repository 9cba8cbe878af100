using System.Net;
using System.Net.Http.Json;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Tests.Infrastructure;

namespace FlexRegistry.Tests.Reads;

/// <summary>The people of BUC.2 step 6 and BUC.4 steps 4–6: FSPs registering assets, market operators reading them under the visibility rule.</summary>
internal static class ReadTestData
{
    /// <summary>A chargepoint with every field filled (meter points, address, exact location, consent) in DNO area <paramref name="dno"/>.</summary>
    public static RegisterAssetRequest FullChargepoint(int dno = 10, double latitude = 52.2053, double longitude = 0.1218) => TestData.Chargepoint(mpan: TestData.Mpan(dno)) with
    {
        ExportMpan = TestData.Mpan(dno),
        Location = new LocationDto { Latitude = latitude, Longitude = longitude },
        MarketQualifications = ["dso-sustain"],
    };

    public static async Task<string> RegisterAssetAsync(this HttpClient fsp, RegisterAssetRequest request)
    {
        using var response = await fsp.PostAsJsonAsync("/api/v1/assets", request);
        return (await response.Read<RegisterAssetResponse>(HttpStatusCode.Created)).AssetId;
    }

    public static async Task<(string Id, HttpClient Client)> MarketOperatorAsync(this RegistryApp app, string role = "market-operator")
    {
        var (registration, client) = await app.RegisterActiveAsync(TestData.Registration(roles: role));
        return (registration.ParticipantId, client);
    }

    public static async Task<(string Id, HttpClient Client)> FspAsync(this RegistryApp app)
    {
        var (registration, client) = await app.RegisterActiveAsync();
        return (registration.ParticipantId, client);
    }

    public static async Task<GrantResponse> GrantAsync(this HttpClient grantor, string grantorId, string part, string purpose = "procurement",
        string? grantee = null, string? role = null, IReadOnlyList<string>? assetIds = null)
    {
        using var response = await grantor.PostAsJsonAsync($"/api/v1/participants/{grantorId}/data-sharing-grants", new GiveGrantRequest
        {
            GranteeParticipantId = grantee,
            GranteeRole = role,
            Part = part,
            Purpose = purpose,
            AssetIds = assetIds,
            ExpiresAt = TimeProvider.System.GetUtcNow().AddDays(30),
        });
        return await response.Read<GrantResponse>(HttpStatusCode.Created);
    }

    public static async Task RevokeAsync(this HttpClient grantor, string grantorId, string grantId)
    {
        using var response = await grantor.PostAsJsonAsync($"/api/v1/participants/{grantorId}/data-sharing-grants/{grantId}/revoke",
            new RevokeGrantRequest { Reason = "Tender closed" });
        await response.ShouldHave(HttpStatusCode.OK);
    }

    public static async Task<AssetResponse> ReadAssetAsync(this HttpClient reader, string assetId, string? purpose = "procurement")
    {
        using var response = await reader.GetAsync($"/api/v1/assets/{assetId}" + (purpose is null ? "" : "?purpose=" + purpose));
        return await response.Read<AssetResponse>();
    }

    public static async Task<List<AccessLogEntryResponse>> AccessLogAsync(this HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        return [.. (await response.Read<Page<AccessLogEntryResponse>>()).Items];
    }

    /// <summary>The registry operator's view of every logged read by <paramref name="readerId"/>.</summary>
    public static async Task<int> LoggedReadsByAsync(this RegistryApp app, string readerId)
    {
        using var op = await app.OperatorAsync();
        return (await op.AccessLogAsync($"/api/v1/access-log?reader={readerId}&limit=500")).Count;
    }
}
