using System.ComponentModel.DataAnnotations;
using FlexRegistry.Auth;
using FlexRegistry.Client.Contracts;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace FlexRegistry.Audit;

public static class AuditEndpoints
{
    public static IEndpointRouteBuilder MapAuditEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/audit").WithTags("Audit");

        // Reading who did what is the organisation administrator's task, hence users:manage.
        group.MapGet("", async Task<Ok<Page<AuditRecordResponse>>> (
                [FromQuery] string? resource, [FromQuery] string? cursor, [FromQuery, Range(1, AuditQueries.MaxPageSize)] int? limit, AuditQueries queries, HttpContext http, CancellationToken ct) =>
                TypedResults.Ok(await queries.ListAsync(resource, cursor, limit, Caller.From(http.User), ct)))
            .RequireAuthorization(Policies.Scope(Scopes.UsersManage))
            .WithName("ListAuditRecords")
            .WithSummary("Audit records: a participant sees those about its own data, the registry operator all")
            .WithDescription("Ordered by sequence; page with cursor (the nextCursor of the previous page). resource filters by resource ID.")
            .ProducesProblem(400);

        group.MapPost("/verify", async Task<Ok<AuditVerificationResponse>> (AuditQueries queries, CancellationToken ct) =>
                TypedResults.Ok(await queries.VerifyAsync(ct)))
            .RequireAuthorization(Policies.RegistryOperator)
            .WithName("VerifyAuditTrail")
            .WithSummary("Verify the audit chain and its signed checkpoints (registry operator)")
            .WithDescription("valid is false, with firstBrokenSequence and reason, if any record was edited, deleted, reordered or cut off up to a checkpoint.");

        return app;
    }
}
