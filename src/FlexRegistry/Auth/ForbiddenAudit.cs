using FlexRegistry.Audit;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using OpenIddict.Abstractions;

namespace FlexRegistry.Auth;

/// <summary>
/// A 403 from an endpoint's policy (a token without the permission the endpoint needs, a participant trying operator
/// functions) is recorded as <c>access.denied</c>, outcome <c>refused</c>: the caller as actor, the endpoint's name as
/// resource and its policy as the field. The answer itself is the framework's usual 403.
/// </summary>
internal sealed class ForbiddenAudit(RefusalAudit audit) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Forbidden && context.User.Identity?.IsAuthenticated == true
            && context.User.FindFirst(OpenIddictConstants.Claims.Subject)?.Value is { } clientId)
        {
            var participantId = context.User.FindFirst(Caller.ParticipantClaim)?.Value;
            var endpoint = context.GetEndpoint();
            var name = endpoint?.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName
                       ?? (endpoint as RouteEndpoint)?.RoutePattern.RawText ?? context.Request.Path.Value ?? "";
            var policies = endpoint?.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).OfType<string>().ToArray() ?? [];
            await audit.RecordAsync(new AuditEntry(participantId, clientId, "access.denied", "endpoint", name, participantId,
                policies.Length > 0 ? policies : ["fallback"]), clientId);
        }
        await _default.HandleAsync(next, context, policy, authorizeResult);
    }
}
