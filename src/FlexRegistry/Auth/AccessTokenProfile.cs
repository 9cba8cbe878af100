using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Server;
using OpenIddict.Validation;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace FlexRegistry.Auth;

/// <summary>
/// RFC 9068 at the resource: an access token of this register is honoured only when it is a JWT access token
/// (<c>typ</c> <c>at+jwt</c>), signed PS256 by one of the register's published keys, issued by this register
/// (<c>iss</c>), for this register (<c>aud</c> = <see cref="AuthOptions.Audience"/>), with <c>exp</c>, <c>iat</c> and
/// <c>jti</c>, not expired and not yet to come (<c>nbf</c>, <c>iat</c>) give or take <see cref="AuthOptions.ClockSkew"/>.
/// OpenIddict checks signature, issuer, audience and expiry itself; this handler adds what it leaves optional (a token
/// without <c>exp</c>, a future <c>nbf</c>, a generic <c>typ</c> with a <c>token_usage</c> claim). It runs after the
/// signature was verified, so nothing here reads an unverified token.
/// </summary>
internal sealed class AccessTokenProfile(AuthOptions options) : IOpenIddictValidationHandler<OpenIddictValidationEvents.ValidateTokenContext>
{
    public static readonly IReadOnlySet<string> Types = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "at+jwt", "application/at+jwt" };

    public static OpenIddictValidationHandlerDescriptor Descriptor { get; } =
        OpenIddictValidationHandlerDescriptor.CreateBuilder<OpenIddictValidationEvents.ValidateTokenContext>()
            .UseSingletonHandler<AccessTokenProfile>()
            .SetOrder(OpenIddictValidationHandlers.Protection.ValidateAudiences.Descriptor.Order + 500)
            .SetType(OpenIddictValidationHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(OpenIddictValidationEvents.ValidateTokenContext context)
    {
        if (context.IsRejected || context.Principal is null || string.IsNullOrEmpty(context.Token))
            return ValueTask.CompletedTask;
        if (Problem(new JsonWebToken(context.Token), (context.Options.TimeProvider ?? TimeProvider.System).GetUtcNow()) is { } problem)
            context.Reject(error: Errors.InvalidToken, description: problem);
        return ValueTask.CompletedTask;
    }

    /// <summary>What is wrong with a signature-verified token, or null when it holds (one rule per claim, in the order of RFC 9068 §2).</summary>
    internal string? Problem(JsonWebToken token, DateTimeOffset now)
    {
        var skew = options.ClockSkew;
        if (!Types.Contains(token.Typ ?? ""))
            return "The token is not a JWT access token (typ must be at+jwt, RFC 9068).";
        if (token.Alg != SigningKeys.Algorithm)
            return $"The token must be signed with {SigningKeys.Algorithm}.";
        if (!token.Audiences.Contains(options.Audience, StringComparer.Ordinal))
            return "The token is not for this register (aud).";
        if (!token.TryGetPayloadValue<long>(Claims.ExpiresAt, out var exp))
            return "The token has no expiry (exp).";
        if (DateTimeOffset.FromUnixTimeSeconds(exp) + skew <= now)
            return "The token has expired.";
        if (!token.TryGetPayloadValue<long>(Claims.IssuedAt, out var iat))
            return "The token has no issue time (iat).";
        if (DateTimeOffset.FromUnixTimeSeconds(iat) - skew > now)
            return "The token was issued in the future (iat).";
        if (token.TryGetPayloadValue<long>(Claims.NotBefore, out var nbf) && DateTimeOffset.FromUnixTimeSeconds(nbf) - skew > now)
            return "The token is not valid yet (nbf).";
        if (string.IsNullOrEmpty(token.Id))
            return "The token has no identifier (jti).";
        if (string.IsNullOrEmpty(token.Subject))
            return "The token has no subject (sub).";
        return null;
    }
}

/// <summary>New access tokens are signed by the key active at this moment (the schedule may have moved on since start).</summary>
internal sealed class SignWithActiveKey(SigningKeys keys) : IOpenIddictServerHandler<OpenIddictServerEvents.GenerateTokenContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<OpenIddictServerEvents.GenerateTokenContext>()
            .UseSingletonHandler<SignWithActiveKey>()
            .SetOrder(OpenIddictServerHandlers.Protection.AttachSecurityCredentials.Descriptor.Order + 500)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(OpenIddictServerEvents.GenerateTokenContext context)
    {
        var active = keys.Active((context.Options.TimeProvider ?? TimeProvider.System).GetUtcNow());
        context.SigningCredentials = new SigningCredentials(active.Key, SigningKeys.Algorithm);
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// The JWKS (<c>/.well-known/jwks</c>) lists the keys of the ring as they stand now (next, active, retiring) and the
/// audit checkpoint key, instead of the keys OpenIddict was given at start.
/// </summary>
internal sealed class PublishSigningKeys(SigningKeys keys) : IOpenIddictServerHandler<OpenIddictServerEvents.HandleJsonWebKeySetRequestContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<OpenIddictServerEvents.HandleJsonWebKeySetRequestContext>()
            .UseSingletonHandler<PublishSigningKeys>()
            .SetOrder(OpenIddictServerHandlers.Discovery.AttachSigningKeys.Descriptor.Order + 500)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(OpenIddictServerEvents.HandleJsonWebKeySetRequestContext context)
    {
        context.Keys.Clear();
        var now = (context.Options.TimeProvider ?? TimeProvider.System).GetUtcNow();
        foreach (var (key, _) in keys.Published(now))
            context.Keys.Add(Jwk(key.KeyId, key.Key.Rsa));
        if (context.Keys.All(k => k.Kid != keys.AuditKey.KeyId))
            context.Keys.Add(Jwk(keys.AuditKey.KeyId, keys.AuditKey.Rsa));
        return ValueTask.CompletedTask;
    }

    private static JsonWebKey Jwk(string keyId, System.Security.Cryptography.RSA rsa)
    {
        var parameters = rsa.ExportParameters(includePrivateParameters: false);
        return new JsonWebKey
        {
            Kty = JsonWebAlgorithmsKeyTypes.RSA,
            Use = JsonWebKeyUseNames.Sig,
            Alg = SigningKeys.Algorithm,
            Kid = keyId,
            E = Base64UrlEncoder.Encode(parameters.Exponent),
            N = Base64UrlEncoder.Encode(parameters.Modulus),
        };
    }
}

/// <summary>
/// Access tokens are verified against the ring's published token keys as they stand now (a key published ahead by
/// another instance, a retiring one), never the audit key; only PS256, with the documented clock skew.
/// </summary>
internal sealed class AcceptSigningKeys(SigningKeys keys, AuthOptions options) : IOpenIddictValidationHandler<OpenIddictValidationEvents.ValidateTokenContext>
{
    public static OpenIddictValidationHandlerDescriptor Descriptor { get; } =
        OpenIddictValidationHandlerDescriptor.CreateBuilder<OpenIddictValidationEvents.ValidateTokenContext>()
            .UseSingletonHandler<AcceptSigningKeys>()
            .SetOrder(OpenIddictValidationHandlers.Protection.ResolveTokenValidationParameters.Descriptor.Order + 500)
            .SetType(OpenIddictValidationHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(OpenIddictValidationEvents.ValidateTokenContext context)
    {
        if (context.TokenValidationParameters is null)
            return ValueTask.CompletedTask;
        var now = (context.Options.TimeProvider ?? TimeProvider.System).GetUtcNow();
        var parameters = context.TokenValidationParameters.Clone();
        parameters.IssuerSigningKeys = [.. keys.Published(now).Select(k => (SecurityKey)k.Key.Key)];
        parameters.ValidAlgorithms = [SigningKeys.Algorithm];
        parameters.ClockSkew = options.ClockSkew;
        context.TokenValidationParameters = parameters;
        return ValueTask.CompletedTask;
    }
}

/// <summary>Runs the key schedule: checks every <see cref="SigningKeyOptions.CheckEvery"/> whether a successor is due.</summary>
internal sealed class SigningKeyRotation(SigningKeys keys, SigningKeyOptions options, TimeProvider time, ILogger<SigningKeyRotation> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.CheckEvery, time);
        do
        {
            try
            {
                if (keys.RotateIfDue() is { } next)
                    logger.LogInformation("Published token signing key {KeyId}; it signs from {ActivatesAt}", next.KeyId, next.ActivatesAt);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                logger.LogError(e, "The token signing key schedule could not be applied; the current keys stay in use");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
