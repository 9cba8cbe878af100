using FlexRegistry.Audit;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Persistence;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FlexRegistry.Auth;

/// <summary>The registry operator's view of the token signing keys, and rotation on demand (docs/operations.md).</summary>
public static class SigningKeyEndpoints
{
    public static IEndpointRouteBuilder MapSigningKeyEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/signing-keys").WithTags("Signing keys").RequireAuthorization(Policies.RegistryOperator);

        group.MapGet("", Ok<IReadOnlyList<SigningKeyResponse>> (SigningKeys keys, TimeProvider time) => TypedResults.Ok(List(keys, time)))
            .WithName("ListSigningKeys")
            .WithSummary("The published token signing keys and their schedule (registry operator)");

        group.MapPost("/rotate", async Task<Ok<IReadOnlyList<SigningKeyResponse>>> (
                RotateSigningKeyRequest request, SigningKeys keys, Journal journal, TimeProvider time, HttpContext http, CancellationToken ct) =>
            {
                var immediately = request.Immediately == true;
                var key = keys.Rotate(immediately);
                journal.Append(AuditEntry.By(Caller.From(http.User), immediately ? "signing_key.rotate_immediately" : "signing_key.rotate",
                    "signing_key", key.KeyId, null, "immediately"));
                await journal.SaveAsync(ct);
                return TypedResults.Ok(List(keys, time));
            })
            .WithName("RotateSigningKey")
            .WithSummary("Rotate the token signing key now (registry operator)")
            .WithDescription("Publishes a new key at once. It signs after Auth:SigningKeys:PublishAhead, the current key retiring when every token it " +
                             "signed has expired; with immediately=true (a compromised key) it signs at once and every other key is dropped.")
            .ProducesProblem(400);

        return app;
    }

    private static IReadOnlyList<SigningKeyResponse> List(SigningKeys keys, TimeProvider time) =>
        [.. keys.Published(time.GetUtcNow()).Select(k => new SigningKeyResponse(
            k.Key.KeyId, k.State.ToString().ToLowerInvariant(), SigningKeys.Algorithm, k.Key.CreatedAt, k.Key.ActivatesAt))];
}
