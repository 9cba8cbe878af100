using System.ComponentModel.DataAnnotations;
using FlexRegistry.Auth;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Shared;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace FlexRegistry.Participants;

public static class ParticipantEndpoints
{
    public static IEndpointRouteBuilder MapParticipantEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/participants").WithTags("Participants");

        group.MapPost("", async Task<Created<RegisterParticipantResponse>> (
                RegisterParticipantRequest request, RegisterParticipant handler, CancellationToken ct) =>
            {
                var response = await handler.HandleAsync(request, ct);
                return TypedResults.Created($"/api/v1/participants/{response.ParticipantId}", response);
            })
            .AllowAnonymous()
            .WithMetadata(AnonymousLimit.Instance)
            .WithName("RegisterParticipant")
            .WithSummary("Register an organisation (BUC.4 steps 1–2)")
            .WithDescription("Anonymous. Returns a provisional participant ID at once and the first API client; the secret is shown only here. " +
                             "The same company number, EIC or VAT number in any formatting answers 409 participant.already_registered with existingParticipantId.")
            .ProducesProblem(400).ProducesProblem(409).ProducesProblem(429);

        group.MapGet("", async Task<Ok<Page<DirectoryEntry>>> (
                [FromQuery] string? query, [FromQuery] string? role, [FromQuery] string? status, [FromQuery] string? area, [FromQuery] string? market,
                [FromQuery] string? cursor, [FromQuery, Range(1, ParticipantQueries.MaxPageSize)] int? limit, [FromQuery] string? purpose,
                ParticipantQueries queries, HttpContext http, CancellationToken ct) =>
                TypedResults.Ok(await queries.SearchAsync(new ParticipantQueries.DirectoryQuery(query, role, status, area, market, cursor, limit, purpose),
                    Caller.From(http.User), ct)))
            .RequireAuthorization(Policies.Scope(Scopes.ParticipantRead))
            .WithName("SearchParticipants")
            .WithSummary("Search the participant directory (BUC.4 step 5)")
            .WithDescription("query: a participant ID or EIC finds exactly that participant; otherwise a name, matched tolerant of typos, case, punctuation, " +
                             "\"&\"/\"and\" and legal suffixes (Ltd, Limited, PLC, LLP, CIC, T/A …) and ranked best first (score), a company number also finding its company. " +
                             "Filters: role; status; area (GSP group _A–_P: participants operating or onboarded to a market serving it); market (a market ID: its " +
                             "operator and the providers onboarded to it). Other participants see active organisations by default and may ask for suspended or " +
                             "merged ones; provisional, rejected and deregistered records are the registry operator's only. No private fields, except " +
                             "under a grant: with purpose (?purpose=, or the client's default) and the commercial:read scope, an entry whose participant " +
                             "granted the reader commercial-information sections for that purpose carries them in information (the rest named in " +
                             "withheldGroups), and the page is access-logged before it is answered (503 access_log.unavailable if it cannot be).")
            .ProducesProblem(400).ProducesProblem(503);

        group.MapGet("/requirements", Ok<IReadOnlyList<RoleRequirements>> ([FromQuery] string? role) =>
            {
                if (role is not null && !ParticipantRole.IsRequestable(role))
                    throw new RequestValidationException([new FieldError("role", ParticipantErrors.UnknownRole.Code, $"role must be one of {string.Join(", ", ParticipantRole.Requestable)}.")]);
                IReadOnlyList<RoleRequirements> result = role is null
                    ? [.. ParticipantRole.Requestable.Select(CommercialRequirements.For)]
                    : [CommercialRequirements.For(role)];
                return TypedResults.Ok(result);
            })
            .RequireAuthorization(Policies.Scope(Scopes.ParticipantRead))
            .WithName("GetCommercialRequirements")
            .WithSummary("Published commercial-information requirements per role (BUC.4 step 3)")
            .ProducesProblem(400);

        group.MapGet("/{id}", async Task<Ok<ParticipantResponse>> (
                string id, [FromQuery] string? purpose, ParticipantQueries queries, HttpContext http, CancellationToken ct) =>
                TypedResults.Ok(await queries.GetAsync(ParticipantQueries.ParseId(id), purpose, Caller.From(http.User), ct)))
            .RequireAuthorization(Policies.Scope(Scopes.ParticipantRead))
            .WithName("GetParticipant")
            .WithSummary("Read a participant (BUC.4 step 8: the ID resolves everywhere)")
            .WithDescription("A merged participant's ID keeps resolving: status is merged and mergedInto names the survivor. Under a grant " +
                             "(BUC.4 step 6): with the grant's purpose (?purpose=, or the client's default) and the commercial:read scope, a grantee also gets " +
                             "the commercial-information sections granted in information (the rest named in withheldGroups), access-logged before it is " +
                             "answered (503 access_log.unavailable if it cannot be); without a purpose or a grant, the public fields only.")
            .ProducesProblem(400).ProducesProblem(404).ProducesProblem(503);

        MapStatusAction(group, "verify", StatusAction.Verify, "Confirm a provisional participant (registry operator)");
        MapStatusAction(group, "reject", StatusAction.Reject, "Reject a provisional participant (registry operator)");
        MapStatusAction(group, "suspend", StatusAction.Suspend, "Suspend an active participant (registry operator)");
        MapStatusAction(group, "reinstate", StatusAction.Reinstate, "Reinstate a suspended participant (registry operator)");
        MapStatusAction(group, "deregister", StatusAction.Deregister, "Deregister an active or suspended participant for good (registry operator)");

        group.MapPut("/{id}/commercial-information", async Task<Ok<CommercialInformationResponse>> (
                string id, CommercialInformationRequest request, SubmitCommercialInformation handler, HttpContext http, CancellationToken ct) =>
            {
                var (response, version) = await handler.PutAsync(ParticipantQueries.ParseId(id), request, EntityTags.IfMatch(http), Caller.From(http.User), ct);
                http.Response.Headers.ETag = EntityTags.ETag(version);
                return TypedResults.Ok(response);
            })
            .RequireAuthorization(Policies.Scope(Scopes.CommercialWrite))
            .WithName("PutCommercialInformation")
            .WithSummary("Submit commercial information against the participant ID (BUC.4 step 3)")
            .WithDescription("Replaces the whole document. Invalid data answers 422 participant.commercial_information_invalid listing every error; nothing is stored. If-Match is honoured.")
            .ProducesProblem(400).ProducesProblem(404).ProducesProblem(412).ProducesProblem(422);

        group.MapGet("/{id}/commercial-information", async Task<Ok<CommercialInformationResponse>> (
                string id, [FromQuery] string? purpose, SubmitCommercialInformation handler, HttpContext http, CancellationToken ct) =>
            {
                var (response, version) = await handler.GetAsync(ParticipantQueries.ParseId(id), purpose, Caller.From(http.User), ct);
                http.Response.Headers.ETag = EntityTags.ETag(version);
                return TypedResults.Ok(response);
            })
            .RequireAuthorization(Policies.Scope(Scopes.CommercialRead))
            .WithName("GetCommercialInformation")
            .WithSummary("Read commercial information: the participant itself and the registry operator; grantees the sections granted (BUC.4 step 6)")
            .WithDescription("A grantee (named, or through its role) declares the purpose its grant names (?purpose=, or its client's default) and sees " +
                             "exactly the sections its active grants cover; the rest are null and named in withheldGroups. Revocation and expiry take effect " +
                             "on the next request. Every read by another participant is access-logged before it is answered (503 access_log.unavailable if " +
                             "it cannot be). To anyone else it answers 404 like a missing participant.")
            .ProducesProblem(400).ProducesProblem(404).ProducesProblem(503);

        group.MapPost("/{id}/commercial-information/check", async Task<Ok<CommercialInformationCheckResponse>> (
                string id, CommercialInformationRequest request, [FromQuery] string? market, SubmitCommercialInformation handler, HttpContext http,
                CancellationToken ct) =>
                TypedResults.Ok(await handler.CheckAsync(ParticipantQueries.ParseId(id), request, market, Caller.From(http.User), ct)))
            .RequireAuthorization(Policies.Scope(Scopes.CommercialWrite))
            .WithName("CheckCommercialInformation")
            .WithSummary("Dry-run: check commercial information against the requirements without storing it")
            .WithDescription("Against the requirements of the participant's roles; with ?market= (a market ID, GET /api/v1/markets) also against that " +
                             "market's onboarding requirements (BUC.4 step 3, per market operator). 404 market.not_found for an unknown market.")
            .ProducesProblem(400).ProducesProblem(404);

        return app;
    }

    private static void MapStatusAction(RouteGroupBuilder group, string verb, StatusAction action, string summary) =>
        group.MapPost("/{id}/" + verb, async Task<Ok<ParticipantResponse>> (
                string id, StatusActionRequest request, ChangeParticipantStatus handler, HttpContext http, CancellationToken ct) =>
                TypedResults.Ok(await handler.HandleAsync(ParticipantQueries.ParseId(id), action, request, Caller.From(http.User), ct)))
            .RequireAuthorization(Policies.RegistryOperator)
            .WithName(char.ToUpperInvariant(verb[0]) + verb[1..] + "Participant")
            .WithSummary(summary)
            .ProducesProblem(400).ProducesProblem(404).ProducesProblem(409);
}
