using FlexRegistry.Auth;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Participants;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FlexRegistry.AccessLog;

/// <summary>Routes for a participant's access log and read notifications, and the registry operator's view of the whole log.</summary>
public static class AccessLogEndpoints
{
    public static IEndpointRouteBuilder MapAccessLogEndpoints(this IEndpointRouteBuilder app)
    {
        var participant = app.MapGroup("/api/v1/participants/{id}").WithTags("Access log");

        participant.MapGet("/access-log", async Task<Ok<Page<AccessLogEntryResponse>>> (
                string id, [AsParameters] AccessLogParameters filter, AccessLogQueries queries, HttpContext http, CancellationToken ct) =>
                TypedResults.Ok(await queries.ForParticipantAsync(ParticipantQueries.ParseId(id), filter.ToFilter(), Caller.From(http.User), ct)))
            .RequireAuthorization(Policies.Scope(Scopes.ParticipantRead))
            .WithName("GetParticipantAccessLog")
            .WithSummary("Reads of the participant's data by others — its assets and its commercial information (BUC.2 step 6, BUC.4 step 6)")
            .WithDescription("The participant itself and the registry operator. Newest first; recordsConcerned counts the participant's own records in " +
                             "each read. Filters: reader (participant ID), from/to (ISO 8601, to exclusive), purpose. Paged by cursor (nextCursor).")
            .ProducesProblem(400).ProducesProblem(404);

        participant.MapGet("/access-notifications", async Task<Ok<AccessNotificationsResponse>> (
                string id, AccessNotifications notifications, HttpContext http, CancellationToken ct) =>
                TypedResults.Ok(await notifications.GetAsync(ParticipantQueries.ParseId(id), Caller.From(http.User), ct)))
            .RequireAuthorization(Policies.Scope(Scopes.ParticipantRead))
            .WithName("GetAccessNotifications")
            .WithSummary("Which of its assets the participant is told of reads of (BUC.2 step 6a)")
            .ProducesProblem(400).ProducesProblem(404);

        participant.MapPut("/access-notifications", async Task<Ok<AccessNotificationsResponse>> (
                string id, AccessNotificationsRequest request, AccessNotifications notifications, HttpContext http, CancellationToken ct) =>
                TypedResults.Ok(await notifications.PutAsync(ParticipantQueries.ParseId(id), request, Caller.From(http.User), ct)))
            .RequireAuthorization(Policies.Scope(Scopes.ParticipantManage))
            .WithName("PutAccessNotifications")
            .WithSummary("Opt in to asset.accessed for all of your assets or named ones (BUC.2 step 6a); replaces the previous choice")
            .WithDescription("Reads by others — by ID, in searches, in exports — are counted per reader and window (AssetAccess:Window, an hour by " +
                             "default); when a window closes one flexregistry.asset.accessed event tells you who read how often and which assets " +
                             "(the first 100), with a link to your access log. Subscribe to the type (it is opt-in) or ask the feed for it.")
            .ProducesProblem(400).ProducesProblem(404).ProducesProblem(409);

        var log = app.MapGroup("/api/v1/access-log").WithTags("Access log").RequireAuthorization(Policies.RegistryOperator);

        log.MapGet("", async Task<Ok<Page<AccessLogEntryResponse>>> (
                [AsParameters] AccessLogParameters filter, AccessLogQueries queries, HttpContext http, CancellationToken ct) =>
                TypedResults.Ok(await queries.AllAsync(filter.ToFilter(), Caller.From(http.User), ct)))
            .WithName("ListAccessLog")
            .WithSummary("The whole access log (registry operator)")
            .ProducesProblem(400);

        log.MapPost("/verify", async Task<Ok<AccessLogVerificationResponse>> (AccessLogVerification verification, CancellationToken ct) =>
                TypedResults.Ok(await verification.VerifyAsync(ct)))
            .WithName("VerifyAccessLog")
            .WithSummary("Check every access-log entry against its digest and its audit record (registry operator)")
            .WithDescription("valid false, with the first broken entry and the reason, if an entry, record or subject was changed, added or deleted. " +
                             "The audit records themselves are verified by POST /api/v1/audit/verify.");

        return app;
    }
}
