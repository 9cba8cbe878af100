using FlexRegistry.Client.Contracts;
using FlexRegistry.Participants;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FlexRegistry.Auth;

public static class ApiClientEndpoints
{
    public static IEndpointRouteBuilder MapApiClientEndpoints(this IEndpointRouteBuilder app)
    {
        // users:manage is the organisation's administration permission; the handler also requires the caller to be the
        // participant itself (or the registry operator): for anyone else the participant does not exist (404).
        var group = app.MapGroup("/api/v1/participants/{id}/clients").WithTags("API clients")
            .RequireAuthorization(Policies.Scope(Scopes.UsersManage));

        group.MapPost("", async Task<Created<CreateApiClientResponse>> (
                string id, CreateApiClientRequest request, ManageApiClients handler, HttpContext http, CancellationToken ct) =>
            {
                var response = await handler.CreateAsync(ParticipantQueries.ParseId(id), request, Caller.From(http.User), ct);
                return TypedResults.Created($"/api/v1/participants/{id}/clients/{response.ClientId}", response);
            })
            .WithName("CreateApiClient")
            .WithSummary("Create a further API client with a subset of the organisation's permissions (BUC.4 step 4)")
            .WithDescription("With jwks the client authenticates with private_key_jwt (PS256 or ES256); without, a client secret is returned once, " +
                             "if Auth:AllowClientSecrets allows it. Permissions beyond the organisation's roles answer 422 client.permission_not_allowed.")
            .ProducesProblem(400).ProducesProblem(404).ProducesProblem(422);

        group.MapGet("", async Task<Ok<Page<ApiClientResponse>>> (string id, ManageApiClients handler, HttpContext http, CancellationToken ct) =>
                TypedResults.Ok(await handler.ListAsync(ParticipantQueries.ParseId(id), Caller.From(http.User), ct)))
            .WithName("ListApiClients")
            .WithSummary("List the organisation's API clients (never their secrets or keys)")
            .ProducesProblem(400).ProducesProblem(404);

        group.MapPost("/{clientId}/suspend", async Task<Ok<ApiClientResponse>> (
                string id, string clientId, ManageApiClients handler, HttpContext http, CancellationToken ct) =>
                TypedResults.Ok(await handler.SuspendAsync(ParticipantQueries.ParseId(id), clientId, Caller.From(http.User), ct)))
            .WithName("SuspendApiClient")
            .WithSummary("Suspend an API client: its tokens stop working within seconds")
            .ProducesProblem(400).ProducesProblem(404).ProducesProblem(409);

        group.MapPost("/{clientId}/reinstate", async Task<Ok<ApiClientResponse>> (
                string id, string clientId, ManageApiClients handler, HttpContext http, CancellationToken ct) =>
                TypedResults.Ok(await handler.ReinstateAsync(ParticipantQueries.ParseId(id), clientId, Caller.From(http.User), ct)))
            .WithName("ReinstateApiClient")
            .WithSummary("Reinstate a suspended API client")
            .ProducesProblem(400).ProducesProblem(404).ProducesProblem(409);

        group.MapPut("/{clientId}/keys", async Task<Ok<ApiClientResponse>> (
                string id, string clientId, ReplaceApiClientKeysRequest request, ManageApiClients handler, HttpContext http, CancellationToken ct) =>
                TypedResults.Ok(await handler.ReplaceKeysAsync(ParticipantQueries.ParseId(id), clientId, request, Caller.From(http.User), ct)))
            .WithName("ReplaceApiClientKeys")
            .WithSummary("Replace an API client's public keys (rotation); a secret client given keys loses its secret")
            .ProducesProblem(400).ProducesProblem(404).ProducesProblem(409);

        group.MapDelete("/{clientId}", async Task<NoContent> (
                string id, string clientId, ManageApiClients handler, HttpContext http, CancellationToken ct) =>
            {
                await handler.RemoveAsync(ParticipantQueries.ParseId(id), clientId, Caller.From(http.User), ct);
                return TypedResults.NoContent();
            })
            .WithName("RemoveApiClient")
            .WithSummary("Remove an API client for good: its credential is deleted and its tokens stop working within seconds")
            .ProducesProblem(400).ProducesProblem(404).ProducesProblem(409);

        return app;
    }
}
