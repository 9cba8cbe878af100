using FlexRegistry.Auth;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Shared;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace FlexRegistry.Assets;

/// <summary>Routes of an asset's life after registration: its history, its parties and its lifecycle transitions.</summary>
public static class AssetLifecycleEndpoints
{
    public static IEndpointRouteBuilder MapAssetLifecycleEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/assets").WithTags("Asset lifecycle");

        group.MapGet("/{id}/history", async Task<AssetHistoryResult> (
                string id, [FromQuery] string? after, [FromQuery] int? limit, AssetHistory history, HttpContext http, CancellationToken ct) =>
                await history.ListAsync(AssetQueries.ParseId(id), after, limit, Caller.From(http.User), ct))
            .RequireAuthorization(Policies.Scope(Scopes.AssetsRead))
            .WithName("GetAssetHistory")
            .WithSummary("Every version of an asset, oldest first: who, when, which fields old → new, from which source (BUC.2 step 7)")
            .WithDescription("Version 1 is the registration. Pages of up to 1000 versions (limit, default 100); pass nextCursor as after. " +
                             "GET /api/v1/assets/{id}?asOf= returns the asset as it was at an instant.")
            .ProducesProblem(400).ProducesProblem(404);

        group.MapGet("/{id}/parties", async Task<Ok<Page<AssetPartyResponse>>> (
                string id, [FromQuery] bool? includeEnded, AssetParties parties, HttpContext http, CancellationToken ct) =>
                TypedResults.Ok(await parties.ListAsync(AssetQueries.ParseId(id), includeEnded == true, Caller.From(http.User), ct)))
            .RequireAuthorization(Policies.Scope(Scopes.AssetsRead))
            .WithName("ListAssetParties")
            .WithSummary("The asset's parties: registrants, owner, installers and operators, with pending requests (BUC.2 steps 1c, 7a)")
            .ProducesProblem(400).ProducesProblem(404);

        group.MapPost("/{id}/parties", async Task<Created<AssetPartyResponse>> (
                string id, AssetPartyRequest request, AssetParties parties, HttpContext http, CancellationToken ct) =>
            {
                var response = await parties.RequestAsync(AssetQueries.ParseId(id), request, Caller.From(http.User), ct);
                return TypedResults.Created($"/api/v1/assets/{response.AssetId}/parties", response);
            })
            .RequireAuthorization(Policies.Scope(Scopes.AssetsWrite))
            .WithName("RequestAssetParty")
            .WithSummary("Invite a participant as owner or installer, or claim that role for yourself (BUC.2 steps 1c, 7a, 7c)")
            .WithDescription("Naming participantId invites it (the registrant or owner does); naming none claims the role for the caller, which " +
                             "the registrant or owner accepts. A claimant with no role on the asset yet names the device (evidence: its MPAN or serial " +
                             "number); otherwise the answer is 404, as for an asset that does not exist.")
            .ProducesProblem(400).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409).ProducesProblem(422);

        group.MapPost("/{id}/parties/{partyId}/accept", async Task<Ok<AssetPartyResponse>> (
                string id, string partyId, AcceptAssetPartyRequest request, AssetParties parties, HttpContext http, CancellationToken ct) =>
                TypedResults.Ok(await parties.AcceptAsync(AssetQueries.ParseId(id), partyId, request, Caller.From(http.User), ct)))
            .RequireAuthorization(Policies.Scope(Scopes.AssetsWrite))
            .WithName("AcceptAssetParty")
            .WithSummary("Accept an invitation (the invitee) or a claim (the registrant or owner)")
            .ProducesProblem(400).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409).ProducesProblem(422);

        group.MapPost("/{id}/parties/{partyId}/decline", async Task<Ok<AssetPartyResponse>> (
                string id, string partyId, AssetPartyDecisionRequest request, AssetParties parties, HttpContext http, CancellationToken ct) =>
                TypedResults.Ok(await parties.DeclineAsync(AssetQueries.ParseId(id), partyId, request, Caller.From(http.User), ct)))
            .RequireAuthorization(Policies.Scope(Scopes.AssetsWrite))
            .WithName("DeclineAssetParty")
            .WithSummary("Decline an invitation (the invitee) or a claim (the registrant or owner)")
            .ProducesProblem(400).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409).ProducesProblem(422);

        group.MapPost("/{id}/parties/{partyId}/end", async Task<Ok<AssetPartyResponse>> (
                string id, string partyId, AssetPartyDecisionRequest request, AssetParties parties, HttpContext http, CancellationToken ct) =>
                TypedResults.Ok(await parties.EndAsync(AssetQueries.ParseId(id), partyId, request, Caller.From(http.User), ct)))
            .RequireAuthorization(Policies.Scope(Scopes.AssetsWrite))
            .WithName("EndAssetParty")
            .WithSummary("Detach a party (or withdraw a pending request): the party itself, the requester, the registrant or the owner")
            .ProducesProblem(400).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409).ProducesProblem(422);

        MapTransition<ChangeOwnerRequest>(group, AssetLifecycle.ChangeOwner, "ChangeAssetOwner",
            "Change of owner, with the new owner's consent evidence (If-Match required)",
            (h, id, body, ifMatch, caller, ct) => h.ChangeOwnerAsync(id, body, ifMatch, caller, ct));
        MapTransition<MoveMeterPointRequest>(group, AssetLifecycle.MoveMeterPoint, "MoveAssetMeterPoint",
            "Move the asset to a new MPAN; its exact key moves with it and stays unique (If-Match required)",
            (h, id, body, ifMatch, caller, ct) => h.MoveMeterPointAsync(id, body, ifMatch, caller, ct));
        MapTransition<UpgradeAssetRequest>(group, AssetLifecycle.Upgrade, "UpgradeAsset",
            "Upgrade: new capacities, provisional until re-confirmed (If-Match required)",
            (h, id, body, ifMatch, caller, ct) => h.UpgradeAsync(id, body, ifMatch, caller, ct));
        MapTransition<DecommissionAssetRequest>(group, AssetLifecycle.Decommission, "DecommissionAsset",
            "Decommission: the asset keeps its ID and history, leaves default searches, takes no new claims (If-Match required)",
            (h, id, body, ifMatch, caller, ct) => h.DecommissionAsync(id, body, ifMatch, caller, ct));
        return app;
    }

    private delegate Task<(AssetResponse Response, Guid Version)> Transition<in TRequest>(
        ChangeAssetLifecycle handler, AssetId id, TRequest body, IfMatch? ifMatch, Caller caller, CancellationToken ct);

    private static void MapTransition<TRequest>(RouteGroupBuilder group, string code, string name, string summary, Transition<TRequest> handle) =>
        group.MapPost("/{id}/" + code, async Task<Ok<AssetResponse>> (string id, TRequest request, ChangeAssetLifecycle handler, HttpContext http, CancellationToken ct) =>
            {
                var (response, version) = await handle(handler, AssetQueries.ParseId(id), request, EntityTags.IfMatch(http), Caller.From(http.User), ct);
                http.Response.Headers.ETag = EntityTags.ETag(version);
                return TypedResults.Ok(response);
            })
            .RequireAuthorization(Policies.Scope(Scopes.AssetsWrite))
            .AddEndpointFilter<ProblemHeadersFilter>()
            .WithName(name)
            .WithSummary(summary)
            .WithDescription($"A row of GET /api/v1/reference/asset-lifecycle ({code}). Without If-Match 428; a stale one 412 with the current version, " +
                             "ETag and representation. Refused: a role the row does not name (403 asset.transition_not_allowed), a status it does not start from " +
                             "(409 asset.invalid_status_transition), invalid data (422, every error listed).")
            .ProducesProblem(400).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409).ProducesProblem(412).ProducesProblem(422).ProducesProblem(428);
}
