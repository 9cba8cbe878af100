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

/// <summary>Marks an anonymous endpoint whose calls are limited per client address (<see cref="RateLimitOptions.RegistrationsPerWindow"/>).</summary>
public sealed class AnonymousLimit
{
    public static readonly AnonymousLimit Instance = new();

    private AnonymousLimit()
    {
    }
}

/// <summary>
/// The register's rate limits, as two limiters it owns (so that it can tell callers where they stand): a token bucket per
/// API client or user (keyed on <c>sub</c>) for every authenticated request, and a fixed window per client address for
/// anonymous endpoints marked <see cref="AnonymousLimit"/>. The address is the connection's, or the one a trusted proxy
/// forwarded (<see cref="TrustedProxies"/>). Responses carry <c>RateLimit-Limit</c>, <c>RateLimit-Remaining</c> and
/// <c>RateLimit-Reset</c>; a refusal is 429 <c>request.rate_limited</c> with <c>Retry-After</c>.
/// </summary>
public sealed class RegistryRateLimits : IDisposable
{
    private readonly RateLimitOptions _options;

    public RegistryRateLimits(RateLimitOptions options)
    {
        _options = options;
        Clients = PartitionedRateLimiter.Create<HttpContext, string>(http => ClientOf(http) is { } client && options.Enabled
            ? RateLimitPartition.GetTokenBucketLimiter("client:" + client, _ => new TokenBucketRateLimiterOptions
            {
                TokenLimit = options.ClientBurst,
                TokensPerPeriod = options.ClientRequestsPerSecond,
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = 0,
                AutoReplenishment = true,
            })
            : RateLimitPartition.GetNoLimiter(""));
        Anonymous = PartitionedRateLimiter.Create<HttpContext, string>(http => AnonymousAddressOf(http) is { } address && options.Enabled
            ? RateLimitPartition.GetFixedWindowLimiter("address:" + address,
                _ => new FixedWindowRateLimiterOptions { PermitLimit = options.RegistrationsPerWindow, Window = options.RegistrationWindow, QueueLimit = 0 })
            : RateLimitPartition.GetNoLimiter(""));
        Global = PartitionedRateLimiter.CreateChained(Clients, Anonymous);
    }

    public PartitionedRateLimiter<HttpContext> Clients { get; }
    public PartitionedRateLimiter<HttpContext> Anonymous { get; }
    public PartitionedRateLimiter<HttpContext> Global { get; }

    private static string? ClientOf(HttpContext http) =>
        http.User.Identity?.IsAuthenticated == true ? http.User.FindFirst(OpenIddict.Abstractions.OpenIddictConstants.Claims.Subject)?.Value : null;

    /// <summary>The address an anonymous, limited request is counted against; null when the request is not one.</summary>
    private static string? AnonymousAddressOf(HttpContext http) =>
        ClientOf(http) is null && http.GetEndpoint()?.Metadata.GetMetadata<AnonymousLimit>() is not null
            ? http.Connection.RemoteIpAddress?.ToString() ?? "unknown"
            : null;

    /// <summary>Where the caller stands: its limit, what is left and the seconds until it is whole again; null when no limit applies.</summary>
    public (long Limit, long Remaining, int ResetSeconds)? Standing(HttpContext http)
    {
        if (!_options.Enabled)
            return null;
        if (ClientOf(http) is not null && Clients.GetStatistics(http) is { } bucket)
        {
            var remaining = Math.Clamp(bucket.CurrentAvailablePermits, 0, _options.ClientBurst);
            var reset = (int)Math.Ceiling((double)(_options.ClientBurst - remaining) / Math.Max(1, _options.ClientRequestsPerSecond));
            return (_options.ClientBurst, remaining, reset);
        }
        if (AnonymousAddressOf(http) is not null && Anonymous.GetStatistics(http) is { } window)
        {
            // A fixed window's start is not exposed; the whole window is the longest wait.
            return (_options.RegistrationsPerWindow, Math.Clamp(window.CurrentAvailablePermits, 0, _options.RegistrationsPerWindow),
                (int)Math.Ceiling(_options.RegistrationWindow.TotalSeconds));
        }
        return null;
    }

    public void WriteHeaders(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (Standing(http) is not var (limit, remaining, reset))
            return;
        http.Response.Headers["RateLimit-Limit"] = limit.ToString(CultureInfo.InvariantCulture);
        http.Response.Headers["RateLimit-Remaining"] = remaining.ToString(CultureInfo.InvariantCulture);
        http.Response.Headers["RateLimit-Reset"] = reset.ToString(CultureInfo.InvariantCulture);
    }

    public void Dispose()
    {
        Global.Dispose();
        Clients.Dispose();
        Anonymous.Dispose();
    }
}

public static class RateLimiting
{
    public static readonly ErrorCode TooManyRequests = new("request.rate_limited", 429, "Too many requests.");

    /// <summary>The policy of the sign-in pages (<c>[EnableRateLimiting(RateLimiting.SignIn)]</c>): the registration throttle extended to sign-in.</summary>
    public const string SignIn = "sign-in";

    public static IServiceCollection AddRegistryRateLimiting(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection("RateLimits").Get<RateLimitOptions>() ?? new RateLimitOptions();
        services.AddSingleton(options);
        var limits = new RegistryRateLimits(options);
        services.AddSingleton(limits);
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = async (context, ct) =>
            {
                var http = context.HttpContext;
                if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
                    http.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                else if (limits.Standing(http) is { } standing)
                    http.Response.Headers.RetryAfter = standing.ResetSeconds.ToString(CultureInfo.InvariantCulture);
                var problems = http.RequestServices.GetRequiredService<IProblemDetailsService>();
                await problems.WriteAsync(new ProblemDetailsContext
                {
                    HttpContext = http,
                    ProblemDetails = ProblemMapping.ToProblem(TooManyRequests, "Too many requests from this client; retry after the Retry-After delay."),
                });
            };
            // Every authenticated request spends from its own client's bucket, so one noisy client cannot starve the
            // others; anonymous endpoints marked AnonymousLimit spend from their caller's address's window.
            limiter.GlobalLimiter = limits.Global;
            // Sign-in pages: per client address, whichever way the person signs in (password, code, emailed link, provider).
            limiter.AddPolicy(SignIn, http => options.Enabled
                ? RateLimitPartition.GetFixedWindowLimiter(
                    "sign-in:" + (http.Connection.RemoteIpAddress?.ToString() ?? "unknown"),
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = options.SignInsPerWindow, Window = options.SignInWindow, QueueLimit = 0 })
                : RateLimitPartition.GetNoLimiter("off"));
        });
        return services;
    }

    /// <summary>Writes the rate-limit headers on every response the limits apply to (after the limiter took its permit).</summary>
    public static IApplicationBuilder UseRateLimitHeaders(this IApplicationBuilder app) => app.Use(async (http, next) =>
    {
        var limits = http.RequestServices.GetRequiredService<RegistryRateLimits>();
        http.Response.OnStarting(() =>
        {
            limits.WriteHeaders(http);
            return Task.CompletedTask;
        });
        await next(http);
    });
}
