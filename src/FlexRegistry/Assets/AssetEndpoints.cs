using System.ComponentModel.DataAnnotations;
using System.Text.Json.Nodes;
using FlexRegistry.AccessLog;
using FlexRegistry.Auth;
using FlexRegistry.Client.Contracts;
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
                http.Response.Headers.ETag = EntityTags.ETag(version);
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
                [AsParameters] AssetSearchParameters search, [FromQuery] string? cursor, [FromQuery, Range(1, 200)] int? limit,
                AssetQueries queries, HttpContext http, CancellationToken ct) =>
                TypedResults.Ok(await queries.SearchAsync(search.ToSearch() with { Cursor = cursor, Limit = limit }, Caller.From(http.User), ct)))
            .RequireAuthorization(Policies.Scope(Scopes.AssetsRead))
            .WithName("SearchAssets")
            .WithSummary("Search the assets you may see (BUC.2 step 6): yours, and as a market or system operator every registered asset")
            .WithDescription("Each hit carries the identity, technical and coarse-location fields the visibility rule shows you (GET /api/v1/reference/visibility). " +
                             "Filters (all optional, combined with AND): type (comma-separated), dnoArea (10–23), gspGroup, postcodeDistrict, " +
                             "bbox=minLon,minLat,maxLon,maxLat (at most 2° each way, matched on coordinates rounded to 0.01°), min/maxCapacityKw (the larger " +
                             "of import and export), status (planned, commissioned), operator (a participant ID), provenance (confirmed, provisional, mismatch), " +
                             "registeredFrom/registeredTo (ISO 8601). A filter on a field group you may not see of an asset never selects it. Keyset pagination " +
                             "in asset-ID order: pass nextCursor as cursor (a page may hold fewer than limit hits). Merged assets are left out. A reader that may " +
                             "see assets it is not a party to (market and system operators, grantees) declares purpose; its hits are access-logged.")
            .ProducesProblem(400).ProducesProblem(503);

        group.MapGet("/export", async Task<AssetExportResult> (
                [AsParameters] AssetSearchParameters search, [FromQuery] string? format, [FromQuery] string? cursor, [FromQuery] int? limit,
                ExportAssets export, HttpContext http, CancellationToken ct) =>
                await export.PrepareAsync(search.ToSearch() with { Cursor = cursor, Limit = limit }, format, Caller.From(http.User), ct))
            .RequireAuthorization(Policies.Scope(Scopes.AssetsRead))
            .WithName("ExportAssets")
            .WithSummary("Stream every asset a search matches, as NDJSON or CSV (format=ndjson|csv), under the same rule and logging")
            .WithDescription("The search's filters and purpose; no cursor or limit. NDJSON: one asset per line, as GET /api/v1/assets/{id} shows it to you. " +
                             "CSV: a header of the same fields' JSON paths, then one row per asset; withheld fields are empty and withheldGroups names them. " +
                             "Rows are written in asset-ID order, each batch only after it is access-logged; a response cut off before its end is incomplete.")
            .ProducesProblem(400).ProducesProblem(503);

        group.MapGet("/{id}", async Task<Ok<AssetResponse>> (string id, [FromQuery] string? purpose, [FromQuery] string? asOf, AssetQueries queries,
                AssetHistory history, HttpContext http, CancellationToken ct) =>
            {
                if (asOf is not null)
                    return TypedResults.Ok(await history.AsOfAsync(AssetQueries.ParseId(id), asOf, Caller.From(http.User), ct));
                var (response, version) = await queries.GetAsync(AssetQueries.ParseId(id), purpose, Caller.From(http.User), ct);
                http.Response.Headers.ETag = EntityTags.ETag(version);
                return TypedResults.Ok(response);
            })
            .RequireAuthorization(Policies.Scope(Scopes.AssetsRead))
            .WithName("GetAsset")
            .WithSummary("Read an asset: the field groups the visibility rule shows you (BUC.2 step 6)")
            .WithDescription("Its parties and the registry operator see every field. A market or system operator sees identity, technical data and coarse " +
                             "location of every registered asset, and more under data-sharing grants; it declares purpose (?purpose=, or its client's default) " +
                             "and the read is access-logged before it is answered (503 access_log.unavailable if it cannot be). Without a purpose such a read " +
                             "answers 400 read.purpose_required. An asset you may see nothing of answers 404 like a missing one. A merged asset's ID keeps " +
                             "resolving: status is merged and mergedInto names the survivor. asOf (an ISO 8601 instant between the registration and now) " +
                             "returns the asset as it was then, to its parties and the registry operator only, without an ETag (a past version cannot be changed).")
            .ProducesProblem(400).ProducesProblem(404).ProducesProblem(503);

        group.MapGet("/{id}/access-log", async Task<Ok<Page<AccessLogEntryResponse>>> (
                string id, [AsParameters] AccessLogParameters filter, AccessLogQueries queries, HttpContext http, CancellationToken ct) =>
                TypedResults.Ok(await queries.ForAssetAsync(AssetQueries.ParseId(id), filter.ToFilter(), Caller.From(http.User), ct)))
            .RequireAuthorization(Policies.Scope(Scopes.AssetsRead))
            .WithName("GetAssetAccessLog")
            .WithSummary("Who read this asset's data, when, which field groups and why (its parties and the registry operator)")
            .WithDescription("Newest first. Filters: reader (participant ID), from/to (ISO 8601, to exclusive), purpose. Paged by cursor (nextCursor).")
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
                var (response, version) = await handler.HandleAsync(assetId, patch, EntityTags.IfMatch(http), Caller.From(http.User), ct);
                http.Response.Headers.ETag = EntityTags.ETag(version);
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

/// <summary>The search filters as query parameters (every one a string, so that every malformed one is reported at once).</summary>
public sealed record AssetSearchParameters(
    [FromQuery(Name = "type")] string? Type,
    [FromQuery(Name = "dnoArea")] string? DnoArea,
    [FromQuery(Name = "gspGroup")] string? GspGroup,
    [FromQuery(Name = "postcodeDistrict")] string? PostcodeDistrict,
    [FromQuery(Name = "bbox")] string? Bbox,
    [FromQuery(Name = "minCapacityKw")] string? MinCapacityKw,
    [FromQuery(Name = "maxCapacityKw")] string? MaxCapacityKw,
    [FromQuery(Name = "status")] string? Status,
    [FromQuery(Name = "operator")] string? Operator,
    [FromQuery(Name = "portfolio")] string? Portfolio,
    [FromQuery(Name = "provenance")] string? Provenance,
    [FromQuery(Name = "registeredFrom")] string? RegisteredFrom,
    [FromQuery(Name = "registeredTo")] string? RegisteredTo,
    [FromQuery(Name = "purpose")] string? Purpose)
{
    public AssetSearch ToSearch() => new(Type, DnoArea, GspGroup, PostcodeDistrict, Bbox, MinCapacityKw, MaxCapacityKw, Status, Operator, Portfolio,
        Provenance, RegisteredFrom, RegisteredTo, Purpose);
}
