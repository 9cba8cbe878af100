using System.Text.Json;

namespace FlexRegistry.Client.Contracts;

/// <summary>
/// Body of <c>POST /api/v1/participants/{id}/clients</c>. Give <see cref="Jwks"/> (a JSON Web Key Set with public
/// RSA ≥ 2048-bit or EC P-256 keys) for <c>private_key_jwt</c>; without it the answer carries a client secret, if the
/// register allows secrets.
/// </summary>
public sealed record CreateApiClientRequest
{
    public string? Name { get; init; }
    public IReadOnlyList<string>? Permissions { get; init; }
    public JsonElement? Jwks { get; init; }
}

/// <summary>A client as listed: never its secret or keys.</summary>
public sealed record ApiClientResponse(
    string ClientId,
    string Name,
    IReadOnlyList<string> Permissions,
    string Status,
    string Authentication,
    DateTimeOffset CreatedAt);

/// <summary>Answer to creating a client; <see cref="ClientSecret"/> is shown only here and only for secret clients.</summary>
public sealed record CreateApiClientResponse(
    string ClientId,
    string? ClientSecret,
    string Name,
    IReadOnlyList<string> Permissions,
    string Status,
    string Authentication);
