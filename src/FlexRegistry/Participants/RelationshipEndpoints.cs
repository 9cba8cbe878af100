using FlexRegistry.Auth;
using FlexRegistry.Client.Contracts;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace FlexRegistry.Participants;

/// <summary>Routes for a participant's relationships: expressed interest (BUC.4 step 5) and data-sharing grants (BUC.4 step 4).</summary>
public static class RelationshipEndpoints
{
    public static IEndpointRouteBuilder MapRelationshipEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/participants/{id}").WithTags("Participants");

        group.MapPost("/market-interests", async Task<Created<MarketInterestResponse>> (
                string id, ExpressInterestRequest request, MarketInterests handler, HttpContext http, CancellationToken ct) =>
            {
                var response = await handler.ExpressAsync(ParticipantQueries.ParseId(id), request, Caller.From(http.User), ct);
                return TypedResults.Created($"/api/v1/participants/{id}/market-interests/{response.InterestId}", response);
            })
            .RequireAuthorization(Policies.Scope(Scopes.ParticipantManage))
            .WithName("ExpressMarketInterest")
            .WithSummary("Express interest in a market operator's markets (BUC.4 step 5)")
            .WithDescription("Providers (fsp, aggregator) only, in an active participant that runs markets. One active interest per pair: " +
                             "a second answers 409 participant.interest_exists with existingInterestId. While active, the market operator is told " +
                             "of the provider's changes (BUC.4 step 9).")
            .ProducesProblem(400).ProducesProblem(404).ProducesProblem(409).ProducesProblem(422);

        group.MapGet("/market-interests", async Task<Ok<Page<MarketInterestResponse>>> (
                string id, [FromQuery] string? direction, [FromQuery] bool? includeWithdrawn, MarketInterests handler, HttpContext http, CancellationToken ct) =>
                TypedResults.Ok(await handler.ListAsync(ParticipantQueries.ParseId(id), direction, includeWithdrawn ?? false, Caller.From(http.User), ct)))
            .RequireAuthorization(Policies.Scope(Scopes.ParticipantRead))
            .WithName("ListMarketInterests")
            .WithSummary("Interests the participant expressed (direction=given) or received as market operator (direction=received)")
            .ProducesProblem(400).ProducesProblem(404);

        group.MapDelete("/market-interests/{interestId}", async Task<NoContent> (
                string id, string interestId, MarketInterests handler, HttpContext http, CancellationToken ct) =>
            {
                await handler.WithdrawAsync(ParticipantQueries.ParseId(id), interestId, Caller.From(http.User), ct);
                return TypedResults.NoContent();
            })
            .RequireAuthorization(Policies.Scope(Scopes.ParticipantManage))
            .WithName("WithdrawMarketInterest")
            .WithSummary("Withdraw an expression of interest (kept in the history as withdrawn)")
            .ProducesProblem(400).ProducesProblem(404);

        group.MapPost("/data-sharing-grants", async Task<Created<GrantResponse>> (
                string id, GiveGrantRequest request, DataSharingGrants handler, HttpContext http, CancellationToken ct) =>
            {
                var response = await handler.GiveAsync(ParticipantQueries.ParseId(id), request, Caller.From(http.User), ct);
                return TypedResults.Created($"/api/v1/participants/{id}/data-sharing-grants/{response.GrantId}", response);
            })
            .RequireAuthorization(Policies.Scope(Scopes.ParticipantManage))
            .WithName("GiveDataSharingGrant")
            .WithSummary("Grant a named participant, or every holder of a role, access to a part of your data (BUC.4 step 4)")
            .WithDescription("With a purpose and an expiry (at most five years). One open grant per grantee and part: a second answers " +
                             "409 participant.grant_exists with existingGrantId.")
            .ProducesProblem(400).ProducesProblem(404).ProducesProblem(409);

        group.MapGet("/data-sharing-grants", async Task<Ok<Page<GrantResponse>>> (
                string id, [FromQuery] string? direction, [FromQuery] bool? includeEnded, DataSharingGrants handler, HttpContext http, CancellationToken ct) =>
                TypedResults.Ok(await handler.ListAsync(ParticipantQueries.ParseId(id), direction, includeEnded ?? false, Caller.From(http.User), ct)))
            .RequireAuthorization(Policies.Scope(Scopes.ParticipantRead))
            .WithName("ListDataSharingGrants")
            .WithSummary("Grants the participant gave (direction=given) or holds, by name or role (direction=received)")
            .ProducesProblem(400).ProducesProblem(404);

        group.MapPost("/data-sharing-grants/{grantId}/revoke", async Task<Ok<GrantResponse>> (
                string id, string grantId, RevokeGrantRequest request, DataSharingGrants handler, HttpContext http, CancellationToken ct) =>
                TypedResults.Ok(await handler.RevokeAsync(ParticipantQueries.ParseId(id), grantId, request, Caller.From(http.User), ct)))
            .RequireAuthorization(Policies.Scope(Scopes.ParticipantManage))
            .WithName("RevokeDataSharingGrant")
            .WithSummary("Revoke a grant, with a reason; the grantee stops being related at once")
            .ProducesProblem(400).ProducesProblem(404);

        return app;
    }
}
