using System.Net;
using System.Net.Http.Json;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Tests.Infrastructure;

namespace FlexRegistry.Tests.Market;

/// <summary>Products, portfolios, members, claims and contracts made over the API, so each test builds exactly what it asserts on.</summary>
public static class MarketTestData
{
    public static DateTimeOffset Now => TimeProvider.System.GetUtcNow();

    public static DateOnly Today => DateOnly.FromDateTime(Now.UtcDateTime);

    /// <summary>Weekdays 17:00–19:00 in December and January: the seed's "Sustain" shape.</summary>
    public static ServiceWindowDto WinterPeak => new() { Recurrence = "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYMONTH=12,1", Start = "17:00", End = "19:00" };

    /// <summary>Every day 16:00–20:00, all year.</summary>
    public static ServiceWindowDto EveningAllYear => new() { Recurrence = "FREQ=DAILY", Start = "16:00", End = "20:00" };

    /// <summary>Weekend mornings: never meets <see cref="WinterPeak"/>.</summary>
    public static ServiceWindowDto WeekendMornings => new() { Recurrence = "FREQ=WEEKLY;BYDAY=SA,SU", Start = "06:00", End = "10:00" };

    public static DateOnly Year => Today.AddDays(-1);

    public static ProductRequest Product(string template, params ServiceWindowDto[] windows) => new()
    {
        Template = template,
        Name = $"{template} {Guid.NewGuid():N}"[..40],
        Direction = "up",
        CapacityKw = 10_000m,
        ValidFrom = Year,
        ValidTo = Year.AddYears(1),
        Windows = windows.Length == 0 ? [WinterPeak] : windows,
    };

    public static Task<(RegisterParticipantResponse Registration, HttpClient Client)> RegisterSystemOperatorAsync(this RegistryApp app) =>
        app.RegisterActiveAsync(TestData.Registration(roles: "system-operator"));

    public static async Task<string> DefineProductAsync(this HttpClient so, string template, params ServiceWindowDto[] windows)
    {
        using var response = await so.PostAsJsonAsync("/api/v1/products", Product(template, windows));
        return (await response.Read<ProductResponse>(HttpStatusCode.Created)).ProductId;
    }

    public static async Task<string> RegisterPortfolioAsync(this HttpClient fsp)
    {
        using var response = await fsp.PostAsJsonAsync("/api/v1/assets", new RegisterAssetRequest
        {
            Type = "portfolio",
            SerialNumber = "PF-" + Guid.NewGuid().ToString("N")[..10],
            Status = "commissioned",
            CommissioningDate = Today.AddDays(-100),
        });
        return (await response.Read<RegisterAssetResponse>(HttpStatusCode.Created)).AssetId;
    }

    /// <summary>A 7.4 kW chargepoint, or one with the given import capacity.</summary>
    public static async Task<(string AssetId, RegisterAssetRequest Request)> RegisterChargepointAsync(this HttpClient fsp, decimal? importKw = null)
    {
        var request = TestData.Chargepoint() with { ImportCapacityKw = importKw ?? 7.4m };
        using var response = await fsp.PostAsJsonAsync("/api/v1/assets", request);
        return ((await response.Read<RegisterAssetResponse>(HttpStatusCode.Created)).AssetId, request);
    }

    public static Task<PortfolioMembersChangedResponse> AddMembersAsync(this HttpClient fsp, string portfolio, params (string AssetId, decimal? CapacityKw)[] members) =>
        fsp.AddMembersFromAsync(portfolio, Now.AddDays(-1), members);

    public static async Task<PortfolioMembersChangedResponse> AddMembersFromAsync(this HttpClient fsp, string portfolio, DateTimeOffset from,
        params (string AssetId, decimal? CapacityKw)[] members)
    {
        using var response = await fsp.PostAsJsonAsync($"/api/v1/portfolios/{portfolio}/members", new AddPortfolioMembersRequest
        {
            Members = [.. members.Select(m => new PortfolioMemberDto { AssetId = m.AssetId, CapacityKw = m.CapacityKw })],
            From = from,
        });
        return await response.Read<PortfolioMembersChangedResponse>();
    }

    public static ProposeContractRequest Contract(string portfolio, string product, decimal kw = 5m) => new()
    {
        PortfolioId = portfolio,
        ProductId = product,
        From = Now.AddDays(-1),
        To = Now.AddDays(300),
        ContractedCapacityKw = kw,
        Reference = "REF-" + Guid.NewGuid().ToString("N")[..8],
    };

    public static async Task<ContractWithConflictsResponse> ProposeAsync(this HttpClient proposer, ProposeContractRequest request)
    {
        using var response = await proposer.PostAsJsonAsync("/api/v1/contracts", request);
        return await response.Read<ContractWithConflictsResponse>(HttpStatusCode.Created);
    }

    public static async Task<ContractWithConflictsResponse> AcceptAsync(this HttpClient other, string contractId)
    {
        using var response = await other.PostAsync($"/api/v1/contracts/{contractId}/accept", null);
        return await response.Read<ContractWithConflictsResponse>();
    }

    /// <summary>The seller proposes, the buyer accepts: an active contract.</summary>
    public static async Task<ContractWithConflictsResponse> ContractAsync(HttpClient seller, HttpClient buyer, string portfolio, string product, decimal kw = 5m)
    {
        var proposed = await seller.ProposeAsync(Contract(portfolio, product, kw));
        return await buyer.AcceptAsync(proposed.Contract.ContractId);
    }

    public static OperatorClaimRequest Claim(string asset, string serviceClass, DateTimeOffset from, DateTimeOffset? to = null) => new()
    {
        AssetId = asset,
        ServiceClass = serviceClass,
        From = from,
        To = to,
        Consent = new ConsentEvidenceDto { Reference = "OWNER-OK-" + Guid.NewGuid().ToString("N")[..8], Method = "signed-contract", Date = Today.AddDays(-30) },
    };

    public static async Task<IReadOnlyList<NoticeResponse>> NoticesAsync(this HttpClient client) =>
        (await (await client.GetAsync("/api/v1/notices")).Read<Page<NoticeResponse>>()).Items;

    public static async Task<IReadOnlyList<ConflictResponse>> ConflictsAsync(this HttpClient client, string query = "") =>
        (await (await client.GetAsync("/api/v1/conflicts" + query)).Read<Page<ConflictResponse>>()).Items;
}
