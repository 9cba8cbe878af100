using System.ComponentModel.DataAnnotations;
using FlexRegistry.Auth;
using FlexRegistry.Client.Contracts;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace FlexRegistry.Events;

public static class EventEndpoints
{
    public static IEndpointRouteBuilder MapEventEndpoints(this IEndpointRouteBuilder app)
    {
        var events = app.MapGroup("/api/v1/events").WithTags("Events");

        events.MapGet("", async Task<EventFeedPage> (
                [FromQuery] string? after, [FromQuery] string? types, [FromQuery, Range(1, EventFeed.MaxLimit)] int? limit, EventFeed feed, HttpContext http, CancellationToken ct) =>
                await feed.ReadAsync(after, types, limit, Caller.From(http.User), ct))
            .RequireAuthorization(Policies.Scope(Scopes.EventsRead))
            .WithName("ReadEvents")
            .WithSummary("The pull feed: your events after a sequence number, in order, as CloudEvents 1.0")
            .WithDescription("Pass nextCursor back as after to continue; it never goes backwards and pages have no gaps. types is a comma-separated list. " +
                             $"limit is 1–{EventFeed.MaxLimit} (default {EventFeed.DefaultLimit}). " +
                             "A participant sees the events naming it in their audience; the registry operator sees all.")
            .ProducesProblem(400);

        events.MapGet("/types", Ok<IReadOnlyList<string>> () => TypedResults.Ok(EventTypes.All))
            .RequireAuthorization(Policies.Scope(Scopes.EventsRead))
            .WithName("ListEventTypes")
            .WithSummary("The published event types");

        var subscriptions = app.MapGroup("/api/v1/subscriptions").WithTags("Subscriptions")
            .RequireAuthorization(Policies.Scope(Scopes.SubscriptionsManage));

        subscriptions.MapPost("", async Task<Created<SubscriptionSecretResponse>> (
                CreateSubscriptionRequest request, ManageSubscriptions handler, HttpContext http, CancellationToken ct) =>
            {
                var created = await handler.CreateAsync(request, Caller.From(http.User), ct);
                return TypedResults.Created($"/api/v1/subscriptions/{created.Id}", created);
            })
            .WithName("CreateSubscription")
            .WithSummary("Subscribe a webhook to event types, optionally filtered by participant, asset or area")
            .WithDescription("Returns the signing secret (whsec_ + base64) once. Delivery starts with events after the subscription was created; use replay for history. " +
                             "The URL must be https and resolve to public addresses only (SSRF protection) unless Webhooks:AllowPrivateNetworks is set.")
            .ProducesProblem(400);

        subscriptions.MapGet("", async Task<Ok<Page<SubscriptionResponse>>> (
                [FromQuery] string? cursor, [FromQuery, Range(1, 200)] int? limit, ManageSubscriptions handler, HttpContext http, CancellationToken ct) =>
                TypedResults.Ok(await handler.ListAsync(cursor, limit, Caller.From(http.User), ct)))
            .WithName("ListSubscriptions")
            .WithSummary("Your subscriptions")
            .ProducesProblem(400);

        subscriptions.MapGet("/{id}", async Task<Ok<SubscriptionResponse>> (string id, ManageSubscriptions handler, HttpContext http, CancellationToken ct) =>
                TypedResults.Ok(await handler.GetAsync(id, Caller.From(http.User), ct)))
            .WithName("GetSubscription")
            .WithSummary("Read a subscription")
            .ProducesProblem(404);

        subscriptions.MapPatch("/{id}", async Task<Ok<SubscriptionResponse>> (
                string id, UpdateSubscriptionRequest request, ManageSubscriptions handler, HttpContext http, CancellationToken ct) =>
                TypedResults.Ok(await handler.UpdateAsync(id, request, Caller.From(http.User), ct)))
            .WithName("UpdateSubscription")
            .WithSummary("Opt in or out per event type (types replaces the list); pause or resume (active)")
            .ProducesProblem(400).ProducesProblem(404);

        subscriptions.MapDelete("/{id}", async Task<NoContent> (string id, ManageSubscriptions handler, HttpContext http, CancellationToken ct) =>
            {
                await handler.DeleteAsync(id, Caller.From(http.User), ct);
                return TypedResults.NoContent();
            })
            .WithName("DeleteSubscription")
            .WithSummary("Delete a subscription and its pending deliveries")
            .ProducesProblem(404);

        subscriptions.MapPost("/{id}/rotate-secret", async Task<Ok<SubscriptionSecretResponse>> (
                string id, ManageSubscriptions handler, HttpContext http, CancellationToken ct) =>
                TypedResults.Ok(await handler.RotateSecretAsync(id, Caller.From(http.User), ct)))
            .WithName("RotateSubscriptionSecret")
            .WithSummary("Issue a new signing secret; the old one also signs until previousSecretValidUntil")
            .ProducesProblem(404);

        subscriptions.MapPost("/{id}/replay", async Task<Accepted<ReplayResponse>> (
                string id, ReplayRequest request, ManageSubscriptions handler, HttpContext http, CancellationToken ct) =>
            {
                var replay = await handler.ReplayAsync(id, request, Caller.From(http.User), ct);
                return TypedResults.Accepted($"/api/v1/subscriptions/{replay.Id}", replay);
            })
            .WithName("ReplaySubscription")
            .WithSummary("Re-deliver every matching event from a sequence number on (same webhook-id as before)")
            .ProducesProblem(400).ProducesProblem(404);

        subscriptions.MapGet("/{id}/dead-letters", async Task<Ok<Page<DeadLetterResponse>>> (
                string id, [FromQuery] string? cursor, [FromQuery, Range(1, 200)] int? limit, ManageSubscriptions handler, HttpContext http, CancellationToken ct) =>
                TypedResults.Ok(await handler.DeadLettersAsync(id, cursor, limit, Caller.From(http.User), ct)))
            .WithName("ListDeadLetters")
            .WithSummary("Webhooks given up on after the last retry")
            .ProducesProblem(400).ProducesProblem(404);

        app.MapGet("/api/v1/notices", async Task<Ok<Page<NoticeResponse>>> (Notices notices, HttpContext http, CancellationToken ct) =>
                TypedResults.Ok(new Page<NoticeResponse>(await notices.ListAsync(Caller.From(http.User), ct), null)))
            .WithTags("Notices")
            .RequireAuthorization(Policies.Scope(Scopes.ParticipantRead))
            .WithName("ListNotices")
            .WithSummary("Actions your organisation must take (BUC.4 step 7), listed until resolved");

        return app;
    }
}
