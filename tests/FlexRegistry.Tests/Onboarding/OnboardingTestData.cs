using System.Net;
using System.Net.Http.Json;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Tests.Infrastructure;

namespace FlexRegistry.Tests.Onboarding;

/// <summary>Markets and onboardings made over the API, so each test builds exactly what it asserts on.</summary>
internal static class OnboardingTestData
{
    /// <summary>The smallest valid PNG (1×1, transparent) and a PDF's first bytes.</summary>
    public static readonly byte[] Png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==");

    public static readonly byte[] Pdf = "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"u8.ToArray();

    public static MarketRequest Market(string? name = null, params string[] sections) => new()
    {
        Name = name ?? $"Flex market {Guid.NewGuid():N}"[..30],
        Description = "Local flexibility for the winter peak.",
        GspGroups = ["_C"],
        ContactEmail = "markets@dso.example",
        Requirements = new OnboardingRequirementsDto
        {
            CommercialSections = sections,
            Documents = [new RequiredDocumentDto { Code = "insurance-certificate", Description = "Certificate of public liability insurance." }],
            Rules = ["A dispatch test within the last six months."],
        },
    };

    public static async Task<MarketResponse> PublishAsync(this HttpClient mo, MarketRequest request)
    {
        using var response = await mo.PostAsJsonAsync("/api/v1/markets", request);
        return await response.Read<MarketResponse>(HttpStatusCode.Created);
    }

    public static async Task<OnboardingResponse> ApplyAsync(this HttpClient fsp, string marketId)
    {
        using var response = await fsp.PostAsJsonAsync($"/api/v1/markets/{marketId}/onboardings", new ApplyToMarketRequest { Note = "Aggregated chargepoints in London." });
        return await response.Read<OnboardingResponse>(HttpStatusCode.Created);
    }

    public static async Task<OnboardingResponse> OnboardingAsync(this HttpClient client, string onboardingId) =>
        await (await client.GetAsync($"/api/v1/onboardings/{onboardingId}")).Read<OnboardingResponse>();

    public static async Task<OnboardingRequestResponse> RaiseAsync(this HttpClient mo, string onboardingId, string kind, string description, string? subject = null)
    {
        using var response = await mo.PostAsJsonAsync($"/api/v1/onboardings/{onboardingId}/requests",
            new RaiseOnboardingRequest { Kind = kind, Description = description, Subject = subject });
        return await response.Read<OnboardingRequestResponse>(HttpStatusCode.Created);
    }

    public static async Task<HttpResponseMessage> UploadAsync(this HttpClient fsp, string onboardingId, string requestId, byte[] content, string contentType)
    {
        using var body = new ByteArrayContent(content);
        body.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        return await fsp.PutAsync($"/api/v1/onboardings/{onboardingId}/requests/{requestId}/document", body);
    }

    public static async Task<List<NoticeResponse>> NoticesAsync(this HttpClient client) =>
        [.. (await (await client.GetAsync("/api/v1/notices")).Read<Page<NoticeResponse>>()).Items];
}
