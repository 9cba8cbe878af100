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

    /// <summary>Issue 21: every IPv6 form embedding a refused IPv4 address, and the other embedding forms, are refused.</summary>
    [Theory]
    [InlineData("https://[64:ff9b::7f00:1]/hook")]          // NAT64 well-known prefix → 127.0.0.1
    [InlineData("https://[64:ff9b::a9fe:a9fe]/hook")]       // NAT64 → 169.254.169.254 (metadata)
    [InlineData("https://[64:ff9b::a00:1]/hook")]           // NAT64 → 10.0.0.1
    [InlineData("https://[64:ff9b:1::7f00:1]/hook")]        // NAT64 local-use prefix
    [InlineData("https://[64:ff9b:1::5db8:d822]/hook")]     // local-use even with a public IPv4 inside
    [InlineData("https://[::ffff:a9fe:a9fe]/hook")]         // IPv4-mapped metadata address
    [InlineData("https://[::127.0.0.1]/hook")]              // IPv4-compatible (deprecated)
    [InlineData("https://[::5db8:d822]/hook")]              // IPv4-compatible, even of a public address
    [InlineData("https://[2002:7f00:1::1]/hook")]           // 6to4 of 127.0.0.1
    [InlineData("https://[2002:5db8:d822::1]/hook")]        // 6to4 of a public address: relays are deprecated
    [InlineData("https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/hook")] // Teredo
    [InlineData("https://[100::1]/hook")]                   // discard-only
    [InlineData("https://[2001:db8::1]/hook")]              // documentation
    [InlineData("https://[3fff::1]/hook")]                  // documentation (RFC 9637)
    [InlineData("https://[5f00::1]/hook")]                  // SRv6 SIDs
    [InlineData("https://[fe80::1%25eth0]/hook")]           // link-local with a zone
    [InlineData("https://192.0.0.9/hook")]                  // PCP anycast: globally reachable, still no receiver
    [InlineData("https://192.88.99.1/hook")]                // deprecated 6to4 relay anycast
    [InlineData("https://198.19.255.255/hook")]             // benchmarking, last address
    public async Task EmbeddedAndSpecialPurposeAddresses_AreRefused(string url)
    {
        var errors = new FieldErrors();
        Assert.Null(await _strict.CheckAsync("url", url, errors, CancellationToken.None));
        Assert.Equal(SubscriptionErrors.UrlNotPublic, Assert.Single(errors.All).Code);
    }

    [Theory]
    [InlineData("https://[64:ff9b::5db8:d822]/hook")]       // NAT64 of 93.184.216.34: reaches a public host
    [InlineData("https://[::ffff:93.184.216.34]/hook")]     // IPv4-mapped public address
    public async Task EmbeddingsOfPublicIPv4_AreJudgedByTheEmbeddedAddress(string url)
    {
        var errors = new FieldErrors();
        Assert.NotNull(await _strict.CheckAsync("url", url, errors, CancellationToken.None));
        Assert.False(errors.Any);
    }

    /// <summary>The table, read entry by entry: the first and last address of every entry are refused (embedding entries by what they embed).</summary>
    [Fact]
    public void EveryEntryOfTheSpecialPurposeTables_IsRefused_FromItsFirstToItsLastAddress()
    {
        var entries = SpecialAddresses.IPv4.Concat(SpecialAddresses.IPv6).ToList();
        Assert.True(entries.Count >= 50, "the IPv4 and IPv6 registries have about 50 entries together");
        foreach (var entry in entries)
        {
            var first = entry.Network.BaseAddress.GetAddressBytes();
            var last = (byte[])first.Clone();
            for (var bit = entry.Network.PrefixLength; bit < last.Length * 8; bit++)
                last[bit / 8] |= (byte)(0x80 >> (bit % 8));
            foreach (var bytes in new[] { first, last })
            {
                var address = new IPAddress(bytes);
                if (entry.Rule == SpecialAddresses.Rule.EmbeddedIPv4)
                {
                    // ...:0.0.0.0 and ...:255.255.255.255 embed "this network" and limited broadcast.
                    Assert.False(SpecialAddresses.IsPublic(address), $"{address} ({entry.Name}) embeds a refused address");
                    var publicInside = (byte[])bytes.Clone();
                    new byte[] { 93, 184, 216, 34 }.CopyTo(publicInside, 12);
                    Assert.True(SpecialAddresses.IsPublic(new IPAddress(publicInside)), $"{entry.Name} of a public address is judged by it");
                }
                else
                {
                    Assert.False(SpecialAddresses.IsPublic(address), $"{address} is in {entry.Name} ({entry.Source}) and must be refused");
                }
            }
        }
    }

    [Fact]
    public async Task PortZero_IsRefused_EvenInTheSandbox()
    {
        foreach (var policy in new[] { _strict, new WebhookUrlPolicy(new WebhookOptions { AllowPrivateNetworks = true }) })
        {
            var errors = new FieldErrors();
            Assert.Null(await policy.CheckAsync("url", "https://93.184.216.34:0/hook", errors, CancellationToken.None));
            Assert.Equal(SubscriptionErrors.UrlInvalid, Assert.Single(errors.All).Code);
        }
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
