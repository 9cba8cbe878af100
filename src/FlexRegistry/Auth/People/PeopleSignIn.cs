using System.Security.Claims;
using FlexRegistry.Participants;
using FlexRegistry.Persistence;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using OpenIddict.Abstractions;

namespace FlexRegistry.Auth.People;

/// <summary>Configuration section <c>Web</c>.</summary>
public sealed class WebOptions
{
    /// <summary>The address people reach the service at, for links in emails; unset: the address of the request that sends them.</summary>
    public Uri? PublicBaseUrl { get; set; }

    /// <summary>A session ends after this long without a request.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>A session ends after this long however active it is.</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>How long an emailed sign-in link works.</summary>
    public TimeSpan SignInLinkLifetime { get; set; } = TimeSpan.FromMinutes(15);
}

/// <summary>
/// Sign-in for people on the web pages. A session cookie (HttpOnly, SameSite=Lax, Secure over HTTPS and always when
/// <c>Auth:RequireHttps</c>), encrypted with Data Protection, names a server-side session (<see cref="WebSession"/>, new
/// at every sign-in, deleted at sign-out) and holds the identity the person proved: a local account (ASP.NET Core Identity: password, passkey or emailed link;
/// registry-operator accounts with an authenticator code too) or an external OpenID provider (authorization code flow
/// with PKCE). On every request the register user bound to that identity is looked up, uncached, and the principal gets
/// the claims an API token of that user would carry, so a suspension bites at once and pages authorise like the API.
/// </summary>
public static class PeopleSignIn
{
    public const string Scheme = "Identity.Application";
    public const string ExternalScheme = "Identity.External";
    public const string OidcSchemePrefix = "oidc-";
    public const string SignInThrottle = "sign-in";

    /// <summary>The principal is signed in but must complete a second factor before it may act for a registry operator.</summary>
    public const string SecondFactorRequiredClaim = "flexreg_second_factor_required";

    public static IServiceCollection AddPeopleSignIn(this IServiceCollection services, IConfiguration configuration, AuthOptions auth, IReadOnlyList<ExternalIssuerOptions> issuers)
    {
        var web = configuration.GetSection("Web").Get<WebOptions>() ?? new WebOptions();
        services.AddSingleton(web);
        services.AddHttpContextAccessor();
        services.AddIdentityCore<WebAccount>(o =>
            {
                // NCSC guidance: length over composition rules.
                o.Password.RequiredLength = 12;
                o.Password.RequireDigit = false;
                o.Password.RequireLowercase = false;
                o.Password.RequireUppercase = false;
                o.Password.RequireNonAlphanumeric = false;
                o.Lockout.AllowedForNewUsers = true;
                o.Lockout.MaxFailedAccessAttempts = 5;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                o.Stores.SchemaVersion = IdentitySchemaVersions.Version3;
                o.Stores.MaxLengthForKeys = 128;
            })
            .AddEntityFrameworkStores<RegistryDbContext>()
            .AddSignInManager()
            .AddDefaultTokenProviders()
            .AddClaimsPrincipalFactory<WebAccountClaims>();
        services.Configure<DataProtectionTokenProviderOptions>(o => o.TokenLifespan = web.SignInLinkLifetime);
        // A passkey sign-in must prove the person (PIN or biometric on the device), so it counts as two factors.
        services.Configure<IdentityPasskeyOptions>(o => o.UserVerificationRequirement = "required");

        var secure = auth.RequireHttps ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
        var authentication = services.AddAuthentication();
        authentication.AddCookie(Scheme, o =>
        {
            o.Cookie.Name = "flexreg.session";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.SecurePolicy = secure;
            o.LoginPath = "/signin";
            o.LogoutPath = "/signout";
            o.AccessDeniedPath = "/forbidden";
            o.ReturnUrlParameter = "returnUrl";
            o.ExpireTimeSpan = web.IdleTimeout;
            o.SlidingExpiration = true;
            o.Events.OnValidatePrincipal = ValidateAsync;
            o.Events.OnSigningIn = WebSessions.SigningInAsync;
            o.Events.OnSigningOut = WebSessions.SigningOutAsync;
        });
        authentication.AddCookie(ExternalScheme, o =>
        {
            o.Cookie.Name = "flexreg.external";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.SecurePolicy = secure;
            o.ExpireTimeSpan = TimeSpan.FromMinutes(5);
        });
        authentication.AddCookie(IdentityConstants.TwoFactorUserIdScheme, o =>
        {
            o.Cookie.Name = "flexreg.2fa";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = secure;
            o.ExpireTimeSpan = TimeSpan.FromMinutes(5);
        });

        for (var i = 0; i < issuers.Count; i++)
        {
            var issuer = issuers[i];
            if (string.IsNullOrEmpty(issuer.ClientId))
                continue;
            var index = i;
            authentication.AddOpenIdConnect(OidcSchemePrefix + index.ToString(System.Globalization.CultureInfo.InvariantCulture), issuer.DisplayName ?? issuer.Issuer, o =>
            {
                o.Authority = issuer.Issuer;
                if (issuer.MetadataAddress is not null)
                    o.MetadataAddress = issuer.MetadataAddress.ToString();
                o.RequireHttpsMetadata = issuer.RequireHttpsMetadata;
                o.ClientId = issuer.ClientId;
                o.ClientSecret = issuer.ClientSecret;
                o.ResponseType = OpenIdConnectResponseType.Code;
                // Query: the callback is a top-level GET, which SameSite=Lax cookies accompany (form_post would need SameSite=None).
                o.ResponseMode = OpenIdConnectResponseMode.Query;
                o.UsePkce = true;
                o.Scope.Clear();
                o.Scope.Add("openid");
                o.Scope.Add("email");
                o.MapInboundClaims = false;
                o.SaveTokens = false;
                o.GetClaimsFromUserInfoEndpoint = false;
                o.CallbackPath = "/signin-oidc-" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);
                o.SignInScheme = ExternalScheme;
                o.CorrelationCookie.SameSite = SameSiteMode.Lax;
                o.CorrelationCookie.SecurePolicy = secure;
                o.NonceCookie.SameSite = SameSiteMode.Lax;
                o.NonceCookie.SecurePolicy = secure;
                o.TokenValidationParameters.NameClaimType = "name";
                o.Events.OnTokenValidated = ctx =>
                {
                    // Keep only what the register uses: the proven identity. Roles or IDs a provider may add are ignored.
                    var principal = ctx.Principal!;
                    var subject = principal.FindFirst(issuer.SubjectClaim)?.Value;
                    if (string.IsNullOrEmpty(subject))
                    {
                        ctx.Fail($"The ID token has no {issuer.SubjectClaim} claim.");
                        return Task.CompletedTask;
                    }
                    var email = issuer.EmailClaim.Length > 0 ? principal.FindFirst(issuer.EmailClaim)?.Value : null;
                    var multiFactor = principal.FindAll("amr").Any(c => c.Value is "mfa" or "hwk" or "otp" or "fido");
                    var identity = new ClaimsIdentity(ExternalScheme, RegistryUserClaims.NameClaim, OpenIddictConstants.Claims.Role);
                    identity.AddClaims(new PersonIdentity(issuer.Issuer, subject, email, multiFactor).Claims());
                    if (!issuer.EmailClaim.Equals("", StringComparison.Ordinal))
                        identity.AddClaim(new Claim(ExternalIssuers.EmailRequiredClaim, "true"));
                    ctx.Principal = new ClaimsPrincipal(identity);
                    return Task.CompletedTask;
                };
            });
        }
        return services;
    }

    /// <summary>The web sign-in options offered on the sign-in page: (scheme, display name).</summary>
    public static IReadOnlyList<(string Scheme, string Name)> ExternalProviders(IReadOnlyList<ExternalIssuerOptions> issuers) =>
        [.. issuers.Select((issuer, i) => (issuer, i)).Where(x => !string.IsNullOrEmpty(x.issuer.ClientId))
            .Select(x => (OidcSchemePrefix + x.i.ToString(System.Globalization.CultureInfo.InvariantCulture), x.issuer.DisplayName ?? x.issuer.Issuer))];

    /// <summary>
    /// Every request: the session's identity is looked up among the register's users and the principal rebuilt from
    /// the register's data. A refused user (suspended, removed, participant suspended) is signed out at once.
    /// </summary>
    private static async Task ValidateAsync(CookieValidatePrincipalContext ctx)
    {
        var person = PersonIdentity.From(ctx.Principal);
        if (person is null)
        {
            ctx.RejectPrincipal();
            await ctx.HttpContext.SignOutAsync(Scheme);
            return;
        }
        var db = ctx.HttpContext.RequestServices.GetRequiredService<RegistryDbContext>();
        var sessionId = ctx.Principal!.FindFirst(WebSession.IdClaim)?.Value;
        var now = ctx.HttpContext.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
        if (!await WebSessions.IsLiveAsync(db, sessionId, now, ctx.HttpContext.RequestAborted))
        {
            // Signed out (here or everywhere), or past its lifetime: the cookie is worthless.
            ctx.RejectPrincipal();
            await ctx.HttpContext.SignOutAsync(Scheme);
            return;
        }
        var (state, user, participant) = await RegistryUserClaims.FindAsync(db, person.Issuer, person.Subject, ctx.HttpContext.RequestAborted);
        if (state == BindingState.Refused)
        {
            ctx.RejectPrincipal();
            await ctx.HttpContext.SignOutAsync(Scheme);
            return;
        }
        var identity = new ClaimsIdentity(Scheme, RegistryUserClaims.NameClaim, OpenIddictConstants.Claims.Role);
        identity.AddClaims(person.Claims());
        identity.AddClaim(new Claim(WebSession.IdClaim, sessionId!));
        if (state == BindingState.Bound)
        {
            identity.AddClaim(new Claim(RegistryUserClaims.NameClaim, user!.Name));
            // Registry-operator sessions need a second factor: without one the person is signed in but holds nothing.
            if (participant!.Roles.Contains(ParticipantRole.RegistryOperator) && !person.MultiFactor)
                identity.AddClaim(new Claim(SecondFactorRequiredClaim, "true"));
            else
                RegistryUserClaims.AddTo(identity, user, participant);
        }
        else
        {
            identity.AddClaim(new Claim(OpenIddictConstants.Claims.Subject, "ext:" + person.Key));
        }
        ctx.ReplacePrincipal(new ClaimsPrincipal(identity));
    }

    /// <summary>
    /// Web requests (everything but the API, the token server and the operational endpoints) are authenticated by the
    /// session cookie, so pages and their layout know who is signed in. The API never reads the cookie: a page cannot be
    /// used to make API calls on a person's behalf, and API requests need no CSRF defence.
    /// </summary>
    public static IApplicationBuilder UseWebSessions(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        if (IsWebRequest(http.Request.Path) && http.User.Identity?.IsAuthenticated != true)
        {
            var result = await http.AuthenticateAsync(Scheme);
            if (result.Succeeded)
                http.User = result.Principal;
        }
        await next(http);
    });

    public static bool IsWebRequest(PathString path) =>
        !(path.StartsWithSegments("/api") || path.StartsWithSegments("/connect") || path.StartsWithSegments("/.well-known")
          || path.StartsWithSegments("/health") || path.StartsWithSegments("/openapi") || path.StartsWithSegments("/metrics"));
}

/// <summary>A local account's session principal: its identity (the local issuer and the account ID), nothing else.</summary>
internal sealed class WebAccountClaims(UserManager<WebAccount> users, Microsoft.Extensions.Options.IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<WebAccount>(users, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(WebAccount user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        identity.AddClaims(new PersonIdentity(WebAccount.Issuer, user.Id, user.Email, false).Claims());
        return identity;
    }
}
