using System.ComponentModel.DataAnnotations;
using FlexRegistry.Auth;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Shared;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace FlexRegistry.Duplicates;

public static class DuplicateCaseEndpoints
{
    public static IEndpointRouteBuilder MapDuplicateCaseEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/duplicate-cases").WithTags("Duplicate cases");

        group.MapGet("", async Task<Ok<Page<DuplicateCaseResponse>>> (
                [FromQuery] string? kind, [FromQuery] string? status, [FromQuery] string? cursor, [FromQuery, Range(1, 200)] int? limit,
                DuplicateCases cases, HttpContext http, CancellationToken ct) =>
                TypedResults.Ok(await cases.ListAsync(kind, status, cursor, limit, Caller.From(http.User), ct)))
            .RequireAuthorization(Policies.Scope(Scopes.ParticipantRead))
            .WithName("ListDuplicateCases")
            .WithSummary("The review queue of possible duplicates (operator: all; a party: its own)")
            .ProducesProblem(400);

        group.MapGet("/{id}", async Task<Ok<DuplicateCaseResponse>> (string id, DuplicateCases cases, HttpContext http, CancellationToken ct) =>
                TypedResults.Ok(await cases.GetAsync(ParseId(id), Caller.From(http.User), ct)))
            .RequireAuthorization(Policies.Scope(Scopes.ParticipantRead))
            .WithName("GetDuplicateCase")
            .WithSummary("Read a duplicate case")
            .ProducesProblem(404);

        group.MapPost("/{id}/merge", async Task<Ok<DuplicateCaseResponse>> (
                string id, MergeDuplicateRequest request, DuplicateCases cases, HttpContext http, CancellationToken ct) =>
                TypedResults.Ok(await cases.MergeAsync(ParseId(id), request, Caller.From(http.User), ct)))
            .RequireAuthorization(Policies.Participant)
            .WithName("MergeDuplicateCase")
            .WithSummary("Merge the two records; the merged ID keeps resolving to the survivor")
            .WithDescription("Participant cases: the registry operator (registry:admin). Asset cases: the registry operator or a party of the case with assets:write.")
            .ProducesProblem(400).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409).ProducesProblem(422);

        group.MapPost("/{id}/dismiss", async Task<Ok<DuplicateCaseResponse>> (
                string id, DismissDuplicateRequest request, DuplicateCases cases, HttpContext http, CancellationToken ct) =>
                TypedResults.Ok(await cases.DismissAsync(ParseId(id), request, Caller.From(http.User), ct)))
            .RequireAuthorization(Policies.Participant)
            .WithName("DismissDuplicateCase")
            .WithSummary("Dismiss the flag: the records are distinct")
            .WithDescription("Participant cases: the registry operator (registry:admin). Asset cases: the registry operator or a party of the case with assets:write.")
            .ProducesProblem(400).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409);

        return app;
    }

    private static Guid ParseId(string id) =>
        Guid.TryParse(id, out var guid) ? guid : throw new DomainRuleException(DuplicateErrors.NotFound, "No duplicate case has that ID.");
}
