using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Serialization;
using FlexRegistry.Shared;

namespace FlexRegistry.Participants.Verification;

/// <summary>Configuration section <c>CompaniesHouse</c>. Without an API key, company registrations go to manual review.</summary>
public sealed class CompaniesHouseOptions
{
    public Uri BaseUrl { get; set; } = new("https://api.company-information.service.gov.uk/");
    public string? ApiKey { get; set; }
}

/// <summary>
/// Verifies companies against the Companies House public data API: <c>GET /company/{number}</c> with HTTP basic auth
/// (API key as user name, empty password). The registered name, <c>company_status</c> and registered-office postcode
/// must agree with the registration.
/// </summary>
public sealed class CompaniesHouseVerifier(HttpClient http, CompaniesHouseOptions options, ILogger<CompaniesHouseVerifier> logger)
    : IOrganisationVerifier
{
    public string Source => "companies-house";

    public bool AppliesTo(Participant participant) => participant.CompanyNumber is not null && !string.IsNullOrEmpty(options.ApiKey);

    public async Task<VerificationResult> VerifyAsync(Participant participant, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(options.BaseUrl, $"company/{Uri.EscapeDataString(participant.CompanyNumber!)}"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.ASCII.GetBytes(options.ApiKey + ":")));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, ct);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            logger.LogWarning(e, "Companies House could not be reached for {CompanyNumber}", participant.CompanyNumber);
            return VerificationResult.Unavailable("Companies House could not be reached.");
        }

        using (response)
        {
            if (response.StatusCode == HttpStatusCode.NotFound)
                return VerificationResult.Refuted($"Companies House has no company {participant.CompanyNumber}.");
            if (!response.IsSuccessStatusCode)
            {
                logger.LogWarning("Companies House answered {Status} for {CompanyNumber}", (int)response.StatusCode, participant.CompanyNumber);
                return VerificationResult.Unavailable($"Companies House answered {(int)response.StatusCode}.");
            }

            CompanyProfile? profile;
            try
            {
                profile = await response.Content.ReadFromJsonAsync<CompanyProfile>(ct);
            }
            catch (System.Text.Json.JsonException e)
            {
                logger.LogWarning(e, "Companies House sent an unreadable profile for {CompanyNumber}", participant.CompanyNumber);
                return VerificationResult.Unavailable("Companies House sent an unreadable answer.");
            }
            return profile is null ? VerificationResult.Unavailable("Companies House sent an empty answer.") : Compare(participant, profile);
        }
    }

    private static VerificationResult Compare(Participant participant, CompanyProfile profile)
    {
        var status = profile.CompanyStatus ?? "unknown";
        if (status is "dissolved" or "converted-closed" or "closed" or "removed")
            return VerificationResult.Refuted($"Companies House lists company {participant.CompanyNumber} as {status}.");

        var reasons = new List<string>();
        if (status != "active")
            reasons.Add($"company_status is '{status}', not 'active'");
        if (OrganisationName.Normalise(profile.CompanyName ?? "") != participant.NormalisedName)
            reasons.Add($"registered name is '{profile.CompanyName}', not '{participant.LegalName}'");
        var chPostcode = profile.RegisteredOfficeAddress?.PostalCode;
        if (!Postcode.TryParse(chPostcode, out var postcode) || postcode.Value != participant.RegisteredAddress.Postcode)
            reasons.Add($"registered office postcode is '{chPostcode}', not '{participant.RegisteredAddress.Postcode}'");

        return reasons.Count == 0
            ? VerificationResult.Verified($"Company {participant.CompanyNumber} is active; name and registered office postcode match.")
            : VerificationResult.Mismatch("Companies House: " + string.Join("; ", reasons) + ".");
    }

    /// <summary>The fields of Companies House's company profile resource that verification reads.</summary>
    internal sealed record CompanyProfile(
        [property: JsonPropertyName("company_name")] string? CompanyName,
        [property: JsonPropertyName("company_number")] string? CompanyNumber,
        [property: JsonPropertyName("company_status")] string? CompanyStatus,
        [property: JsonPropertyName("registered_office_address")] RegisteredOffice? RegisteredOfficeAddress);

    internal sealed record RegisteredOffice(
        [property: JsonPropertyName("address_line_1")] string? AddressLine1,
        [property: JsonPropertyName("locality")] string? Locality,
        [property: JsonPropertyName("postal_code")] string? PostalCode);
}
