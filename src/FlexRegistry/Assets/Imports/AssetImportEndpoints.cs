using FlexRegistry.Auth;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Shared;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.OpenApi;

namespace FlexRegistry.Assets.Imports;

public static class AssetImportEndpoints
{
    /// <summary>The one path whose body may exceed the JSON limit (see <see cref="RequestLimitsMiddleware"/>).</summary>
    public const string UploadPath = "/api/v1/asset-imports";

    public static IEndpointRouteBuilder MapAssetImportEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup(UploadPath).WithTags("Asset imports");

        group.MapPost("", async Task<Accepted<AssetImportStatus>> (
                [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, AssetImportService imports, HttpContext http, CancellationToken ct) =>
            {
                var status = await imports.StartAsync(http.Request.Body, http.Request.ContentType, idempotencyKey, Caller.From(http.User), ct);
                return TypedResults.Accepted($"{UploadPath}/{status.ImportId}", status);
            })
            .RequireAuthorization(Policies.Scope(Scopes.AssetsImport))
            // No Accepts metadata: it would make routing answer 415 before authentication (401); RequestBodies checks these instead.
            .WithMetadata(new AcceptedMediaTypes("text/csv", "application/x-ndjson", "application/ndjson", "application/jsonl"))
            .AddOpenApiOperationTransformer((operation, context, _) =>
            {
                // The file is at most Imports:MaxBodyBytes bytes, so at most that many characters.
                var maxLength = checked((int)Math.Min(int.MaxValue, context.ApplicationServices.GetRequiredService<AssetImportOptions>().MaxBodyBytes));
                operation.RequestBody = new OpenApiRequestBody
                {
                    Required = true,
                    Description = "The file: CSV with a header row, or NDJSON with one RegisterAssetRequest per line.",
                    Content = new Dictionary<string, OpenApiMediaType>
                    {
                        ["text/csv"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = maxLength } },
                        ["application/x-ndjson"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = maxLength } },
                    },
                };
                return Task.CompletedTask;
            })
            .WithName("StartAssetImport")
            .WithSummary("Bulk-register assets from a CSV or NDJSON file (BUC.2 step 1)")
            .WithDescription("The body is the file, streamed: text/csv (header row, columns as GET /api/v1/asset-imports/template) or application/x-ndjson " +
                             "(one RegisterAssetRequest object per line). The rows are staged durably, then 202 with the import; a worker registers them " +
                             "in batches. Unreadable files (not UTF-8, broken quoting, unknown or missing columns) are refused at once with 400 and nothing is stored. " +
                             "Idempotency-Key: the same key and the same file give the same import; the same key with another file 422 import.idempotency_key_reused.")
            .ProducesProblem(400).ProducesProblem(413).ProducesProblem(415).ProducesProblem(422);

        group.MapGet("/template", () => TypedResults.Text(AssetImportService.Template(), "text/csv"))
            .RequireAuthorization(Policies.Scope(Scopes.AssetsImport))
            .WithName("GetAssetImportTemplate")
            .WithSummary("The CSV header row and one example row")
            .Produces<string>(200, "text/csv");

        group.MapGet("/{id}", async Task<Ok<AssetImportStatus>> (string id, AssetImportService imports, HttpContext http, CancellationToken ct) =>
                TypedResults.Ok(await imports.GetAsync(AssetImportService.ParseId(id), Caller.From(http.User), ct)))
            .RequireAuthorization(Policies.Scope(Scopes.AssetsImport))
            .WithName("GetAssetImport")
            .WithSummary("An import's status and counters (yours only)")
            .ProducesProblem(404);

        group.MapGet("/{id}/results", async (string id, [FromQuery] string? format, AssetImportService imports, HttpContext http, CancellationToken ct) =>
            {
                var importId = AssetImportService.ParseId(id);
                var caller = Caller.From(http.User);
                await imports.GetAsync(importId, caller, ct); // 404 before any byte is written
                var chosen = ResultsFormat(format, http.Request.Headers.Accept.ToString());
                http.Response.StatusCode = 200;
                http.Response.ContentType = chosen == AssetImportReader.Csv ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8";
                await imports.WriteResultsAsync(importId, caller, chosen, http.Response.Body, ct);
            })
            .RequireAuthorization(Policies.Scope(Scopes.AssetsImport))
            .WithName("GetAssetImportResults")
            .WithSummary("Per-row results, streamed in row order, as CSV or NDJSON")
            .WithDescription("Choose with Accept: text/csv or application/x-ndjson, or ?format=csv|ndjson (default ndjson). One line per data row: " +
                             "rowNumber, outcome (registered|duplicate|invalid), assetId, existingAssetId, duplicateCaseId, errors (code, field, message).")
            .Produces<AssetImportRowResult>(200, "application/x-ndjson", "text/csv")
            .ProducesProblem(400).ProducesProblem(404);

        return app;
    }

    private static string ResultsFormat(string? format, string accept) =>
        format?.ToLowerInvariant() switch
        {
            "csv" => AssetImportReader.Csv,
            "ndjson" => AssetImportReader.Ndjson,
            null or "" => accept.Contains("text/csv", StringComparison.OrdinalIgnoreCase) ? AssetImportReader.Csv : AssetImportReader.Ndjson,
            _ => throw new DomainRuleException(CommonErrors.BadRequest, "format is csv or ndjson."),
        };
}
