using FlexRegistry.Client.Contracts;
using FlexRegistry.Shared;

namespace FlexRegistry.Catalogue;

public static class CatalogueEndpoints
{
    public static IEndpointRouteBuilder MapCatalogueEndpoints(this IEndpointRouteBuilder app)
    {
        // Public by design (seed 002's public member registry): only what the visibility rule shows to any participant.
        var group = app.MapGroup("/api/v1/catalogue").WithTags("Catalogue").AllowAnonymous().WithMetadata(AnonymousLimit.Instance);

        group.MapGet("", () => new CatalogueResult("jsonld", PublicCatalogue.JsonLd, null,
                (catalogue, http, body) => catalogue.WriteJsonLdAsync(body, BaseUrl(http), http.RequestAborted)))
            .Produces<CatalogueDocument>(StatusCodes.Status200OK, PublicCatalogue.JsonLd).Produces(StatusCodes.Status304NotModified)
            .WithName("GetPublicCatalogue")
            .WithSummary("The public catalogue as JSON-LD: registered participants and published markets, without a token (BUC.4 step 5)")
            .WithDescription("A dcat:Catalog of two dcat:Datasets (participants, markets) with their CSV and JSON-LD distributions; each participant a " +
                             "schema.org Organization (its public directory entry only; individuals are not listed), each market a schema.org Service " +
                             "provided by its operator. Streamed. Strong ETag (the register's latest change), Cache-Control public, 304 on If-None-Match.");

        group.MapGet("/participants.csv", () => new CatalogueResult("participants-csv", PublicCatalogue.Csv, "participants.csv",
                (catalogue, http, body) => catalogue.WriteParticipantsCsvAsync(body, http.RequestAborted)))
            .Produces<string>(StatusCodes.Status200OK, PublicCatalogue.Csv).Produces(StatusCodes.Status304NotModified)
            .WithName("GetPublicCatalogueParticipantsCsv")
            .WithSummary("The public catalogue's participants as CSV, without a token (BUC.4 step 5)")
            .WithDescription("Columns: participantId, legalName, status, companyNumber, eicCode, roles (space-separated), town, postcodeDistrict, " +
                             "dnoArea, mergedInto. Streamed; ETag and Cache-Control as the JSON-LD catalogue.");

        group.MapGet("/markets.csv", () => new CatalogueResult("markets-csv", PublicCatalogue.Csv, "markets.csv",
                (catalogue, http, body) => catalogue.WriteMarketsCsvAsync(body, http.RequestAborted)))
            .Produces<string>(StatusCodes.Status200OK, PublicCatalogue.Csv).Produces(StatusCodes.Status304NotModified)
            .WithName("GetPublicCatalogueMarketsCsv")
            .WithSummary("The public catalogue's markets as CSV, without a token (BUC.4 step 5)")
            .WithDescription("Columns: marketId, name, operatorId, status, areas (GSP groups, space-separated; none = all of GB), productIds, " +
                             "contactEmail, description. Streamed; ETag and Cache-Control as the JSON-LD catalogue.");

        return app;
    }

    private static string BaseUrl(HttpContext http) => $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}";
}
