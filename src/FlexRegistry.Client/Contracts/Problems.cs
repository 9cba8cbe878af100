using System.Text.Json;
using System.Text.Json.Serialization;

namespace FlexRegistry.Client.Contracts;

/// <summary>An RFC 9457 problem as the register sends it: <c>code</c> is stable; extensions such as <c>existingParticipantId</c> are in <see cref="Extensions"/>.</summary>
public sealed record ProblemResponse
{
    public string? Type { get; init; }
    public string? Title { get; init; }
    public int? Status { get; init; }
    public string? Detail { get; init; }
    public string? Code { get; init; }
    public string? TraceId { get; init; }
    public IReadOnlyList<FieldErrorDto>? Errors { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extensions { get; init; }

    public string? Extension(string name) =>
        Extensions is not null && Extensions.TryGetValue(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}

/// <summary>An OAuth 2 token response from <c>/connect/token</c>.</summary>
public sealed record TokenResponse(
    [property: JsonPropertyName("access_token")] string AccessToken,
    [property: JsonPropertyName("token_type")] string TokenType,
    [property: JsonPropertyName("expires_in")] int ExpiresIn,
    [property: JsonPropertyName("scope")] string? Scope);
