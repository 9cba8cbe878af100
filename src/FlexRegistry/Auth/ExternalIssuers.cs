using System.Security.Claims;
using FlexRegistry.Auth.People;
using FlexRegistry.Persistence;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Validation.AspNetCore;

namespace FlexRegistry.Auth;

/// <summary>One entry of configuration <c>Auth:ExternalIssuers</c>: an OpenID provider whose access tokens the API accepts.</summary>
public sealed class ExternalIssuerOptions
{
    /// <summary>The provider's <c>iss</c>, exactly (e.g. <c>https://login.microsoftonline.com/{tenant}/v2.0</c>).</summary>
    public string Issuer { get; set; } = "";

    /// <summary>The <c>aud</c> its tokens must carry for this register (the API's application ID URI or client ID).</summary>
    public string Audience { get; set; } = "";

    /// <summary>Discovery document; defaults to the issuer followed by <c>/.well-known/openid-configuration</c>.</summary>
    public Uri? MetadataAddress { get; set; }

    /// <summary>Fetch signing keys from this JWKS address directly, without discovery (for providers without one).</summary>
    public Uri? JwksUri { get; set; }

    /// <summary>The claim naming the person; <c>sub</c> by default (Entra ID: <c>oid</c> is stable across applications).</summary>
    public string SubjectClaim { get; set; } = "sub";

    /// <summary>
    /// The claim carrying the person's email. When set (the default), accepting an invitation needs a token whose email
    /// is the invited one. Empty: not checked (the invitation token alone binds the identity).
    /// </summary>
    public string EmailClaim { get; set; } = "email";

    /// <summary>Off only for a provider on loopback in tests or a sandbox.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>
    /// The register's client ID at this provider for web sign-in (OpenID Connect authorization code flow with PKCE).
    /// Unset: the provider's tokens are accepted by the API, but the sign-in page does not offer it.
    /// </summary>
    public string? ClientId { get; set; }

    /// <summary>The client secret, for providers that require a confidential client; PKCE is used either way.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>The provider's name on the sign-in page (e.g. "Octopus Energy staff account").</summary>
    public string? DisplayName { get; set; }
}

/// <summary>The configured external issuers, by issuer; the scheme name of each.</summary>
public sealed class ExternalIssuerRegistry(IReadOnlyList<ExternalIssuerOptions> issuers)
{
    public IReadOnlyList<ExternalIssuerOptions> All => issuers;

    public ExternalIssuerOptions? Find(string? issuer) => issuers.FirstOrDefault(i => i.Issuer == issuer);

    public string? SchemeFor(string? issuer)
    {
        for (var i = 0; i < issuers.Count; i++)
        {
            if (issuers[i].Issuer == issuer)
                return ExternalIssuers.SchemePrefix + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        return null;
    }
}

/// <summary>An identity proven by an external issuer's token, whether or not it is bound to a user yet.</summary>
public sealed record ExternalIdentity(string Issuer, string Subject, string? Email, bool EmailRequired)
{
    public static ExternalIdentity? From(ClaimsPrincipal principal) =>
        principal.FindFirst(ExternalIssuers.IssuerClaim)?.Value is { } issuer && principal.FindFirst(ExternalIssuers.SubjectClaim)?.Value is { } subject
            ? new ExternalIdentity(issuer, subject, principal.FindFirst(ExternalIssuers.EmailClaim)?.Value,
                principal.HasClaim(ExternalIssuers.EmailRequiredClaim, "true"))
            : null;
}

/// <summary>
/// Bearer tokens from external OpenID providers (Entra ID, Okta, Keycloak). <see cref="BearerScheme"/> looks at a
/// token's unverified <c>iss</c> only to choose who verifies it: the register's own tokens go to OpenIddict, a
/// configured external issuer's to a JwtBearer scheme that checks signature (keys from the provider's JWKS),
/// issuer, audience and lifetime. A verified external token's (issuer, subject) is then looked up among the users on
/// every request, without caching, so a suspended user or participant is refused at once (401). The principal is
/// rebuilt from the register's own data: nothing but the subject and email is taken from the external token, so a
/// provider cannot inject participant IDs, roles or scopes. An identity not bound to any user authenticates but holds
/// nothing (403 everywhere except accepting an invitation).
/// </summary>
public static class ExternalIssuers
{
    public const string BearerScheme = "Bearer";
    public const string SchemePrefix = "external-issuer-";
    public const string IdentityPolicy = "external-identity";

    public const string IssuerClaim = "ext_iss";
    public const string SubjectClaim = "ext_sub";
    public const string EmailClaim = "ext_email";
    public const string EmailRequiredClaim = "ext_email_required";

    /// <summary>Signatures accepted from external providers: asymmetric only, never HS* or none.</summary>
    private static readonly string[] Algorithms =
    [
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
        SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
    ];

    public static AuthenticationBuilder AddRegistryBearer(this AuthenticationBuilder builder, IConfiguration configuration)
    {
        var issuers = configuration.GetSection("Auth:ExternalIssuers").Get<List<ExternalIssuerOptions>>() ?? [];
        foreach (var issuer in issuers)
        {
            if (string.IsNullOrWhiteSpace(issuer.Issuer) || string.IsNullOrWhiteSpace(issuer.Audience))
                throw new InvalidOperationException("Every Auth:ExternalIssuers entry needs Issuer and Audience.");
        }
        if (issuers.GroupBy(i => i.Issuer, StringComparer.Ordinal).Any(g => g.Count() > 1))
            throw new InvalidOperationException("Auth:ExternalIssuers names an issuer twice.");
        var registry = new ExternalIssuerRegistry(issuers);
        builder.Services.AddSingleton(registry);

        builder.AddPolicyScheme(BearerScheme, "Bearer token of the register or of a trusted external issuer",
            o => o.ForwardDefaultSelector = http => SelectScheme(http, registry));
        for (var i = 0; i < issuers.Count; i++)
        {
            var issuer = issuers[i];
            builder.AddJwtBearer(SchemePrefix + i.ToString(System.Globalization.CultureInfo.InvariantCulture), o => Configure(o, issuer));
        }

        builder.Services.AddAuthorizationBuilder().AddPolicy(IdentityPolicy, p => p
            .AddAuthenticationSchemes(BearerScheme)
            .RequireAuthenticatedUser()
            .RequireClaim(IssuerClaim));
        return builder;
    }

    private static string SelectScheme(HttpContext http, ExternalIssuerRegistry registry)
    {
        var header = http.Request.Headers.Authorization.ToString();
        if (registry.All.Count > 0 && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            var token = header["Bearer ".Length..].Trim();
            var handler = new JsonWebTokenHandler();
            if (handler.CanReadToken(token))
            {
                try
                {
                    // Unverified: only picks the verifier. The chosen scheme checks the signature against that issuer's keys.
                    if (registry.SchemeFor(new JsonWebToken(token).Issuer) is { } scheme)
                        return scheme;
                }
                catch (ArgumentException)
                {
                    // Not a readable JWT: OpenIddict answers for it.
                }
            }
        }
        return OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme;
    }

    private static void Configure(JwtBearerOptions o, ExternalIssuerOptions issuer)
    {
        o.MapInboundClaims = false;
        o.RequireHttpsMetadata = issuer.RequireHttpsMetadata;
        o.Audience = issuer.Audience;
        o.TokenValidationParameters = new TokenValidationParameters
        {
            ValidIssuer = issuer.Issuer,
            ValidAudience = issuer.Audience,
            ValidateIssuer = true,
            ValidateAudience = true,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ValidateIssuerSigningKey = true,
            ValidAlgorithms = Algorithms,
            ClockSkew = TimeSpan.FromSeconds(60),
        };
        if (issuer.JwksUri is not null)
        {
            o.ConfigurationManager = new ConfigurationManager<OpenIdConnectConfiguration>(
                issuer.JwksUri.ToString(), new JwksRetriever(), new HttpDocumentRetriever { RequireHttps = issuer.RequireHttpsMetadata });
        }
        else
        {
            o.MetadataAddress = (issuer.MetadataAddress ?? new Uri(issuer.Issuer.TrimEnd('/') + "/.well-known/openid-configuration")).ToString();
        }
        o.Events = new JwtBearerEvents { OnTokenValidated = ctx => MapToUserAsync(ctx, issuer) };
    }

    /// <summary>Binds the verified external identity to the register's user, or leaves it holding nothing.</summary>
    private static async Task MapToUserAsync(TokenValidatedContext ctx, ExternalIssuerOptions issuer)
    {
        var subject = ctx.Principal?.FindFirst(issuer.SubjectClaim)?.Value;
        if (string.IsNullOrEmpty(subject))
        {
            ctx.Fail($"The token has no {issuer.SubjectClaim} claim.");
            return;
        }
        var email = issuer.EmailClaim.Length > 0 ? ctx.Principal!.FindFirst(issuer.EmailClaim)?.Value : null;

        var identity = new ClaimsIdentity(ctx.Scheme.Name, OpenIddictConstants.Claims.Name, OpenIddictConstants.Claims.Role);
        identity.AddClaim(new Claim(IssuerClaim, issuer.Issuer));
        identity.AddClaim(new Claim(SubjectClaim, subject));
        if (email is not null)
            identity.AddClaim(new Claim(EmailClaim, email));
        identity.AddClaim(new Claim(EmailRequiredClaim, issuer.EmailClaim.Length > 0 ? "true" : "false"));

        var db = ctx.HttpContext.RequestServices.GetRequiredService<RegistryDbContext>();
        var (state, user, participant) = await RegistryUserClaims.FindAsync(db, issuer.Issuer, subject, ctx.HttpContext.RequestAborted);
        if (state == BindingState.Refused)
        {
            ctx.Fail("The user or its participant may no longer use the register.");
            return;
        }
        if (state == BindingState.Bound)
        {
            RegistryUserClaims.AddTo(identity, user!, participant!);
        }
        else
        {
            // Unbound identities hold nothing, but still get a rate-limit bucket of their own (keyed on sub).
            identity.AddClaim(new Claim(OpenIddictConstants.Claims.Subject, $"ext:{issuer.Issuer}#{subject}"));
        }
        ctx.Principal = new ClaimsPrincipal(identity);
    }

    /// <summary>Reads a bare JWKS document (no discovery) into the configuration JwtBearer validates with.</summary>
    private sealed class JwksRetriever : IConfigurationRetriever<OpenIdConnectConfiguration>
    {
        public async Task<OpenIdConnectConfiguration> GetConfigurationAsync(string address, IDocumentRetriever retriever, CancellationToken cancel)
        {
            var json = await retriever.GetDocumentAsync(address, cancel);
            var keys = new JsonWebKeySet(json);
            var configuration = new OpenIdConnectConfiguration { JsonWebKeySet = keys, JwksUri = address };
            foreach (var key in keys.GetSigningKeys())
                configuration.SigningKeys.Add(key);
            return configuration;
        }
    }
}
