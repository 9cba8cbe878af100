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
        if (uri.Port == 0)
        {
            errors.Add(field, SubscriptionErrors.UrlInvalid, "url must not name port 0.");
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
            var refused = addresses.Select(SpecialAddresses.Refusing).FirstOrDefault(r => r is not null);
            errors.Add(field, SubscriptionErrors.UrlNotPublic,
                "url must point at a public address; it reaches " + (refused is null ? "no address" : $"{refused.Name} ({refused.Source})") +
                ". The IANA special-purpose ranges, multicast and their IPv6 embeddings are refused.");
            return null;
        }
        return uri;
    }

    /// <summary>The webhook client's connect step: resolves the host and connects only to an allowed address.</summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.DnsEndPoint.Port == 0)
            throw new HttpRequestException("The webhook URL names port 0.");
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

    /// <summary>True unless an entry of the IANA special-purpose registries holds the address (<see cref="SpecialAddresses"/>).</summary>
    public static bool IsPublic(IPAddress address) => SpecialAddresses.IsPublic(address);
}
