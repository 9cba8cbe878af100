using System.Net;
using System.Net.Http.Json;
using FlexRegistry.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace FlexRegistry.Tests.Platform;

/// <summary>
/// The app with three anonymous registrations per address per window, reached through a reverse proxy at 10.1.2.3: a
/// start-up filter gives each test request the TCP peer named in X-Test-Peer (what Kestrel would see), before the register's
/// own pipeline runs.
/// </summary>
public abstract class BehindProxyApp : SqliteApp
{
    public const string Proxy = "10.1.2.3";

    protected virtual IEnumerable<KeyValuePair<string, string?>> ProxySettings => [];

    protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
        [new("RateLimits:Enabled", "true"), new("RateLimits:RegistrationsPerWindow", "3"), .. ProxySettings];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(services => services.AddTransient<IStartupFilter, PeerFilter>());
    }

    private sealed class PeerFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((http, nextMiddleware) =>
            {
                http.Connection.RemoteIpAddress = IPAddress.Parse(http.Request.Headers["X-Test-Peer"].FirstOrDefault() ?? Proxy);
                return nextMiddleware(http);
            });
            next(app);
        };
    }
}

/// <summary>Default configuration: forwarded headers are not believed.</summary>
public sealed class UntrustedProxyApp : BehindProxyApp;

/// <summary>TrustedProxies configured for the proxy at 10.1.2.3.</summary>
public sealed class TrustedProxyApp : BehindProxyApp
{
    protected override IEnumerable<KeyValuePair<string, string?>> ProxySettings =>
        [new("TrustedProxies:Enabled", "true"), new("TrustedProxies:Proxies:0", Proxy)];
}

internal static class ProxyRequests
{
    /// <summary>Registers anonymously as a client at <paramref name="client"/> whose request came through <paramref name="peer"/>.</summary>
    public static async Task<HttpResponseMessage> RegisterAsync(RegistryApp app, string client, string peer = BehindProxyApp.Proxy)
    {
        using var anonymous = app.Anonymous();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/participants") { Content = JsonContent.Create(TestData.Registration(), options: ApiExtensions.Json) };
        request.Headers.Add("X-Forwarded-For", client);
        request.Headers.Add("X-Test-Peer", peer);
        return await anonymous.SendAsync(request);
    }
}

/// <summary>Off by default: behind a proxy every anonymous caller shares the proxy's bucket, whatever X-Forwarded-For says.</summary>
public sealed class UntrustedProxyTests(UntrustedProxyApp app) : IClassFixture<UntrustedProxyApp>
{
    [Fact]
    public async Task WithoutTrustedProxies_XForwardedForIsIgnored_AndTheAnonymousLimitKeysOnTheConnection()
    {
        var statuses = new List<HttpStatusCode>();
        foreach (var client in new[] { "203.0.113.1", "203.0.113.2", "203.0.113.3", "203.0.113.4" })
        {
            using var response = await ProxyRequests.RegisterAsync(app, client);
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.Created)
                Assert.Equal("3", response.Headers.GetValues("RateLimit-Limit").Single());
        }
        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.TooManyRequests], statuses);
    }
}

/// <summary>Configured: each client behind the trusted proxy has its own bucket; a forged header from anyone else is ignored.</summary>
public sealed class TrustedProxyTests(TrustedProxyApp app) : IClassFixture<TrustedProxyApp>
{
    [Fact]
    public async Task WithTheProxyTrusted_EachForwardedClientHasItsOwnBucket()
    {
        for (var i = 0; i < 3; i++)
        {
            using var admitted = await ProxyRequests.RegisterAsync(app, "198.51.100.7");
            await admitted.ShouldHave(HttpStatusCode.Created);
            Assert.Equal((2 - i).ToString(System.Globalization.CultureInfo.InvariantCulture), admitted.Headers.GetValues("RateLimit-Remaining").Single());
        }
        using (var limited = await ProxyRequests.RegisterAsync(app, "198.51.100.7"))
        {
            await limited.ReadProblem(HttpStatusCode.TooManyRequests, "request.rate_limited");
            Assert.NotNull(limited.Headers.RetryAfter);
        }
        // Another client behind the same proxy is not affected.
        using var other = await ProxyRequests.RegisterAsync(app, "198.51.100.8");
        await other.ShouldHave(HttpStatusCode.Created);
    }

    [Fact]
    public async Task AForwardedHeaderFromAnUntrustedPeer_IsIgnored()
    {
        // 192.0.2.50 is not the proxy: its X-Forwarded-For is not believed, so changing it does not buy a fresh bucket.
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            using var response = await ProxyRequests.RegisterAsync(app, $"198.51.100.{20 + i}", peer: "192.0.2.50");
            statuses.Add(response.StatusCode);
        }
        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.TooManyRequests], statuses);
    }
}
