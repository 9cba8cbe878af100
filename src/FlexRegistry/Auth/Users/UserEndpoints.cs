using FlexRegistry.Client.Contracts;
using FlexRegistry.Participants;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FlexRegistry.Auth.Users;

public static class UserEndpoints
{
    public static IEndpointRouteBuilder MapUserEndpoints(this IEndpointRouteBuilder app)
    {
        // As for API clients: users:manage, and the handler also requires the caller to be the participant itself (or the
        // registry operator); for anyone else the participant does not exist (404).
        var users = app.MapGroup("/api/v1/participants/{id}/users").WithTags("Users")
            .RequireAuthorization(Policies.Scope(Scopes.UsersManage));

        users.MapPost("", async Task<Created<InviteUserResponse>> (
                string id, InviteUserRequest request, ManageUsers handler, HttpContext http, CancellationToken ct) =>
            {
                var response = await handler.InviteAsync(ParticipantQueries.ParseId(id), request, Caller.From(http.User), ct);
                return TypedResults.Created($"/api/v1/participants/{id}/users/{response.UserId}", response);
            })
            .WithName("InviteUser")
            .WithSummary("Invite a user of the organisation with a subset of its permissions (BUC.4 step 4)")
            .WithDescription("The email must be at one of the organisation's email domains (422 user.email_domain_not_registered). " +
                             "The answer is the same whether or not the address is known anywhere in the register; its invitationToken is shown once " +
                             "and is accepted at POST /api/v1/invitations/accept by the invitee signed in at a trusted identity provider.")
            .ProducesProblem(400).ProducesProblem(404).ProducesProblem(422);

        users.MapGet("", async Task<Ok<Page<UserResponse>>> (string id, ManageUsers handler, HttpContext http, CancellationToken ct) =>
                TypedResults.Ok(await handler.ListAsync(ParticipantQueries.ParseId(id), Caller.From(http.User), ct)))
            .WithName("ListUsers")
            .WithSummary("List the organisation's users and pending invitations")
            .ProducesProblem(400).ProducesProblem(404);

        users.MapPut("/{userId}/permissions", async Task<Ok<UserResponse>> (
                string id, string userId, ChangeUserPermissionsRequest request, ManageUsers handler, HttpContext http, CancellationToken ct) =>
                TypedResults.Ok(await handler.ChangePermissionsAsync(ParticipantQueries.ParseId(id), userId, request, Caller.From(http.User), ct)))
            .WithName("ChangeUserPermissions")
            .WithSummary("Replace a user's permissions (within what the organisation's roles allow); takes effect on the user's next request")
            .ProducesProblem(400).ProducesProblem(404).ProducesProblem(409).ProducesProblem(422);

        users.MapPost("/{userId}/suspend", async Task<Ok<UserResponse>> (
                string id, string userId, ManageUsers handler, HttpContext http, CancellationToken ct) =>
                TypedResults.Ok(await handler.SuspendAsync(ParticipantQueries.ParseId(id), userId, Caller.From(http.User), ct)))
            .WithName("SuspendUser")
            .WithSummary("Suspend a user: their tokens are refused from the next request on")
            .ProducesProblem(400).ProducesProblem(404).ProducesProblem(409);

        users.MapPost("/{userId}/reinstate", async Task<Ok<UserResponse>> (
                string id, string userId, ManageUsers handler, HttpContext http, CancellationToken ct) =>
                TypedResults.Ok(await handler.ReinstateAsync(ParticipantQueries.ParseId(id), userId, Caller.From(http.User), ct)))
            .WithName("ReinstateUser")
            .WithSummary("Reinstate a suspended user")
            .ProducesProblem(400).ProducesProblem(404).ProducesProblem(409);

        users.MapDelete("/{userId}", async Task<NoContent> (
                string id, string userId, ManageUsers handler, HttpContext http, CancellationToken ct) =>
            {
                await handler.RemoveAsync(ParticipantQueries.ParseId(id), userId, Caller.From(http.User), ct);
                return TypedResults.NoContent();
            })
            .WithName("RemoveUser")
            .WithSummary("Remove a user for good: the identity is released, the name and email erased, tokens refused at once")
            .ProducesProblem(400).ProducesProblem(404).ProducesProblem(409);

        users.MapPut("/{userId}/identity", async Task<Ok<UserResponse>> (
                string id, string userId, MapUserIdentityRequest request, ManageUsers handler, HttpContext http, CancellationToken ct) =>
                TypedResults.Ok(await handler.MapIdentityAsync(ParticipantQueries.ParseId(id), userId, request, Caller.From(http.User), ct)))
            .RequireAuthorization(Policies.RegistryOperator)
            .WithName("MapUserIdentity")
            .WithSummary("Registry operator: bind an identity (issuer, subject) of a trusted external issuer to a user")
            .ProducesProblem(400).ProducesProblem(404).ProducesProblem(409).ProducesProblem(422);

        var domains = app.MapGroup("/api/v1/participants/{id}/email-domains").WithTags("Users");
        domains.MapGet("", async Task<Ok<Page<EmailDomainResponse>>> (string id, ManageUsers handler, HttpContext http, CancellationToken ct) =>
                TypedResults.Ok(await handler.ListDomainsAsync(ParticipantQueries.ParseId(id), Caller.From(http.User), ct)))
            .RequireAuthorization(Policies.Scope(Scopes.UsersManage))
            .WithName("ListEmailDomains")
            .WithSummary("The email domains the organisation may invite users at")
            .ProducesProblem(400).ProducesProblem(404);

        domains.MapPost("", async Task<Created<EmailDomainResponse>> (
                string id, ApproveEmailDomainRequest request, ManageUsers handler, HttpContext http, CancellationToken ct) =>
            {
                var response = await handler.ApproveDomainAsync(ParticipantQueries.ParseId(id), request, Caller.From(http.User), ct);
                return TypedResults.Created($"/api/v1/participants/{id}/email-domains/{response.Domain}", response);
            })
            .RequireAuthorization(Policies.RegistryOperator)
            .WithName("ApproveEmailDomain")
            .WithSummary("Registry operator: approve a further email domain for the organisation's invitations")
            .ProducesProblem(400).ProducesProblem(404).ProducesProblem(409);

        domains.MapDelete("/{domain}", async Task<NoContent> (
                string id, string domain, ManageUsers handler, HttpContext http, CancellationToken ct) =>
            {
                await handler.WithdrawDomainAsync(ParticipantQueries.ParseId(id), domain, Caller.From(http.User), ct);
                return TypedResults.NoContent();
            })
            .RequireAuthorization(Policies.RegistryOperator)
            .WithName("WithdrawEmailDomain")
            .WithSummary("Registry operator: withdraw an approved email domain (existing users stay)")
            .ProducesProblem(400).ProducesProblem(404);

        app.MapPost("/api/v1/invitations/accept", async Task<Ok<UserResponse>> (
                AcceptInvitationRequest request, AcceptInvitation handler, HttpContext http, CancellationToken ct) =>
            {
                var identity = ExternalIdentity.From(http.User)
                    ?? throw new InvalidOperationException("The external-identity policy admitted a caller without an external identity.");
                return TypedResults.Ok(await handler.HandleAsync(request, identity, ct));
            })
            .RequireAuthorization(ExternalIssuers.IdentityPolicy)
            .WithTags("Users")
            .WithName("AcceptInvitation")
            .WithSummary("Accept an invitation, signed in at a trusted external identity provider: binds that identity to the user")
            .WithDescription("Send the provider's access token as the bearer token. Unknown, used, expired and withdrawn invitations all answer 422 invitation.invalid.")
            .ProducesProblem(400).ProducesProblem(401).ProducesProblem(403).ProducesProblem(409).ProducesProblem(422);
        return app;
    }
}
