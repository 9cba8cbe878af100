using System.Net;
using System.Net.Sockets;
using FlexRegistry.Shared;

namespace FlexRegistry.Events;

/// <summary>
/// Keeps webhooks from being aimed at the registry's own network (SSRF): a URL must be https and its host must
/// resolve only to public addresses. The check runs when a subscription is created and again at every connection
/// (see <see cref="ConnectAsync"/>), so a hostname re-pointed at a private address later (DNS rebinding) is still refused.
/// <c>Webhooks:AllowPrivateNetworks</c> lifts both rules for tests and sandboxes.
/// </summary>
public sealed class WebhookUrlPolicy(WebhookOptions options)
{
    public const int MaxUrlLength = 2000;

    /// <summary>Checks the URL; adds field errors under <paramref name="field"/> and returns the URL when acceptable.</summary>
    public async Task<Uri?> CheckAsync(string field, string? url, FieldErrors errors, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (string.IsNullOrWhiteSpace(url))
        {
            errors.Add(field, "field.required", $"{field} is required.");
            return null;
        }
        if (url.Length > MaxUrlLength || !Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http")
            || !string.IsNullOrEmpty(uri.UserInfo) || !string.IsNullOrEmpty(uri.Fragment))
        {
            errors.Add(field, SubscriptionErrors.UrlInvalid, "url must be an absolute http(s) URL without credentials or fragment.");
            return null;
        }
        if (options.AllowPrivateNetworks)
            return uri;
        if (uri.Scheme != Uri.UriSchemeHttps)
        {
            errors.Add(field, SubscriptionErrors.UrlNotHttps, "url must use https.");
            return null;
        }
        IPAddress[] addresses;
        if (IPAddress.TryParse(uri.IdnHost.Trim('[', ']'), out var literal))
        {
            addresses = [literal];
        }
        else
        {
            try
            {
                addresses = await Dns.GetHostAddressesAsync(uri.IdnHost, ct);
            }
            catch (SocketException)
            {
                errors.Add(field, SubscriptionErrors.UrlUnresolvable, $"The host {uri.IdnHost} does not resolve.");
                return null;
            }
        }
        if (addresses.Length == 0 || addresses.Any(a => !IsPublic(a)))
        {
            errors.Add(field, SubscriptionErrors.UrlNotPublic,
                "url must point at a public address: loopback, private, link-local, multicast and reserved networks are refused.");
            return null;
        }
        return uri;
    }

    /// <summary>The webhook client's connect step: resolves the host and connects only to an allowed address.</summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct);
        var allowed = addresses.Where(a => options.AllowPrivateNetworks || IsPublic(a)).ToArray();
        if (allowed.Length == 0)
            throw new HttpRequestException($"The webhook host {host} resolves to no public address.");
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>True for globally routable unicast addresses; false for loopback, private, link-local, CGNAT, multicast, reserved.</summary>
    public static bool IsPublic(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
            address = address.MapToIPv4();
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return !(b[0] == 0 || b[0] == 10 || b[0] == 127
                || (b[0] == 100 && b[1] >= 64 && b[1] <= 127)      // carrier-grade NAT
                || (b[0] == 169 && b[1] == 254)                     // link-local, cloud metadata
                || (b[0] == 172 && b[1] >= 16 && b[1] <= 31)
                || (b[0] == 192 && b[1] == 168)
                || (b[0] == 192 && b[1] == 0 && b[2] is 0 or 2)     // IETF protocol assignments, TEST-NET-1
                || (b[0] == 198 && b[1] is 18 or 19)                // benchmarking
                || (b[0] == 198 && b[1] == 51 && b[2] == 100)       // TEST-NET-2
                || (b[0] == 203 && b[1] == 0 && b[2] == 113)        // TEST-NET-3
                || b[0] >= 224);                                    // multicast, reserved, broadcast
        }
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var b = address.GetAddressBytes();
            return !(IPAddress.IsLoopback(address) || address.Equals(IPAddress.IPv6None)
                || address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast
                || (b[0] & 0xFE) == 0xFC                            // unique local fc00::/7
                || address.IsIPv6Teredo || (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0D && b[3] == 0xB8) // documentation
                || (b[0] == 0x20 && b[1] == 0x02));                 // 6to4 can tunnel to any IPv4 address
        }
        return false;
    }
}
