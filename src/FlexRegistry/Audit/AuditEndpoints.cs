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
            .WithDescription("Ordered by leaf index (the record's place in the verifiable log); page with cursor (the nextCursor of the previous page). " +
                             "resource filters by resource ID. Every record committed before the request is listed.")
            .ProducesProblem(400);

        group.MapGet("/tree-head", async Task<Ok<SignedTreeHeadResponse>> (AuditQueries queries, CancellationToken ct) =>
                TypedResults.Ok(await queries.TreeHeadAsync(ct)))
            .RequireAuthorization(Policies.Participant)
            .WithName("GetAuditTreeHead")
            .WithSummary("The latest signed tree head of the audit log (RFC 9162 hashing)")
            .WithDescription("treeSize, rootHash (base64), timestamp (Unix ms), keyId and signature (base64): RSA-PSS SHA-256 by the key keyId of " +
                             "/.well-known/jwks over the UTF-8 text \"flexregistry.audit.tree-head.v1\\n{treeSize}\\n{rootHash}\\n{timestamp}\\n\". See docs/audit.md.")
            .ProducesProblem(404);

        group.MapGet("/records/{leafIndex}/inclusion-proof", async Task<Ok<InclusionProofResponse>> (
                string leafIndex, [FromQuery] long? treeSize, AuditQueries queries, HttpContext http, CancellationToken ct) =>
                TypedResults.Ok(await queries.InclusionProofAsync(leafIndex, treeSize, Caller.From(http.User), ct)))
            .RequireAuthorization(Policies.Scope(Scopes.UsersManage))
            .WithName("GetAuditInclusionProof")
            .WithSummary("Inclusion proof of one of your audit records in a signed tree (RFC 9162 section 2.1.3)")
            .WithDescription("treeSize defaults to the latest signed tree head. The leaf data, its hash and the audit path, with the signed tree head of " +
                             "that size. Another participant's record answers 404 audit.record_not_found, as a missing one does.")
            .ProducesProblem(400).ProducesProblem(404);

        group.MapGet("/consistency-proof", async Task<Ok<ConsistencyProofResponse>> (
                [FromQuery] long? first, [FromQuery] long? second, AuditQueries queries, CancellationToken ct) =>
                TypedResults.Ok(await queries.ConsistencyProofAsync(first, second, ct)))
            .RequireAuthorization(Policies.Participant)
            .WithName("GetAuditConsistencyProof")
            .WithSummary("Consistency proof between two tree sizes (RFC 9162 section 2.1.4): the log only ever grew")
            .WithDescription("1 ≤ first ≤ second ≤ the latest signed tree size. The proof holds hashes only, never records.")
            .ProducesProblem(400);

        group.MapPost("/verify", async Task<Ok<AuditVerificationResponse>> (AuditQueries queries, CancellationToken ct) =>
                TypedResults.Ok(await queries.VerifyAsync(ct)))
            .RequireAuthorization(Policies.RegistryOperator)
            .WithName("VerifyAuditTrail")
            .WithSummary("Verify the whole audit log and its signed tree heads (registry operator)")
            .WithDescription("valid is false, with firstBrokenLeafIndex and reason, if any record was edited, deleted, moved or cut off, or a tree head " +
                             "does not match the tree or its signature.");

        return app;
    }
}
