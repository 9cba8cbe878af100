using FlexRegistry.Assets;
using FlexRegistry.Auth;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Shared;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace FlexRegistry.Market;

/// <summary>Routes of products, portfolios, operator claims, contracts, the conflict register and the owner's view.</summary>
public static class MarketEndpoints
{
    public static IEndpointRouteBuilder MapMarketEndpoints(this IEndpointRouteBuilder app)
    {
        MapCatalogue(app);
        MapProducts(app);
        MapPortfolios(app);
        MapClaims(app);
        MapContracts(app);
        MapConflicts(app);
        MapOwnerView(app);
        return app;
    }

    private static void MapCatalogue(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/reference").WithTags("Reference data").RequireAuthorization(Policies.Participant);

        group.MapGet("/product-templates", Ok<ProductCatalogueResponse> () => TypedResults.Ok(new ProductCatalogueResponse(
                [.. ServiceClass.All.Select(c => new ServiceClassResponse(c.Code, c.Name, c.Description))],
                [.. ProductTemplate.All.Select(t => new ProductTemplateResponse(t.Code, t.Name, t.ServiceClass, t.Description, t.RequiredFields, t.ConfirmedGroups,
                    t.RequireCommissioned))],
                ProductTemplate.RequirementFields, ProductTemplate.ConfirmableGroups)))
            .WithName("ListProductTemplates")
            .WithSummary("The product catalogue: service classes, templates with their default data requirements, the asset fields requirements may name");

        group.MapGet("/stacking-rules", Ok<IReadOnlyList<StackingRuleResponse>> () =>
                TypedResults.Ok<IReadOnlyList<StackingRuleResponse>>([.. StackingRules.Published().Select(r => new StackingRuleResponse(r.A, r.B, r.Rule.ToWire(), r.Reason))]))
            .WithName("ListStackingRules")
            .WithSummary("The published stacking rules between product templates: stackable, stackable-if-capacity-split, not-stackable");
    }

    private static void MapProducts(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/products").WithTags("Products");

        group.MapPost("", async Task<Created<ProductResponse>> (ProductRequest request, [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey,
                DefineProduct handler, HttpContext http, CancellationToken ct) =>
            {
                var (response, version) = await handler.CreateAsync(request, idempotencyKey, Caller.From(http.User), ct);
                http.Response.Headers.ETag = EntityTags.ETag(version);
                return TypedResults.Created($"/api/v1/products/{response.ProductId}", response);
            })
            .RequireAuthorization(Policies.Scope(Scopes.ProductsManage))
            .WithName("DefineProduct")
            .WithSummary("Define a product from a template (system and market operators)")
            .WithDescription("Windows are RFC 5545 recurrence rules (FREQ=DAILY or WEEKLY, BYDAY, BYMONTH) with local GB start and end times. " +
                             "Every broken rule at once: 422 product.validation_failed. Idempotency-Key honoured.")
            .ProducesProblem(400).ProducesProblem(422);

        group.MapGet("", async Task<Ok<Page<ProductResponse>>> ([FromQuery] string? template, [FromQuery] string? serviceClass, [FromQuery] string? owner,
                [FromQuery] string? cursor, [FromQuery] int? limit, ProductQueries queries, CancellationToken ct) =>
                TypedResults.Ok(await queries.SearchAsync(template, serviceClass, owner, cursor, limit, ct)))
            .RequireAuthorization(Policies.Participant)
            .WithName("SearchProducts")
            .WithSummary("Find products (a public catalogue) by template, service class or owner")
            .ProducesProblem(400);

        group.MapGet("/{id}", async Task<Ok<ProductResponse>> (string id, ProductQueries queries, HttpContext http, CancellationToken ct) =>
            {
                var product = await queries.LoadAsync(ProductQueries.ParseId(id), ct);
                http.Response.Headers.ETag = EntityTags.ETag(product.Version);
                return TypedResults.Ok(product.ToResponse());
            })
            .RequireAuthorization(Policies.Participant)
            .WithName("GetProduct")
            .WithSummary("Read a product")
            .ProducesProblem(404);

        group.MapPut("/{id}", async Task<Ok<ProductResponse>> (string id, ProductRequest request, DefineProduct handler, HttpContext http, CancellationToken ct) =>
            {
                var (response, version) = await handler.ChangeAsync(ProductQueries.ParseId(id), request, EntityTags.IfMatch(http), Caller.From(http.User), ct);
                http.Response.Headers.ETag = EntityTags.ETag(version);
                return TypedResults.Ok(response);
            })
            .RequireAuthorization(Policies.Scope(Scopes.ProductsManage))
            .WithName("ChangeProduct")
            .WithSummary("Change your product's terms (If-Match required); its contracts' conflicts are checked again")
            .ProducesProblem(400).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409).ProducesProblem(412).ProducesProblem(422).ProducesProblem(428);

        group.MapGet("/{id}/requirements", async Task<Ok<ProductRequirementsResponse>> (string id, ProductQueries queries, CancellationToken ct) =>
                TypedResults.Ok((await queries.LoadAsync(ProductQueries.ParseId(id), ct)).Requirements()))
            .RequireAuthorization(Policies.Participant)
            .WithName("GetProductRequirements")
            .WithSummary("The product's data requirements: fields present, groups confirmed, types, status, area (BUC.2 step 1b)")
            .ProducesProblem(404);

        group.MapPost("/{id}/eligibility-check", async Task<Ok<EligibilityCheckResponse>> (string id, EligibilityCheckRequest request,
                CheckEligibility handler, HttpContext http, CancellationToken ct) =>
                TypedResults.Ok(await handler.HandleAsync(ProductQueries.ParseId(id), request, Caller.From(http.User), ct)))
            .RequireAuthorization(Policies.Scope(Scopes.AssetsRead))
            .WithName("CheckProductEligibility")
            .WithSummary("Per asset (listed, or a portfolio's members): what is missing for the product, and the commitments it would conflict with (BUC.2 step 1b)")
            .WithDescription("Nothing is stored. Assets you cannot see are reported as not found.")
            .ProducesProblem(400).ProducesProblem(404).ProducesProblem(422);
    }

    private static void MapPortfolios(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/portfolios").WithTags("Portfolios");

        group.MapGet("", async Task<Ok<Page<PortfolioResponse>>> ([FromQuery] string? cursor, [FromQuery] int? limit, PortfolioQueries queries, HttpContext http,
                CancellationToken ct) => TypedResults.Ok(await queries.ListAsync(cursor, limit, Caller.From(http.User), ct)))
            .RequireAuthorization(Policies.Scope(Scopes.AssetsRead))
            .WithName("ListPortfolios")
            .WithSummary("Your portfolios (register one as an asset of type portfolio) with their aggregate capacity")
            .ProducesProblem(400);

        group.MapGet("/{id}", async Task<Ok<PortfolioResponse>> (string id, PortfolioQueries queries, HttpContext http, CancellationToken ct) =>
                TypedResults.Ok(await queries.GetAsync(PortfolioQueries.ParseId(id), Caller.From(http.User), ct)))
            .RequireAuthorization(Policies.Scope(Scopes.AssetsRead))
            .WithName("GetPortfolio")
            .WithSummary("A portfolio and its aggregate capacity, derived from its current members")
            .ProducesProblem(404);

        group.MapGet("/{id}/members", async Task<Ok<Page<PortfolioMemberResponse>>> (string id, [FromQuery] DateTimeOffset? asOf, [FromQuery] bool? all,
                [FromQuery] string? cursor, [FromQuery] int? limit, PortfolioQueries queries, HttpContext http, CancellationToken ct) =>
                TypedResults.Ok(await queries.MembersAsync(PortfolioQueries.ParseId(id), asOf, all == true, cursor, limit, Caller.From(http.User), ct)))
            .RequireAuthorization(Policies.Scope(Scopes.AssetsRead))
            .WithName("ListPortfolioMembers")
            .WithSummary("The portfolio's members at asOf (default now), or every membership with all=true")
            .ProducesProblem(400).ProducesProblem(404);

        group.MapPost("/{id}/members", async Task<Ok<PortfolioMembersChangedResponse>> (string id, AddPortfolioMembersRequest request,
                ChangePortfolioMembers handler, HttpContext http, CancellationToken ct) =>
                TypedResults.Ok(await handler.AddAsync(PortfolioQueries.ParseId(id), request, Caller.From(http.User), ct)))
            .RequireAuthorization(Policies.Scope(Scopes.AssetsWrite))
            .WithName("AddPortfolioMembers")
            .WithSummary("Add members for a period (the portfolio's owner only; up to 10,000 per request)")
            .WithDescription("Every member is checked first and every problem listed (422 portfolio.members_invalid); nothing is stored unless all pass. " +
                             "The portfolio's conflicts are checked again.")
            .ProducesProblem(400).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409).ProducesProblem(422);

        group.MapPost("/{id}/members/remove", async Task<Ok<PortfolioMembersChangedResponse>> (string id, RemovePortfolioMembersRequest request,
                ChangePortfolioMembers handler, HttpContext http, CancellationToken ct) =>
                TypedResults.Ok(await handler.RemoveAsync(PortfolioQueries.ParseId(id), request, Caller.From(http.User), ct)))
            .RequireAuthorization(Policies.Scope(Scopes.AssetsWrite))
            .WithName("RemovePortfolioMembers")
            .WithSummary("End memberships at a moment (default now; the portfolio's owner only)")
            .ProducesProblem(400).ProducesProblem(403).ProducesProblem(404).ProducesProblem(422);
    }

    private static void MapClaims(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/operator-claims").WithTags("Operator claims");

        group.MapPost("", async Task<Created<ClaimAcceptedResponse>> (OperatorClaimRequest request, [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey,
                ClaimAsset handler, HttpContext http, CancellationToken ct) =>
            {
                var accepted = await handler.HandleAsync(request, idempotencyKey, Caller.From(http.User), ct);
                return TypedResults.Created($"/api/v1/operator-claims/{accepted.Claim.ClaimId}", accepted);
            })
            .RequireAuthorization(Policies.Scope(Scopes.ClaimsManage))
            .WithName("ClaimAsset")
            .WithSummary("Claim the right to operate an asset for a service class over a period, with the owner's consent (BUC.2 step 3)")
            .WithDescription("One operator per asset, service class and moment, enforced by the database. Another operator's overlapping claim: a switch when yours starts " +
                             "far enough ahead (the held claim is trimmed to end then), else 409 operator_claim.conflict with conflictingFrom/conflictingTo and a notice to both.")
            .ProducesProblem(400).ProducesProblem(409).ProducesProblem(422);

        group.MapGet("", async Task<Ok<Page<OperatorClaimResponse>>> ([FromQuery] string? asset, [FromQuery] string? serviceClass, [FromQuery] DateTimeOffset? at,
                [FromQuery] string? cursor, [FromQuery] int? limit, OperatorClaimQueries queries, HttpContext http, CancellationToken ct) =>
                TypedResults.Ok(await queries.ListAsync(asset, serviceClass, at, cursor, limit, Caller.From(http.User), ct)))
            .RequireAuthorization(Policies.Scope(Scopes.AssetsRead))
            .WithName("ListOperatorClaims")
            .WithSummary("Claims on an asset you are a party to (who operates it for what, since when), or your own claims")
            .ProducesProblem(400);

        group.MapGet("/{id}", async Task<Ok<OperatorClaimResponse>> (string id, OperatorClaimQueries queries, HttpContext http, CancellationToken ct) =>
                TypedResults.Ok(await queries.GetAsync(OperatorClaimQueries.ParseId(id), Caller.From(http.User), ct)))
            .RequireAuthorization(Policies.Scope(Scopes.AssetsRead))
            .WithName("GetOperatorClaim")
            .WithSummary("Read an operator claim (its operator, the asset's parties)")
            .ProducesProblem(404);

        group.MapPost("/{id}/end", async Task<Ok<OperatorClaimResponse>> (string id, EndClaimRequest request, ClaimAsset handler, HttpContext http, CancellationToken ct) =>
                TypedResults.Ok(await handler.EndAsync(OperatorClaimQueries.ParseId(id), request, Caller.From(http.User), ct)))
            .RequireAuthorization(Policies.Scope(Scopes.ClaimsManage))
            .WithName("EndOperatorClaim")
            .WithSummary("End your own claim from a moment on (default now)")
            .ProducesProblem(403).ProducesProblem(404).ProducesProblem(409).ProducesProblem(422);
    }

    private static void MapContracts(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/contracts").WithTags("Contracts").RequireAuthorization(Policies.Scope(Scopes.ContractsManage));

        group.MapPost("", async Task<Created<ContractWithConflictsResponse>> (ProposeContractRequest request,
                [FromHeader(Name = "Idempotency-Key")] string? idempotencyKey, ManageContracts handler, HttpContext http, CancellationToken ct) =>
            {
                var proposed = await handler.ProposeAsync(request, idempotencyKey, Caller.From(http.User), ct);
                return TypedResults.Created($"/api/v1/contracts/{proposed.Contract.ContractId}", proposed);
            })
            .WithName("ProposeContract")
            .WithSummary("Propose a contract: a portfolio delivering a product to its buyer for a period (the seller or the buyer proposes)")
            .WithDescription("Answers with the conflicts accepting it would create (status potential). Idempotency-Key honoured.")
            .ProducesProblem(400).ProducesProblem(422);

        group.MapGet("", async Task<Ok<Page<ContractResponse>>> ([FromQuery] string? status, [FromQuery] string? portfolio, [FromQuery] string? product,
                [FromQuery] string? cursor, [FromQuery] int? limit, ManageContracts handler, HttpContext http, CancellationToken ct) =>
                TypedResults.Ok(await handler.ListAsync(status, portfolio, product, cursor, limit, Caller.From(http.User), ct)))
            .WithName("ListContracts")
            .WithSummary("Your contracts as seller or buyer")
            .ProducesProblem(400);

        group.MapGet("/{id}", async Task<Ok<ContractWithConflictsResponse>> (string id, ManageContracts handler, HttpContext http, CancellationToken ct) =>
                TypedResults.Ok(await handler.GetAsync(ManageContracts.ParseId(id), Caller.From(http.User), ct)))
            .WithName("GetContract")
            .WithSummary("Read a contract and its open conflicts (its two sides only)")
            .ProducesProblem(404);

        group.MapPost("/{id}/accept", async Task<Ok<ContractWithConflictsResponse>> (string id, ManageContracts handler, HttpContext http, CancellationToken ct) =>
                TypedResults.Ok(await handler.AcceptAsync(ManageContracts.ParseId(id), Caller.From(http.User), ct)))
            .WithName("AcceptContract")
            .WithSummary("Accept a contract the other side proposed; its conflicts are detected and returned")
            .ProducesProblem(404).ProducesProblem(409);

        group.MapPost("/{id}/decline", async Task<Ok<ContractWithConflictsResponse>> (string id, ManageContracts handler, HttpContext http, CancellationToken ct) =>
                TypedResults.Ok(await handler.DeclineAsync(ManageContracts.ParseId(id), Caller.From(http.User), ct)))
            .WithName("DeclineContract")
            .WithSummary("Decline (or, as its proposer, withdraw) a proposed contract")
            .ProducesProblem(404).ProducesProblem(409);

        group.MapPost("/{id}/terminate", async Task<Ok<ContractWithConflictsResponse>> (string id, TerminateContractRequest request, ManageContracts handler,
                HttpContext http, CancellationToken ct) =>
                TypedResults.Ok(await handler.TerminateAsync(ManageContracts.ParseId(id), request, Caller.From(http.User), ct)))
            .WithName("TerminateContract")
            .WithSummary("End an active contract early (either side); its conflicts are checked again")
            .ProducesProblem(404).ProducesProblem(409);
    }

    private static void MapConflicts(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/conflicts").WithTags("Conflicts");

        group.MapGet("", async Task<Ok<Page<ConflictResponse>>> ([FromQuery] string? asset, [FromQuery] string? portfolio, [FromQuery] string? product,
                [FromQuery] string? participant, [FromQuery] string? status, [FromQuery] string? cursor, [FromQuery] int? limit, ConflictRegister register,
                HttpContext http, CancellationToken ct) =>
                TypedResults.Ok(await register.ListAsync(new ConflictRegister.Filters(asset, portfolio, product, participant, status, cursor, limit),
                    Caller.From(http.User), ct)))
            .RequireAuthorization(Policies.Scope(Scopes.AssetsRead))
            .WithName("ListConflicts")
            .WithSummary("The conflict register: conflicts you are a party to, by asset, portfolio, product or participant")
            .WithDescription("status is open (default), resolved, cleared or all. Each conflict shows the other side's product and buyer, never its contract, " +
                             "portfolio, seller or capacity.")
            .ProducesProblem(400);

        group.MapGet("/{id}", async Task<Ok<ConflictResponse>> (string id, ConflictRegister register, HttpContext http, CancellationToken ct) =>
                TypedResults.Ok(await register.GetAsync(ConflictRegister.ParseId(id), Caller.From(http.User), ct)))
            .RequireAuthorization(Policies.Scope(Scopes.AssetsRead))
            .WithName("GetConflict")
            .WithSummary("Read a conflict")
            .ProducesProblem(404);

        group.MapPost("/{id}/acknowledge", async Task<Ok<ConflictResponse>> (string id, AcknowledgeConflictRequest request, ConflictRegister register,
                HttpContext http, CancellationToken ct) =>
                TypedResults.Ok(await register.AcknowledgeAsync(ConflictRegister.ParseId(id), request, Caller.From(http.User), ct)))
            .RequireAuthorization(Policies.Scope(Scopes.AssetsRead))
            .WithName("AcknowledgeConflict")
            .WithSummary("Say you know of the conflict (your notice goes away)")
            .ProducesProblem(400).ProducesProblem(404).ProducesProblem(409);

        group.MapPost("/{id}/resolve", async Task<Ok<ConflictResponse>> (string id, ResolveConflictRequest request, ConflictRegister register,
                HttpContext http, CancellationToken ct) =>
                TypedResults.Ok(await register.ResolveAsync(ConflictRegister.ParseId(id), request, Caller.From(http.User), ct)))
            .RequireAuthorization(Policies.Scope(Scopes.ContractsManage))
            .WithName("ResolveConflict")
            .WithSummary("Record how the conflict was settled (a side of either contract, or the registry operator)")
            .ProducesProblem(400).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);

        group.MapPost("/detect", async Task<Ok<DetectConflictsResponse>> (DetectConflictsRequest request, ConflictRegister register, HttpContext http,
                CancellationToken ct) => TypedResults.Ok(await register.DetectAsync(request, Caller.From(http.User), ct)))
            .RequireAuthorization(Policies.Scope(Scopes.AssetsRead))
            .WithName("DetectConflicts")
            .WithSummary("Detect conflicts now over an asset, portfolio, product or contract (the registry operator: over everything)")
            .ProducesProblem(400).ProducesProblem(404).ProducesProblem(422);
    }

    private static void MapOwnerView(IEndpointRouteBuilder app)
    {
        app.MapPost("/api/v1/owner-access", async Task<Created<OwnerAccessResponse>> (OwnerAccessRequest request, ProveControl handler, CancellationToken ct) =>
            {
                var access = await handler.HandleAsync(request, ct);
                return TypedResults.Created($"/api/v1/owner-view/assets/{access.AssetId}", access);
            })
            .WithTags("Owner's view")
            .AllowAnonymous()
            .RequireRateLimiting(MarketSetup.OwnerAccessRateLimit)
            .WithName("ProveAssetControl")
            .WithSummary("A householder proves control of an asset (asset ID, MPAN, consent reference) for a short-lived view of it")
            .WithDescription("Anonymous and rate-limited. Any mismatch answers 422 owner_access.not_proven, whether or not the asset exists; repeated failures " +
                             "for one asset ID lock it for a while (429). Send the token as Authorization: OwnerAccess {token}.")
            .ProducesProblem(400).ProducesProblem(422).ProducesProblem(429);

        var group = app.MapGroup("/api/v1/owner-view/assets").WithTags("Owner's view").RequireAuthorization(MarketSetup.OwnerViewPolicy);

        group.MapGet("", async Task<Ok<Page<OwnerAssetSummary>>> (OwnerView view, HttpContext http, CancellationToken ct) =>
                TypedResults.Ok(new Page<OwnerAssetSummary>(await view.ListAsync(OwnerViewer.From(http.User), ct), null)))
            .WithName("ListOwnerAssets")
            .WithSummary("The owner's assets: with an owner-access token its one asset; a flex owner's token, the assets it is a party to");

        group.MapGet("/{id}", async Task<Ok<OwnerViewResponse>> (string id, OwnerView view, HttpContext http, CancellationToken ct) =>
                TypedResults.Ok(await view.GetAsync(OwnerAsset(id), OwnerViewer.From(http.User), ct)))
            .WithName("GetOwnerView")
            .WithSummary("Who operates the asset for which service since when, its portfolios and products, conflicts, and who read its data")
            .ProducesProblem(404);

        group.MapPost("/{id}/claims/{claimId}/withdraw-consent", async Task<Ok<OperatorClaimResponse>> (string id, string claimId,
                WithdrawConsentRequest request, OwnerView view, HttpContext http, CancellationToken ct) =>
                TypedResults.Ok(await view.WithdrawConsentAsync(OwnerAsset(id), OperatorClaimQueries.ParseId(claimId), request, OwnerViewer.From(http.User), ct)))
            .WithName("WithdrawConsent")
            .WithSummary("The owner withdraws consent for an operator claim: it ends now and the operator is told")
            .ProducesProblem(400).ProducesProblem(404).ProducesProblem(409);
    }

    private static AssetId OwnerAsset(string id) =>
        AssetId.TryParse(id, out var asset) ? asset : throw new Shared.DomainRuleException(MarketErrors.OwnerAssetNotFound, "No such asset in your view.");
}
