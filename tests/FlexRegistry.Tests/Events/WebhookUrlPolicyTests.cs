using System.Net;
using FlexRegistry.Events;
using FlexRegistry.Shared;

namespace FlexRegistry.Tests.Events;

/// <summary>SSRF rules for webhook URLs, with <c>Webhooks:AllowPrivateNetworks</c> off (production).</summary>
public sealed class WebhookUrlPolicyTests
{
    private readonly WebhookUrlPolicy _strict = new(new WebhookOptions { AllowPrivateNetworks = false });

    [Theory]
    [InlineData("https://127.0.0.1/hook")]
    [InlineData("https://localhost/hook")]
    [InlineData("https://10.1.2.3/hook")]
    [InlineData("https://172.16.0.1/hook")]
    [InlineData("https://192.168.1.10/hook")]
    [InlineData("https://169.254.169.254/latest/meta-data")]
    [InlineData("https://100.64.0.1/hook")]
    [InlineData("https://0.0.0.0/hook")]
    [InlineData("https://224.0.0.1/hook")]
    [InlineData("https://255.255.255.255/hook")]
    [InlineData("https://[::1]/hook")]
    [InlineData("https://[fe80::1]/hook")]
    [InlineData("https://[fd00::1]/hook")]
    [InlineData("https://[ff02::1]/hook")]
    [InlineData("https://[::ffff:127.0.0.1]/hook")]
    [InlineData("https://[::ffff:10.0.0.1]/hook")]
    public async Task NonPublicAddresses_AreRefused(string url)
    {
        var errors = new FieldErrors();
        Assert.Null(await _strict.CheckAsync("url", url, errors, CancellationToken.None));
        Assert.Equal(SubscriptionErrors.UrlNotPublic, Assert.Single(errors.All).Code);
    }

    [Fact]
    public async Task PlainHttp_IsRefused()
    {
        var errors = new FieldErrors();
        Assert.Null(await _strict.CheckAsync("url", "http://93.184.216.34/hook", errors, CancellationToken.None));
        Assert.Equal(SubscriptionErrors.UrlNotHttps, Assert.Single(errors.All).Code);
    }

    [Theory]
    [InlineData("not a url")]
    [InlineData("ftp://93.184.216.34/hook")]
    [InlineData("https://user:pass@93.184.216.34/hook")]
    [InlineData("/relative")]
    public async Task Malformed_IsRefused(string url)
    {
        var errors = new FieldErrors();
        Assert.Null(await _strict.CheckAsync("url", url, errors, CancellationToken.None));
        Assert.Equal(SubscriptionErrors.UrlInvalid, Assert.Single(errors.All).Code);
    }

    [Theory]
    [InlineData("https://93.184.216.34/hook")]
    [InlineData("https://[2606:2800:220:1:248:1893:25c8:1946]/hook")]
    public async Task PublicAddresses_AreAccepted(string url)
    {
        var errors = new FieldErrors();
        Assert.NotNull(await _strict.CheckAsync("url", url, errors, CancellationToken.None));
        Assert.False(errors.Any);
    }

    [Fact]
    public async Task AllowPrivateNetworks_LetsLoopbackAndHttpThrough()
    {
        var sandbox = new WebhookUrlPolicy(new WebhookOptions { AllowPrivateNetworks = true });
        var errors = new FieldErrors();
        Assert.NotNull(await sandbox.CheckAsync("url", "http://127.0.0.1:5000/hook", errors, CancellationToken.None));
        Assert.False(errors.Any);
    }

    [Fact]
    public async Task AtConnectTime_APrivateAddressIsRefusedToo()
    {
        // DNS rebinding: a host that passed the check when subscribed may point elsewhere later; the connect step re-checks.
        using var handler = new SocketsHttpHandler { ConnectCallback = _strict.ConnectAsync };
        using var client = new HttpClient(handler);
        var e = await Assert.ThrowsAsync<HttpRequestException>(() => client.PostAsync(new Uri("http://localhost:9/hook"), null));
        Assert.Contains("no public address", e.Message + e.InnerException?.Message, StringComparison.Ordinal);
        Assert.False(WebhookUrlPolicy.IsPublic(IPAddress.Loopback));
    }
}
