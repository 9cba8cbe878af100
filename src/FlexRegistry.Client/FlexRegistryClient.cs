using System.Net.Http.Json;
using System.Text.Json;
using FlexRegistry.Client.Contracts;

namespace FlexRegistry.Client;

/// <summary>
/// A typed client for the register's API. Give it an <see cref="HttpClient"/> whose base address is the register and
/// which authenticates (e.g. through <see cref="ClientCredentialsHandler"/>); anonymous calls (registration) need
/// no token. Problems are thrown as <see cref="FlexRegistryProblemException"/>.
/// </summary>
public sealed class FlexRegistryClient(HttpClient http)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>An authenticated client for a register at <paramref name="baseAddress"/> using client credentials.</summary>
    public static FlexRegistryClient Create(Uri baseAddress, string clientId, string clientSecret, string? scope = null, HttpMessageHandler? inner = null)
    {
        var handler = new ClientCredentialsHandler(new Uri(baseAddress, "/connect/token"), clientId, clientSecret, scope)
        {
            InnerHandler = inner ?? new HttpClientHandler(),
        };
        return new FlexRegistryClient(new HttpClient(handler) { BaseAddress = baseAddress });
    }

    public Task<RegisterParticipantResponse> RegisterParticipantAsync(RegisterParticipantRequest request, CancellationToken ct = default) =>
        SendAsync<RegisterParticipantResponse>(HttpMethod.Post, "api/v1/participants", request, ct);

    public Task<ParticipantResponse> GetParticipantAsync(string participantId, CancellationToken ct = default) =>
        SendAsync<ParticipantResponse>(HttpMethod.Get, $"api/v1/participants/{Uri.EscapeDataString(participantId)}", null, ct);

    public Task<Page<DirectoryEntry>> SearchParticipantsAsync(string? query = null, string? role = null, string? cursor = null, int? limit = null, CancellationToken ct = default) =>
        SendAsync<Page<DirectoryEntry>>(HttpMethod.Get, "api/v1/participants" + Query(("query", query), ("role", role), ("cursor", cursor), ("limit", limit?.ToString(System.Globalization.CultureInfo.InvariantCulture))), null, ct);

    /// <summary>Every directory entry matching, following the cursor to the end.</summary>
    public async IAsyncEnumerable<DirectoryEntry> SearchAllParticipantsAsync(string? query = null, string? role = null,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        string? cursor = null;
        do
        {
            var page = await SearchParticipantsAsync(query, role, cursor, 200, ct);
            foreach (var item in page.Items)
                yield return item;
            cursor = page.NextCursor;
        }
        while (cursor is not null);
    }

    public Task<IReadOnlyList<RoleRequirements>> GetCommercialRequirementsAsync(string? role = null, CancellationToken ct = default) =>
        SendAsync<IReadOnlyList<RoleRequirements>>(HttpMethod.Get, "api/v1/participants/requirements" + Query(("role", role)), null, ct);

    public Task<CommercialInformationCheckResponse> CheckCommercialInformationAsync(string participantId, CommercialInformationRequest information, CancellationToken ct = default) =>
        SendAsync<CommercialInformationCheckResponse>(HttpMethod.Post, $"api/v1/participants/{Uri.EscapeDataString(participantId)}/commercial-information/check", information, ct);

    public Task<CommercialInformationResponse> PutCommercialInformationAsync(string participantId, CommercialInformationRequest information, CancellationToken ct = default) =>
        SendAsync<CommercialInformationResponse>(HttpMethod.Put, $"api/v1/participants/{Uri.EscapeDataString(participantId)}/commercial-information", information, ct);

    public Task<CommercialInformationResponse> GetCommercialInformationAsync(string participantId, CancellationToken ct = default) =>
        SendAsync<CommercialInformationResponse>(HttpMethod.Get, $"api/v1/participants/{Uri.EscapeDataString(participantId)}/commercial-information", null, ct);

    /// <summary>A registry-operator action: <c>verify</c>, <c>reject</c>, <c>suspend</c>, <c>reinstate</c> or <c>deregister</c>.</summary>
    public Task<ParticipantResponse> ChangeParticipantStatusAsync(string participantId, string action, string reason, CancellationToken ct = default) =>
        SendAsync<ParticipantResponse>(HttpMethod.Post, $"api/v1/participants/{Uri.EscapeDataString(participantId)}/{Uri.EscapeDataString(action)}", new StatusActionRequest { Reason = reason }, ct);

    public Task<Page<DuplicateCaseResponse>> ListDuplicateCasesAsync(string? kind = null, string? status = null, string? cursor = null, CancellationToken ct = default) =>
        SendAsync<Page<DuplicateCaseResponse>>(HttpMethod.Get, "api/v1/duplicate-cases" + Query(("kind", kind), ("status", status), ("cursor", cursor)), null, ct);

    public Task<DuplicateCaseResponse> MergeDuplicateCaseAsync(string caseId, MergeDuplicateRequest request, CancellationToken ct = default) =>
        SendAsync<DuplicateCaseResponse>(HttpMethod.Post, $"api/v1/duplicate-cases/{Uri.EscapeDataString(caseId)}/merge", request, ct);

    public Task<DuplicateCaseResponse> DismissDuplicateCaseAsync(string caseId, DismissDuplicateRequest request, CancellationToken ct = default) =>
        SendAsync<DuplicateCaseResponse>(HttpMethod.Post, $"api/v1/duplicate-cases/{Uri.EscapeDataString(caseId)}/dismiss", request, ct);

    /// <summary>Invites a user of the organisation (BUC.4 step 4); the answer carries the one-time invitation token.</summary>
    public Task<InviteUserResponse> InviteUserAsync(string participantId, InviteUserRequest request, CancellationToken ct = default) =>
        SendAsync<InviteUserResponse>(HttpMethod.Post, $"api/v1/participants/{Uri.EscapeDataString(participantId)}/users", request, ct);

    public Task<Page<UserResponse>> ListUsersAsync(string participantId, CancellationToken ct = default) =>
        SendAsync<Page<UserResponse>>(HttpMethod.Get, $"api/v1/participants/{Uri.EscapeDataString(participantId)}/users", null, ct);

    public Task<UserResponse> ChangeUserPermissionsAsync(string participantId, string userId, IReadOnlyList<string> permissions, CancellationToken ct = default) =>
        SendAsync<UserResponse>(HttpMethod.Put, $"api/v1/participants/{Uri.EscapeDataString(participantId)}/users/{Uri.EscapeDataString(userId)}/permissions",
            new ChangeUserPermissionsRequest { Permissions = permissions }, ct);

    /// <summary><paramref name="action"/> is <c>suspend</c> or <c>reinstate</c>.</summary>
    public Task<UserResponse> ChangeUserStatusAsync(string participantId, string userId, string action, CancellationToken ct = default) =>
        SendAsync<UserResponse>(HttpMethod.Post, $"api/v1/participants/{Uri.EscapeDataString(participantId)}/users/{Uri.EscapeDataString(userId)}/{Uri.EscapeDataString(action)}", null, ct);

    /// <summary>Accepts an invitation; this client's bearer token must come from a trusted external issuer.</summary>
    public Task<UserResponse> AcceptInvitationAsync(string token, CancellationToken ct = default) =>
        SendAsync<UserResponse>(HttpMethod.Post, "api/v1/invitations/accept", new AcceptInvitationRequest { Token = token }, ct);

    public Task<Page<EmailDomainResponse>> ListEmailDomainsAsync(string participantId, CancellationToken ct = default) =>
        SendAsync<Page<EmailDomainResponse>>(HttpMethod.Get, $"api/v1/participants/{Uri.EscapeDataString(participantId)}/email-domains", null, ct);

    public Task<IReadOnlyList<DnoAreaResponse>> GetDnoAreasAsync(CancellationToken ct = default) =>
        SendAsync<IReadOnlyList<DnoAreaResponse>>(HttpMethod.Get, "api/v1/reference/dno-areas", null, ct);

    /// <summary>Verifies the whole audit chain and its signed checkpoints (registry operator).</summary>
    public Task<AuditVerificationResponse> VerifyAuditAsync(CancellationToken ct = default) =>
        SendAsync<AuditVerificationResponse>(HttpMethod.Post, "api/v1/audit/verify", null, ct);

    /// <summary>
    /// Starts a bulk import (BUC.2 step 1): streams <paramref name="content"/> (CSV with a header row, or NDJSON) without
    /// buffering it. <paramref name="contentType"/> is text/csv or application/x-ndjson. The same idempotency key with the
    /// same file answers the same import.
    /// </summary>
    public async Task<AssetImportStatus> StartAssetImportAsync(Stream content, string contentType, string? idempotencyKey, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/asset-imports") { Content = new StreamContent(content, 64 * 1024) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        if (idempotencyKey is not null)
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        await ThrowIfProblemAsync(response, ct);
        return await response.Content.ReadFromJsonAsync<AssetImportStatus>(Json, ct)
               ?? throw new JsonException("The register sent an empty AssetImportStatus.");
    }

    public Task<AssetImportStatus> GetAssetImportAsync(string importId, CancellationToken ct = default) =>
        SendAsync<AssetImportStatus>(HttpMethod.Get, $"api/v1/asset-imports/{Uri.EscapeDataString(importId)}", null, ct);

    /// <summary>Streams the per-row results (<paramref name="format"/> csv or ndjson) into <paramref name="destination"/>.</summary>
    public async Task DownloadAssetImportResultsAsync(string importId, string format, Stream destination, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        using var request = new HttpRequestMessage(HttpMethod.Get,
            $"api/v1/asset-imports/{Uri.EscapeDataString(importId)}/results?format={Uri.EscapeDataString(format)}");
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        await ThrowIfProblemAsync(response, ct);
        await using var body = await response.Content.ReadAsStreamAsync(ct);
        await body.CopyToAsync(destination, ct);
    }

    /// <summary>One page of the asset search (<c>GET /api/v1/assets</c>): the assets visible to the caller.</summary>
    public Task<Page<AssetSummary>> SearchAssetsAsync(AssetFilter filter, string? cursor = null, int? limit = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        return SendAsync<Page<AssetSummary>>(HttpMethod.Get, "api/v1/assets" + Query([.. FilterParameters(filter),
            ("cursor", cursor), ("limit", limit?.ToString(System.Globalization.CultureInfo.InvariantCulture))]), null, ct);
    }

    /// <summary>
    /// Every asset the search matches, as the register shows each to the caller, streamed by
    /// <c>GET /api/v1/assets/export?format=ndjson</c> one line at a time (never held whole). A response cut off before its
    /// end throws, so a caller never takes a partial export for a whole one.
    /// </summary>
    public async IAsyncEnumerable<AssetResponse> ExportAssetsAsync(AssetFilter filter, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/v1/assets/export" + Query([("format", "ndjson"), .. FilterParameters(filter)]));
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        await ThrowIfProblemAsync(response, ct);
        await using var body = await response.Content.ReadAsStreamAsync(ct);
        using var lines = new StreamReader(body, System.Text.Encoding.UTF8);
        while (await lines.ReadLineAsync(ct) is { } line)
        {
            if (line.Length > 0)
                yield return JsonSerializer.Deserialize<AssetResponse>(line, Json) ?? throw new JsonException("The register sent an empty asset line.");
        }
    }

    private static (string, string?)[] FilterParameters(AssetFilter filter) =>
    [
        ("type", filter.Type), ("dnoArea", filter.DnoArea), ("gspGroup", filter.GspGroup), ("postcodeDistrict", filter.PostcodeDistrict),
        ("minCapacityKw", filter.MinCapacityKw?.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ("maxCapacityKw", filter.MaxCapacityKw?.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ("purpose", filter.Purpose),
    ];

    /// <summary>The CSV template: the header row and one example row.</summary>
    public async Task<string> GetAssetImportTemplateAsync(CancellationToken ct = default)
    {
        using var response = await http.GetAsync(new Uri("api/v1/asset-imports/template", UriKind.Relative), ct);
        await ThrowIfProblemAsync(response, ct);
        return await response.Content.ReadAsStringAsync(ct);
    }

    private static async Task ThrowIfProblemAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode)
            return;
        ProblemResponse problem;
        try
        {
            problem = await response.Content.ReadFromJsonAsync<ProblemResponse>(Json, ct) ?? new ProblemResponse();
        }
        catch (JsonException)
        {
            problem = new ProblemResponse { Title = response.ReasonPhrase, Status = (int)response.StatusCode };
        }
        throw new FlexRegistryProblemException((int)response.StatusCode, problem);
    }

    private async Task<T> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
            request.Content = JsonContent.Create(body, body.GetType(), options: Json);
        using var response = await http.SendAsync(request, ct);
        await ThrowIfProblemAsync(response, ct);
        return await response.Content.ReadFromJsonAsync<T>(Json, ct)
               ?? throw new JsonException($"The register sent an empty {typeof(T).Name}.");
    }

    private static string Query(params (string Name, string? Value)[] parameters)
    {
        var present = parameters.Where(p => !string.IsNullOrEmpty(p.Value)).Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value!)}").ToList();
        return present.Count == 0 ? "" : "?" + string.Join('&', present);
    }
}
