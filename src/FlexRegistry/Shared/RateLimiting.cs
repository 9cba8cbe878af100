using System.Globalization;
using System.Threading.RateLimiting;

namespace FlexRegistry.Shared;

/// <summary>Configuration section <c>RateLimits</c>; <c>RateLimits:Enabled=false</c> switches every limit off (load tests).</summary>
public sealed class RateLimitOptions
{
    public bool Enabled { get; set; } = true;

    /// <summary>Anonymous registrations allowed per client address per window.</summary>
    public int RegistrationsPerWindow { get; set; } = 20;
    public TimeSpan RegistrationWindow { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Sign-in attempts (password, code, emailed link requests) allowed per client address per window; each account also locks after 5 wrong passwords.</summary>
    public int SignInsPerWindow { get; set; } = 30;
    public TimeSpan SignInWindow { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Sustained requests per second allowed to each API client (token bucket refill).</summary>
    public int ClientRequestsPerSecond { get; set; } = 50;

    /// <summary>Burst each API client may spend at once (token bucket size).</summary>
    public int ClientBurst { get; set; } = 200;
}

public static class RateLimiting
{
    public const string AnonymousRegistration = "anonymous-registration";
    public const string SignIn = "sign-in";

    public static IServiceCollection AddRegistryRateLimiting(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection("RateLimits").Get<RateLimitOptions>() ?? new RateLimitOptions();
        services.AddSingleton(options);
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = async (context, ct) =>
            {
                var http = context.HttpContext;
                if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
                    http.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                var problems = http.RequestServices.GetRequiredService<IProblemDetailsService>();
                await problems.WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = http,
                    ProblemDetails = ProblemMapping.ToProblem(TooManyRequests, "Too many requests from this client; retry after the Retry-After delay."),
                });
            };
            // Every authenticated request spends from its own client's bucket, so one noisy client cannot starve the
            // others; anonymous endpoints have their own per-address policies.
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http =>
            {
                var clientId = http.User.Identity?.IsAuthenticated == true
                    ? http.User.FindFirst(OpenIddict.Abstractions.OpenIddictConstants.Claims.Subject)?.Value
                    : null;
                return options.Enabled && clientId is not null
                    ? RateLimitPartition.GetTokenBucketLimiter("client:" + clientId, _ => new TokenBucketRateLimiterOptions
                    {
                        TokenLimit = options.ClientBurst,
                        TokensPerPeriod = options.ClientRequestsPerSecond,
                        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                        QueueLimit = 0,
                        AutoReplenishment = true,
                    })
                    : RateLimitPartition.GetNoLimiter("unlimited");
            });
            limiter.AddPolicy(AnonymousRegistration, http => options.Enabled
                ? RateLimitPartition.GetFixedWindowLimiter(
                    http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = options.RegistrationsPerWindow, Window = options.RegistrationWindow, QueueLimit = 0 })
                : RateLimitPartition.GetNoLimiter("off"));
            // The registration throttle extended to sign-in: per client address, whichever way the person signs in.
            limiter.AddPolicy(SignIn, http => options.Enabled
                ? RateLimitPartition.GetFixedWindowLimiter(
                    http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = options.SignInsPerWindow, Window = options.SignInWindow, QueueLimit = 0 })
                : RateLimitPartition.GetNoLimiter("off"));
        });
        return services;
    }

    public static readonly ErrorCode TooManyRequests = new("request.rate_limited", 429, "Too many requests.");
}
