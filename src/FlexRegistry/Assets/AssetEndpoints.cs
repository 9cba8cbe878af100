using System.Text.Json.Nodes;
using FlexRegistry.Auth;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Participants;
using FlexRegistry.Shared;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace FlexRegistry.Assets;

public static class AssetEndpoints
{
    public static IEndpointRouteBuilder MapAssetEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/assets").WithTags("Assets");

        group.MapPost("", async Task<Created<RegisterAssetResponse>> (
                RegisterAssetRequest request, [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey,
                RegisterAsset handler, HttpContext http, CancellationToken ct) =>
            {
                var (response, version) = await handler.HandleAsync(request, idempotencyKey, Caller.From(http.User), ct);
                http.Response.Headers.ETag = ParticipantEndpoints.ETag(version);
                return TypedResults.Created($"/api/v1/assets/{response.AssetId}", response);
            })
            .RequireAuthorization(Policies.Scope(Scopes.AssetsWrite))
            .WithName("RegisterAsset")
            .WithSummary("Register one asset (BUC.2 steps 2, 4, 5)")
            .WithDescription("Runs every published validation rule and reports every broken one at once (422 asset.validation_failed, nothing stored). " +
                             "The same asset again (manufacturer + serial, or MPAN + type + serial, in any formatting) answers 409 asset.duplicate with " +
                             "existingAssetId only. Idempotency-Key: the same key and body give the same answer; the same key with another body 422 idempotency.key_reused.")
            .ProducesProblem(400).ProducesProblem(409).ProducesProblem(422);

        group.MapPost("/check", Ok<AssetCheckResponse> (RegisterAssetRequest request, RegisterAsset handler) =>
                TypedResults.Ok(handler.Check(request)))
            .RequireAuthorization(Policies.Scope(Scopes.AssetsWrite))
            .WithName("CheckAsset")
            .WithSummary("Dry-run: run the published rules over an asset without storing anything (BUC.2 step 2)")
            .ProducesProblem(400);

        group.MapGet("", async Task<Ok<Page<AssetSummary>>> (
                [FromQuery] string? type, [FromQuery] string? dnoArea, [FromQuery] string? gspGroup, [FromQuery] string? postcodeDistrict,
                [FromQuery] decimal? minCapacityKw, [FromQuery] decimal? maxCapacityKw, [FromQuery] string? cursor, [FromQuery] int? limit,
                AssetQueries queries, HttpContext http, CancellationToken ct) =>
                TypedResults.Ok(await queries.SearchAsync(
                    new AssetSearch(type, dnoArea, gspGroup, postcodeDistrict, minCapacityKw, maxCapacityKw, cursor, limit), Caller.From(http.User), ct)))
            .RequireAuthorization(Policies.Scope(Scopes.AssetsRead))
            .WithName("SearchAssets")
            .WithSummary("Search the assets visible to you (registry operator: all)")
            .WithDescription("Filters: type, dnoArea (distributor ID 10–23), gspGroup, postcodeDistrict, min/maxCapacityKw (the larger of import and export). " +
                             "Keyset pagination: pass nextCursor as cursor. Merged assets are left out.")
            .ProducesProblem(400);

        group.MapGet("/{id}", async Task<Ok<AssetResponse>> (string id, [FromQuery] string? asOf, AssetQueries queries, AssetHistory history, HttpContext http,
                CancellationToken ct) =>
            {
                if (asOf is not null)
                    return TypedResults.Ok(await history.AsOfAsync(AssetQueries.ParseId(id), asOf, Caller.From(http.User), ct));
                var (response, version) = await queries.GetAsync(AssetQueries.ParseId(id), Caller.From(http.User), ct);
                http.Response.Headers.ETag = ParticipantEndpoints.ETag(version);
                return TypedResults.Ok(response);
            })
            .RequireAuthorization(Policies.Scope(Scopes.AssetsRead))
            .WithName("GetAsset")
            .WithSummary("Read an asset (its parties and the registry operator)")
            .WithDescription("A merged asset's ID keeps resolving: status is merged and mergedInto names the survivor. asOf (an ISO 8601 instant between " +
                             "the registration and now) returns the asset as it was then, without an ETag (a past version cannot be changed).")
            .ProducesProblem(400).ProducesProblem(404);

        group.MapPatch("/{id}", async Task<Ok<AssetResponse>> (string id, HttpContext http, UpdateAsset handler, CancellationToken ct) =>
            {
                var assetId = AssetQueries.ParseId(id);
                if (!string.Equals(http.Request.ContentType?.Split(';')[0].Trim(), UpdateAsset.MediaType, StringComparison.OrdinalIgnoreCase))
                    throw new DomainRuleException(CommonErrors.UnsupportedMediaType, $"Send the patch as {UpdateAsset.MediaType}.");
                JsonNode? patch;
                try
                {
                    patch = await JsonNode.ParseAsync(http.Request.Body, cancellationToken: ct);
                }
                catch (System.Text.Json.JsonException e)
                {
                    throw new DomainRuleException(CommonErrors.MalformedJson, "The body is not valid JSON: " + e.Message);
                }
                var (response, version) = await handler.HandleAsync(assetId, patch, ParticipantEndpoints.IfMatch(http), Caller.From(http.User), ct);
                http.Response.Headers.ETag = ParticipantEndpoints.ETag(version);
                return TypedResults.Ok(response);
            })
            .RequireAuthorization(Policies.Scope(Scopes.AssetsWrite))
            .AddEndpointFilter<ProblemHeadersFilter>()
            .Accepts<RegisterAssetRequest>(UpdateAsset.MediaType)
            .WithName("PatchAsset")
            .WithSummary("Change an asset with a JSON merge patch (If-Match required)")
            .WithDescription("application/merge-patch+json over the registration fields. Without If-Match 428 resource.precondition_required; " +
                             "a stale ETag 412 resource.precondition_failed. The result is validated by the same published rules; type and server-owned fields are refused.")
            .ProducesProblem(400).ProducesProblem(404).ProducesProblem(409).ProducesProblem(412).ProducesProblem(415).ProducesProblem(422).ProducesProblem(428);

        return app;
    }
}
