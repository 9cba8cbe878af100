using System.Security.Claims;
using System.Threading.RateLimiting;
using FlexRegistry.Assets;
using FlexRegistry.Auth;
using FlexRegistry.Auth.People;
using FlexRegistry.Events;
using FlexRegistry.Participants;
using FlexRegistry.Shared;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.RateLimiting;
using OpenIddict.Abstractions;

namespace FlexRegistry.Market;

/// <summary>The market feature's services, its owner-access authentication scheme, policy and rate limit.</summary>
public static class MarketSetup
{
    /// <summary>A householder's owner-access session, or a flex owner's (or the registry operator's) token with <c>assets:read</c>.</summary>
    public const string OwnerViewPolicy = "owner-view";

    public const string OwnerAccessRateLimit = "owner-access";

    public static IServiceCollection AddMarket(this IServiceCollection services, IConfiguration configuration)
    {
        var ownerAccess = configuration.GetSection("OwnerAccess").Get<OwnerAccessOptions>() ?? new OwnerAccessOptions();
        services.AddSingleton(ownerAccess);
        services.AddSingleton(configuration.GetSection("OperatorClaims").Get<OperatorClaimOptions>() ?? new OperatorClaimOptions());
        services.AddSingleton(configuration.GetSection("Conflicts").Get<ConflictOptions>() ?? new ConflictOptions());
        services.AddScoped<IdempotentCreates>();
        services.AddScoped<DefineProduct>();
        services.AddScoped<ProductQueries>();
        services.AddScoped<CheckEligibility>();
        services.AddScoped<PortfolioQueries>();
        services.AddScoped<ChangePortfolioMembers>();
        services.AddScoped<ClaimAsset>();
        services.AddScoped<OperatorClaimQueries>();
        services.AddScoped<ManageContracts>();
        services.AddScoped<ConflictDetection>();
        services.AddScoped<ConflictChecks>();
        services.AddScoped<ConflictRegister>();
        services.AddScoped<ProveControl>();
        services.AddScoped<OwnerView>();
        services.AddScoped<INoticeSource, MarketNotices>();
        services.AddScoped<IRelationshipSource, ContractRelationships>();
        services.AddScoped<IAssetRelationshipSource, OperatorClaimRelationships>();
        services.AddScoped<IAssetOperators, OperatorClaimOperators>();
        services.AddScoped<IAssetDecommissioning, DecommissionedAssets>();
        services.AddScoped<ICapacityRechecks, CapacityRechecks>();
        services.AddSingleton<ConflictCheckSignal>();
        services.AddHostedService<ConflictCheckWorker>();

        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, OwnerAccessAuthentication>(OwnerAccessAuthentication.SchemeName, null);
        services.AddAuthorizationBuilder().AddPolicy(OwnerViewPolicy, p => p
            .AddAuthenticationSchemes(ExternalIssuers.BearerScheme, OwnerAccessAuthentication.SchemeName)
            .RequireAuthenticatedUser()
            .RequireAssertion(ctx => ctx.User.HasClaim(c => c.Type == OwnerAccessAuthentication.AssetClaim) || IsOwnerViewParticipant(ctx.User)));
        // The pages' twin: the same participant requirement over a person's session (a householder's proof of control
        // is an API token, not a page session).
        services.AddAuthorizationBuilder().AddPolicy(PagePolicies.OwnerView, p => p
            .AddAuthenticationSchemes(PeopleSignIn.Scheme)
            .RequireAuthenticatedUser()
            .RequireAssertion(ctx => IsOwnerViewParticipant(ctx.User)));

        services.Configure<RateLimiterOptions>(limiter => limiter.AddPolicy(OwnerAccessRateLimit, http =>
            http.RequestServices.GetRequiredService<RateLimitOptions>().Enabled
                ? RateLimitPartition.GetFixedWindowLimiter(http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = ownerAccess.ProofsPerAddress, Window = ownerAccess.AddressWindow, QueueLimit = 0 })
                : RateLimitPartition.GetNoLimiter("off")));
        return services;
    }

    /// <summary>A flex owner's (or the registry operator's) participant identity with <c>assets:read</c>.</summary>
    private static bool IsOwnerViewParticipant(ClaimsPrincipal user) =>
        user.HasClaim(c => c.Type == Caller.ParticipantClaim) && user.HasScope(Scopes.AssetsRead)
        && (user.IsInRole(ParticipantRole.FlexOwner) || user.IsInRole(ParticipantRole.RegistryOperator));
}
