using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace FlexRegistry.Shared;

/// <summary>
/// Configuration section <c>TrustedProxies</c> (off by default). Behind a reverse proxy or load balancer every
/// connection comes from the proxy, so per-address limits would put every anonymous caller in one bucket; with the
/// proxies listed here, the client address is taken from <c>X-Forwarded-For</c> — but only on connections from those
/// proxies, and only as many hops as <see cref="ForwardLimit"/>. Anyone else's <c>X-Forwarded-For</c> is ignored.
/// </summary>
public sealed class TrustedProxyOptions
{
    public bool Enabled { get; set; }

    /// <summary>Addresses of the proxies whose X-Forwarded-For is believed, e.g. <c>10.0.0.5</c>.</summary>
    public List<string> Proxies { get; set; } = [];

    /// <summary>Networks of such proxies in CIDR form, e.g. <c>10.0.0.0/24</c>.</summary>
    public List<string> Networks { get; set; } = [];

    /// <summary>How many proxies in a row may have added to X-Forwarded-For (1: one proxy in front of the register).</summary>
    public int ForwardLimit { get; set; } = 1;
}

public static class TrustedProxies
{
    public static IApplicationBuilder UseTrustedProxies(this IApplicationBuilder app, IConfiguration configuration)
    {
        var options = configuration.GetSection("TrustedProxies").Get<TrustedProxyOptions>() ?? new TrustedProxyOptions();
        if (!options.Enabled)
            return app;
        if (options.Proxies.Count == 0 && options.Networks.Count == 0)
            throw new InvalidOperationException("TrustedProxies:Enabled needs TrustedProxies:Proxies or TrustedProxies:Networks: believing every caller's X-Forwarded-For would let anyone pick their address.");
        var forwarded = new ForwardedHeadersOptions
        {
            // Only the client address (and scheme): X-Forwarded-Host would let a caller choose the issuer the register names.
            ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto,
            ForwardLimit = options.ForwardLimit,
        };
        // The defaults trust loopback; only what is configured is trusted.
        forwarded.KnownProxies.Clear();
        forwarded.KnownIPNetworks.Clear();
        foreach (var proxy in options.Proxies)
            forwarded.KnownProxies.Add(IPAddress.Parse(proxy));
        foreach (var network in options.Networks)
            forwarded.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
        return app.UseForwardedHeaders(forwarded);
    }
}
