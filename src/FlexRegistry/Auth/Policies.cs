using FlexRegistry.Participants;
using Microsoft.AspNetCore.Authorization;
using OpenIddict.Abstractions;

namespace FlexRegistry.Auth;

/// <summary>
/// The named authorisation policies. Every endpoint names one (or is explicitly anonymous); the fallback policy
/// denies anything that forgot to.
/// </summary>
public static class Policies
{
    /// <summary>Any valid token issued to a participant's client.</summary>
    public const string Participant = "participant";

    /// <summary>Tokens of the registry operator only, carrying the <c>registry:admin</c> scope.</summary>
    public const string RegistryOperator = "registry-operator";

    public static string Scope(string scope) => "scope:" + scope;

    public static IServiceCollection AddRegistryAuthorisation(this IServiceCollection services)
    {
        var builder = services.AddAuthorizationBuilder();
        // Deny by default: an endpoint that names no policy needs a participant token. Routing's own 405/415
        // endpoints are let through so that callers hear the real problem instead of 401.
        builder.SetFallbackPolicy(new AuthorizationPolicyBuilder()
            .RequireAssertion(ctx => IsRoutingStatusEndpoint(ctx.Resource) || (ctx.User.Identity?.IsAuthenticated == true && ctx.User.HasClaim(c => c.Type == Caller.ParticipantClaim)))
            .AddAuthenticationSchemes(ExternalIssuers.BearerScheme)
            .Build());
        builder.AddPolicy(Participant, p => p
            .AddAuthenticationSchemes(ExternalIssuers.BearerScheme)
            .RequireAuthenticatedUser().RequireClaim(Caller.ParticipantClaim));
        builder.AddPolicy(RegistryOperator, p => p
            .AddAuthenticationSchemes(ExternalIssuers.BearerScheme)
            .RequireAuthenticatedUser().RequireClaim(Caller.ParticipantClaim)
            .RequireRole(ParticipantRole.RegistryOperator)
            .RequireAssertion(ctx => ctx.User.HasScope(Scopes.RegistryAdmin)));
        foreach (var scope in Scopes.All)
        {
            builder.AddPolicy(Scope(scope), p => p
                .AddAuthenticationSchemes(ExternalIssuers.BearerScheme)
                .RequireAuthenticatedUser().RequireClaim(Caller.ParticipantClaim)
                .RequireAssertion(ctx => ctx.User.HasScope(scope)));
        }
        return services;
    }

    private static bool IsRoutingStatusEndpoint(object? resource) =>
        resource is HttpContext http && http.GetEndpoint()?.DisplayName is "405 HTTP Method Not Supported" or "415 HTTP Unsupported Media Type";
}
