using FlexRegistry.Auth;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Shared;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.OpenApi;

namespace FlexRegistry.Onboarding;

/// <summary>Routes of published markets and of onboarding (applications, the one-action grant, requests and documents).</summary>
public static class OnboardingEndpoints
{
    public static IEndpointRouteBuilder MapOnboardingEndpoints(this IEndpointRouteBuilder app)
    {
        MapMarkets(app);
        MapOnboardings(app);
        return app;
    }

    private static void MapMarkets(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/markets").WithTags("Markets");

        group.MapPost("", async Task<Created<MarketResponse>> (MarketRequest request, [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey,
                PublishMarket handler, HttpContext http, CancellationToken ct) =>
            {
                var (response, version) = await handler.CreateAsync(request, idempotencyKey, Caller.From(http.User), ct);
                http.Response.Headers.ETag = EntityTags.ETag(version);
                return TypedResults.Created($"/api/v1/markets/{response.MarketId}", response);
            })
            .RequireAuthorization(Policies.Scope(Scopes.ProductsManage))
            .WithName("PublishMarket")
            .WithSummary("Publish a market with its products, areas and onboarding requirements (market and system operators; BUC.4 step 3)")
            .WithDescription("The name is unique across the register (ignoring case and spacing): a second answers 409 market.name_taken with " +
                             "existingMarketId. Every broken rule at once: 422 market.validation_failed. Idempotency-Key honoured.")
            .ProducesProblem(400).ProducesProblem(409).ProducesProblem(422);

        group.MapGet("", async Task<Ok<Page<MarketResponse>>> ([FromQuery] string? @operator, [FromQuery] string? status, [FromQuery] string? gspGroup,
                [FromQuery] string? cursor, [FromQuery] int? limit, MarketQueries queries, CancellationToken ct) =>
                TypedResults.Ok(await queries.ListAsync(@operator, status, gspGroup, cursor, limit, ct)))
            .RequireAuthorization(Policies.Participant)
            .WithName("ListMarkets")
            .WithSummary("Published markets (public to every participant), by operator, status and area served")
            .ProducesProblem(400);

        group.MapGet("/{id}", async Task<Ok<MarketResponse>> (string id, MarketQueries queries, HttpContext http, CancellationToken ct) =>
            {
                var market = await queries.LoadAsync(MarketQueries.ParseId(id), ct);
                http.Response.Headers.ETag = EntityTags.ETag(market.Version);
                return TypedResults.Ok(market.ToResponse(MarketQueries.ProviderFields));
            })
            .RequireAuthorization(Policies.Participant)
            .WithName("GetMarket")
            .WithSummary("Read a market and its onboarding requirements")
            .ProducesProblem(404);

        group.MapPut("/{id}", async Task<Ok<MarketResponse>> (string id, MarketRequest request, PublishMarket handler, HttpContext http, CancellationToken ct) =>
            {
                var (response, version) = await handler.ChangeAsync(MarketQueries.ParseId(id), request, EntityTags.IfMatch(http), Caller.From(http.User), ct);
                http.Response.Headers.ETag = EntityTags.ETag(version);
                return TypedResults.Ok(response);
            })
            .RequireAuthorization(Policies.Scope(Scopes.ProductsManage))
            .WithName("ChangeMarket")
            .WithSummary("Change your market (If-Match required); closing it stops new applications")
            .ProducesProblem(400).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409).ProducesProblem(412).ProducesProblem(422).ProducesProblem(428);

        group.MapPost("/{id}/onboardings", async Task<Created<OnboardingResponse>> (string id, ApplyToMarketRequest request, ManageOnboardings handler,
                HttpContext http, CancellationToken ct) =>
            {
                var response = await handler.ApplyAsync(MarketQueries.ParseId(id), request, Caller.From(http.User), ct);
                return TypedResults.Created($"/api/v1/onboardings/{response.OnboardingId}", response);
            })
            .RequireAuthorization(Policies.Scope(Scopes.ParticipantManage))
            .WithName("ApplyToMarket")
            .WithSummary("Apply to join a market (providers; BUC.4 step 5): expresses interest in its operator, who is told")
            .WithDescription("One onboarding per provider and market: a second application answers 409 onboarding.already_applied with " +
                             "existingOnboardingId, unless the first was returned, when it is opened again.")
            .ProducesProblem(400).ProducesProblem(404).ProducesProblem(409).ProducesProblem(422);
    }

    /// <summary>A document's media types: binary, at most Onboarding:MaxDocumentBytes bytes (so at most that many characters).</summary>
    private static Dictionary<string, OpenApiMediaType> DocumentContent(IServiceProvider services)
    {
        var maxLength = checked((int)Math.Min(int.MaxValue, services.GetRequiredService<OnboardingOptions>().MaxDocumentBytes));
        return DocumentSignature.Accepted.ToDictionary(t => t, _ => new OpenApiMediaType
        {
            Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary", MaxLength = maxLength },
        });
    }

    private static void MapOnboardings(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/onboardings").WithTags("Onboarding");

        group.MapGet("", async Task<Ok<Page<OnboardingResponse>>> ([FromQuery] string? market, [FromQuery] string? participant, [FromQuery] string? status,
                [FromQuery] string? cursor, [FromQuery] int? limit, OnboardingQueries queries, HttpContext http, CancellationToken ct) =>
                TypedResults.Ok(await queries.ListAsync(market, participant, status, cursor, limit, Caller.From(http.User), ct)))
            .RequireAuthorization(Policies.Scope(Scopes.ParticipantRead))
            .WithName("ListOnboardings")
            .WithSummary("Your onboardings, as provider and as market operator, by market, participant and status")
            .WithDescription("status is requested, in-progress, onboarded or returned. status=onboarded with market= lists who is onboarded to a market.")
            .ProducesProblem(400);

        group.MapGet("/{id}", async Task<Ok<OnboardingResponse>> (string id, OnboardingQueries queries, HttpContext http, CancellationToken ct) =>
            {
                var (response, version) = await queries.GetAsync(OnboardingQueries.ParseId(id), Caller.From(http.User), ct);
                http.Response.Headers.ETag = EntityTags.ETag(version);
                return TypedResults.Ok(response);
            })
            .RequireAuthorization(Policies.Scope(Scopes.ParticipantRead))
            .WithName("GetOnboarding")
            .WithSummary("An onboarding and its requests (its provider and the market's operator only)")
            .ProducesProblem(404);

        group.MapPost("/{id}/grant", async Task<Ok<OnboardingGrantResponse>> (string id, ManageOnboardings handler, HttpContext http, CancellationToken ct) =>
                TypedResults.Ok(await handler.GrantAsync(OnboardingQueries.ParseId(id), Caller.From(http.User), ct)))
            .RequireAuthorization(Policies.Scope(Scopes.ParticipantManage))
            .WithName("GrantOnboardingData")
            .WithSummary("Grant the market's operator, in one action, the commercial-information sections the market requires (BUC.4 step 6)")
            .WithDescription("One data-sharing grant per section, purpose onboarding, for a year; sections already granted so are listed as they are. " +
                             "The operator reads them under the grant (access-logged, visible to you in the access log).")
            .ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);

        group.MapPost("/{id}/onboard", async Task<Ok<OnboardingResponse>> (string id, ManageOnboardings handler, HttpContext http, CancellationToken ct) =>
                TypedResults.Ok(await handler.OnboardAsync(OnboardingQueries.ParseId(id), Caller.From(http.User), ct)))
            .RequireAuthorization(Policies.Scope(Scopes.ProductsManage))
            .WithName("CompleteOnboarding")
            .WithSummary("Record that the provider is onboarded to your market (every request accepted)")
            .ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);

        group.MapPost("/{id}/return", async Task<Ok<OnboardingResponse>> (string id, ReasonRequest request, ManageOnboardings handler, HttpContext http,
                CancellationToken ct) =>
                TypedResults.Ok(await handler.ReturnAsync(OnboardingQueries.ParseId(id), request, Caller.From(http.User), ct)))
            .RequireAuthorization(Policies.Scope(Scopes.ProductsManage))
            .WithName("ReturnOnboarding")
            .WithSummary("Return an application with a reason the provider sees; it may apply again")
            .ProducesProblem(400).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);

        group.MapPost("/{id}/requests", async Task<Created<OnboardingRequestResponse>> (string id, RaiseOnboardingRequest request, OnboardingRequests handler,
                HttpContext http, CancellationToken ct) =>
            {
                var response = await handler.RaiseAsync(OnboardingQueries.ParseId(id), request, Caller.From(http.User), ct);
                return TypedResults.Created($"/api/v1/onboardings/{id}/requests/{response.RequestId}", response);
            })
            .RequireAuthorization(Policies.Scope(Scopes.ProductsManage))
            .WithName("RaiseOnboardingRequest")
            .WithSummary("Ask the provider for a missing field, a document, bank details, a technical test or an agreement (BUC.4 step 7)")
            .WithDescription("The provider sees it as a notice. Refused with 409 onboarding.not_interested when the provider has withdrawn its interest.")
            .ProducesProblem(400).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409).ProducesProblem(422);

        group.MapPost("/{id}/requests/{requestId}/answer", async Task<Ok<OnboardingRequestResponse>> (string id, string requestId, AnswerOnboardingRequest request,
                OnboardingRequests handler, HttpContext http, CancellationToken ct) =>
                TypedResults.Ok(await handler.AnswerAsync(OnboardingQueries.ParseId(id), OnboardingQueries.ParseRequestId(requestId), request, Caller.From(http.User), ct)))
            .RequireAuthorization(Policies.Scope(Scopes.ParticipantManage))
            .WithName("AnswerOnboardingRequest")
            .WithSummary("Answer a request that is open or was returned (providers; documents are uploaded instead)")
            .ProducesProblem(400).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);

        group.MapPut("/{id}/requests/{requestId}/document", async Task<Ok<OnboardingRequestResponse>> (string id, string requestId, OnboardingRequests handler,
                HttpContext http, CancellationToken ct) =>
                TypedResults.Ok(await handler.UploadAsync(OnboardingQueries.ParseId(id), OnboardingQueries.ParseRequestId(requestId), http.Request.Body,
                    http.Request.ContentType, Caller.From(http.User), ct)))
            .RequireAuthorization(Policies.Scope(Scopes.ParticipantManage))
            // No Accepts metadata: routing would answer 415 before authentication; RequestBodies checks these instead.
            .WithMetadata(new AcceptedMediaTypes([.. DocumentSignature.Accepted]))
            .AddOpenApiOperationTransformer((operation, context, _) =>
            {
                operation.RequestBody = new OpenApiRequestBody
                {
                    Required = true,
                    Description = "The document itself: a PDF, PNG or JPEG, at most Onboarding:MaxDocumentBytes (1 MB by default). Its content must be the type " +
                                  "its Content-Type names.",
                    Content = DocumentContent(context.ApplicationServices),
                };
                return Task.CompletedTask;
            })
            .WithName("UploadOnboardingDocument")
            .WithSummary("Upload the document a request asks for (providers): PDF, PNG or JPEG, content checked, stored in the register's database")
            .WithDescription("A document whose bytes are not the type its Content-Type names answers 415 onboarding.document_type_mismatch; one over " +
                             "the size limit 413 request.body_too_large. Nothing is stored then. A new upload after a return replaces the document.")
            .ProducesProblem(400).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409).ProducesProblem(413).ProducesProblem(415);

        group.MapGet("/{id}/requests/{requestId}/document", async Task<FileContentHttpResult> (string id, string requestId, OnboardingRequests handler,
                HttpContext http, CancellationToken ct) =>
            {
                var (content, contentType) = await handler.DownloadAsync(OnboardingQueries.ParseId(id), OnboardingQueries.ParseRequestId(requestId),
                    Caller.From(http.User), ct);
                http.Response.Headers.CacheControl = "private, no-store";
                return TypedResults.File(content, contentType);
            })
            .RequireAuthorization(Policies.Scope(Scopes.ParticipantRead))
            .Produces(200)
            .AddOpenApiOperationTransformer((operation, context, _) =>
            {
                // The 200 response exists (the shared transformers give every response its headers); it gets its media types here.
                if (operation.Responses?.TryGetValue("200", out var ok) == true && ok is OpenApiResponse response)
                {
                    response.Description = "The document, in the type its content was recognised as.";
                    response.Content = DocumentContent(context.ApplicationServices);
                }
                return Task.CompletedTask;
            })
            .WithName("GetOnboardingDocument")
            .WithSummary("Download an uploaded document (the onboarding's two sides; each read is audited)")
            .ProducesProblem(404);

        group.MapPost("/{id}/requests/{requestId}/accept", async Task<Ok<OnboardingRequestResponse>> (string id, string requestId, OnboardingRequests handler,
                HttpContext http, CancellationToken ct) =>
                TypedResults.Ok(await handler.AcceptAsync(OnboardingQueries.ParseId(id), OnboardingQueries.ParseRequestId(requestId), Caller.From(http.User), ct)))
            .RequireAuthorization(Policies.Scope(Scopes.ProductsManage))
            .WithName("AcceptOnboardingAnswer")
            .WithSummary("Accept the provider's answer")
            .ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);

        group.MapPost("/{id}/requests/{requestId}/return", async Task<Ok<OnboardingRequestResponse>> (string id, string requestId, ReasonRequest request,
                OnboardingRequests handler, HttpContext http, CancellationToken ct) =>
                TypedResults.Ok(await handler.ReturnAsync(OnboardingQueries.ParseId(id), OnboardingQueries.ParseRequestId(requestId), request, Caller.From(http.User), ct)))
            .RequireAuthorization(Policies.Scope(Scopes.ProductsManage))
            .WithName("ReturnOnboardingAnswer")
            .WithSummary("Return the provider's answer with a reason it sees; it answers again")
            .ProducesProblem(400).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);
    }
}
