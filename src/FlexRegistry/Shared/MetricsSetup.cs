using System.Net;
using FlexRegistry.Audit;
using FlexRegistry.Auth;
using FlexRegistry.Events;
using FlexRegistry.Participants;
using FlexRegistry.Persistence;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;
using OpenTelemetry.Metrics;

namespace FlexRegistry.Shared;

/// <summary>Configuration section <c>Metrics</c>.</summary>
public sealed class MetricsOptions
{
    /// <summary>
    /// Networks (CIDR, e.g. <c>10.0.0.0/8</c>) whose scrapers may read <c>/metrics</c> without a token. Empty: only the
    /// registry operator's token may.
    /// </summary>
    public List<string> AllowedNetworks { get; set; } = [];
}

/// <summary>
/// <c>GET /metrics</c> in the Prometheus text format (OpenTelemetry's Prometheus exporter): ASP.NET Core's request
/// rate and latency by route, Npgsql's connection-pool use, and the register's own instruments
/// (<see cref="RegistryMetrics"/>). Readable with the registry operator's token or from a configured network.
/// </summary>
public static class MetricsSetup
{
    public const string Path = "/metrics";
    public const string Policy = "metrics";

    public static IServiceCollection AddRegistryMetrics(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection("Metrics").Get<MetricsOptions>() ?? new MetricsOptions();
        var networks = options.AllowedNetworks.Select(IPNetwork.Parse).ToList();
        services.AddSingleton(options);
        services.AddSingleton(sp =>
        {
            var metrics = new RegistryMetrics(sp.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>());
            // SQLite has no connection pool to speak of; its contention is the write gate's queue.
            if (sp.GetService<SqliteWriteGate>() is { } gate)
                metrics.Gauge("flexregistry.sqlite.write_gate.waiting", "{writer}", "Writers waiting for SQLite's single write lock.", () => gate.Waiting);
            return metrics;
        });
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(RegistryMetrics.MeterName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "Npgsql")
            .AddPrometheusExporter());
        services.AddAuthorizationBuilder().AddPolicy(Policy, p => p
            .AddAuthenticationSchemes(ExternalIssuers.BearerScheme)
            .RequireAssertion(ctx => IsOperator(ctx) || FromAllowedNetwork(ctx, networks)));
        return services;
    }

    /// <summary>Maps the scrape endpoint; the backlog gauges are read from the database for each authorised scrape.</summary>
    public static WebApplication MapRegistryMetrics(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapPrometheusScrapingEndpoint(Path).RequireAuthorization(Policy).WithDisplayName("Metrics");
        return app;
    }

    /// <summary>Runs after authorisation, so only an authorised scrape costs the queries.</summary>
    public static WebApplication UseBacklogGauges(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseWhen(http => http.Request.Path == Path, branch => branch.Use(async (http, next) =>
        {
            var db = http.RequestServices.GetRequiredService<RegistryDbContext>();
            var ct = http.RequestAborted;
            var queue = await db.WebhookDeliveries.LongCountAsync(d => d.Status == DeliveryStatus.Pending, ct);
            http.RequestServices.GetRequiredService<RegistryMetrics>().SetBacklog(queue,
                await EventSequencer.PendingCountAsync(db, ct), await AuditSequencer.PendingCountAsync(db, ct));
            await next(http);
        }));
        return app;
    }

    private static bool IsOperator(AuthorizationHandlerContext ctx) =>
        ctx.User.Identity?.IsAuthenticated == true && ctx.User.IsInRole(ParticipantRole.RegistryOperator) && ctx.User.HasScope(Scopes.RegistryAdmin);

    private static bool FromAllowedNetwork(AuthorizationHandlerContext ctx, List<IPNetwork> networks) =>
        networks.Count > 0 && ctx.Resource is HttpContext http && http.Connection.RemoteIpAddress is { } address
        && networks.Any(n => n.Contains(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address));
}
