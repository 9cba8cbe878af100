using FlexRegistry.Auth.People;
using FlexRegistry.Participants;
using Microsoft.AspNetCore.Authorization;
using OpenIddict.Abstractions;

namespace FlexRegistry.Auth;

/// <summary>
/// The named authorisation policies. Every endpoint names one (or is explicitly anonymous); the fallback policy
/// denies anything that forgot to. Each policy exists twice with the same requirements: for the API (bearer tokens) and,
/// named through <see cref="Page"/>, for the web pages (a person's session cookie), so that a page never allows what the
/// API would refuse the same person.
/// </summary>
public static class Policies
{
    /// <summary>Any valid token issued to a participant's client.</summary>
    public const string Participant = "participant";

    /// <summary>Tokens of the registry operator only, carrying the <c>registry:admin</c> scope.</summary>
    public const string RegistryOperator = "registry-operator";

    /// <summary>Pages only: any signed-in person, bound to a register user or not (their own account, accepting an invitation).</summary>
    public const string SignedIn = "page:signed-in";

    /// <summary>
    /// Pages open to everyone (start, register, sign in). Not <c>[AllowAnonymous]</c>: that would leave the person's
    /// session unread (the fallback policy authenticates bearer tokens), so the page would not know who is signed in and
    /// its forms' antiforgery tokens would not match theirs.
    /// </summary>
    public const string Anyone = "page:anyone";

    public const string PagePrefix = "page:";

    public const string ScopePrefix = "scope:";

    public static string Scope(string scope) => ScopePrefix + scope;

    /// <summary>The web pages' twin of an API policy: the same requirements, evaluated over the session cookie.</summary>
    public static string Page(string policy) => PagePrefix + policy;

    public static IServiceCollection AddRegistryAuthorisation(this IServiceCollection services)
    {
        var builder = services.AddAuthorizationBuilder();
        // Deny by default: an endpoint that names no policy needs a participant token. Routing's own 405/415
        // endpoints are let through so that callers hear the real problem instead of 401.
        builder.SetFallbackPolicy(new AuthorizationPolicyBuilder()
            .RequireAssertion(ctx => IsRoutingStatusEndpoint(ctx.Resource) || (ctx.User.Identity?.IsAuthenticated == true && ctx.User.HasClaim(c => c.Type == Caller.ParticipantClaim)))
            .AddAuthenticationSchemes(ExternalIssuers.BearerScheme)
            .Build());
        var requirements = new Dictionary<string, Action<AuthorizationPolicyBuilder>>
        {
            [Participant] = p => p.RequireAuthenticatedUser().RequireClaim(Caller.ParticipantClaim),
            [RegistryOperator] = p => p.RequireAuthenticatedUser().RequireClaim(Caller.ParticipantClaim)
                .RequireRole(ParticipantRole.RegistryOperator)
                .RequireAssertion(ctx => ctx.User.HasScope(Scopes.RegistryAdmin)),
        };
        foreach (var scope in Scopes.All)
        {
            requirements[Scope(scope)] = p => p.RequireAuthenticatedUser().RequireClaim(Caller.ParticipantClaim)
                .RequireAssertion(ctx => ctx.User.HasScope(scope));
        }
        foreach (var (name, require) in requirements)
        {
            builder.AddPolicy(name, p =>
            {
                p.AddAuthenticationSchemes(ExternalIssuers.BearerScheme);
                require(p);
            });
            builder.AddPolicy(Page(name), p =>
            {
                p.AddAuthenticationSchemes(PeopleSignIn.Scheme);
                require(p);
            });
        }
        builder.AddPolicy(SignedIn, p => p.AddAuthenticationSchemes(PeopleSignIn.Scheme).RequireAuthenticatedUser());
        builder.AddPolicy(Anyone, p => p.AddAuthenticationSchemes(PeopleSignIn.Scheme).RequireAssertion(_ => true));
        return services;
    }

    private static bool IsRoutingStatusEndpoint(object? resource) =>
        resource is HttpContext http && http.GetEndpoint()?.DisplayName is "405 HTTP Method Not Supported" or "415 HTTP Unsupported Media Type";
}

/// <summary>The pages' policies by name (attribute arguments must be constants): <see cref="Policies.Page"/> of each API policy.</summary>
public static class PagePolicies
{
    public const string Participant = Policies.PagePrefix + Policies.Participant;
    public const string RegistryOperator = Policies.PagePrefix + Policies.RegistryOperator;
    public const string ParticipantRead = Policies.PagePrefix + Policies.ScopePrefix + Scopes.ParticipantRead;
    public const string UsersManage = Policies.PagePrefix + Policies.ScopePrefix + Scopes.UsersManage;
    public const string AssetsRead = Policies.PagePrefix + Policies.ScopePrefix + Scopes.AssetsRead;
    public const string AssetsWrite = Policies.PagePrefix + Policies.ScopePrefix + Scopes.AssetsWrite;
    public const string AssetsImport = Policies.PagePrefix + Policies.ScopePrefix + Scopes.AssetsImport;
    public const string SubscriptionsManage = Policies.PagePrefix + Policies.ScopePrefix + Scopes.SubscriptionsManage;
    public const string ParticipantManage = Policies.PagePrefix + Policies.ScopePrefix + Scopes.ParticipantManage;
    public const string CommercialRead = Policies.PagePrefix + Policies.ScopePrefix + Scopes.CommercialRead;
    public const string CommercialWrite = Policies.PagePrefix + Policies.ScopePrefix + Scopes.CommercialWrite;
    public const string ProductsManage = Policies.PagePrefix + Policies.ScopePrefix + Scopes.ProductsManage;
    public const string ClaimsManage = Policies.PagePrefix + Policies.ScopePrefix + Scopes.ClaimsManage;
    public const string ContractsManage = Policies.PagePrefix + Policies.ScopePrefix + Scopes.ContractsManage;

    /// <summary>The owner's view for a signed-in flex owner (or registry operator): the participant half of the API's owner-view policy.</summary>
    public const string OwnerView = Policies.PagePrefix + "owner-view";
}
