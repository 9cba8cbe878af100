using System.Net;
using System.Net.Sockets;

namespace FlexRegistry.Events;

/// <summary>
/// Where a webhook may not point: the IANA IPv4 and IPv6 Special-Purpose Address Registries, entry by entry (RFC 6890;
/// iana.org/assignments/iana-ipv4-special-registry and iana-ipv6-special-registry), plus multicast and, for IPv6,
/// everything outside global unicast (2000::/3). Every entry is refused, globally reachable anycast services included:
/// none is a webhook receiver. The two IPv6 forms that carry an IPv4 address to connect to — IPv4-mapped and the NAT64
/// well-known prefix — are judged by the IPv4 address they embed; the other embedding forms (IPv4-compatible, NAT64
/// local-use, 6to4, Teredo) are refused whole.
/// </summary>
public static class SpecialAddresses
{
    /// <summary>How an entry is judged: refused outright, or by the IPv4 address in its last 32 bits.</summary>
    public enum Rule
    {
        Refused,
        EmbeddedIPv4,
    }

    public sealed record Entry(IPNetwork Network, string Name, string Source, Rule Rule = Rule.Refused);

    private static Entry E(string prefix, string name, string source, Rule rule = Rule.Refused) => new(IPNetwork.Parse(prefix), name, source, rule);

    /// <summary>The IPv4 Special-Purpose Address Registry, in its order, then multicast.</summary>
    public static readonly IReadOnlyList<Entry> IPv4 =
    [
        E("0.0.0.0/8", "\"This network\"", "RFC 791 §3.2"),
        E("0.0.0.0/32", "\"This host on this network\"", "RFC 1122 §3.2.1.3"),
        E("10.0.0.0/8", "Private-Use", "RFC 1918"),
        E("100.64.0.0/10", "Shared Address Space", "RFC 6598"),
        E("127.0.0.0/8", "Loopback", "RFC 1122 §3.2.1.3"),
        E("169.254.0.0/16", "Link Local (cloud metadata services live here)", "RFC 3927"),
        E("172.16.0.0/12", "Private-Use", "RFC 1918"),
        E("192.0.0.0/24", "IETF Protocol Assignments", "RFC 6890 §2.1"),
        E("192.0.0.0/29", "IPv4 Service Continuity Prefix", "RFC 7335"),
        E("192.0.0.8/32", "IPv4 dummy address", "RFC 7600"),
        E("192.0.0.9/32", "Port Control Protocol Anycast", "RFC 7723"),
        E("192.0.0.10/32", "Traversal Using Relays around NAT Anycast", "RFC 8155"),
        E("192.0.0.170/32", "NAT64/DNS64 Discovery", "RFC 8880, RFC 7050 §2.2"),
        E("192.0.0.171/32", "NAT64/DNS64 Discovery", "RFC 8880, RFC 7050 §2.2"),
        E("192.0.2.0/24", "Documentation (TEST-NET-1)", "RFC 5737"),
        E("192.31.196.0/24", "AS112-v4", "RFC 7535"),
        E("192.52.193.0/24", "AMT", "RFC 7450"),
        E("192.88.99.0/24", "Deprecated (6to4 Relay Anycast)", "RFC 7526"),
        E("192.168.0.0/16", "Private-Use", "RFC 1918"),
        E("192.175.48.0/24", "Direct Delegation AS112 Service", "RFC 7534"),
        E("198.18.0.0/15", "Benchmarking", "RFC 2544"),
        E("198.51.100.0/24", "Documentation (TEST-NET-2)", "RFC 5737"),
        E("203.0.113.0/24", "Documentation (TEST-NET-3)", "RFC 5737"),
        E("240.0.0.0/4", "Reserved", "RFC 1112 §4"),
        E("255.255.255.255/32", "Limited Broadcast", "RFC 8190, RFC 919 §7"),
        E("224.0.0.0/4", "Multicast (IPv4 Multicast Address Space Registry)", "RFC 5771"),
    ];

    /// <summary>The IPv6 Special-Purpose Address Registry, in its order, then multicast.</summary>
    public static readonly IReadOnlyList<Entry> IPv6 =
    [
        E("::1/128", "Loopback Address", "RFC 4291"),
        E("::/128", "Unspecified Address", "RFC 4291"),
        E("::ffff:0:0/96", "IPv4-mapped Address", "RFC 4291", Rule.EmbeddedIPv4),
        E("64:ff9b::/96", "IPv4-IPv6 Translat. (NAT64 well-known prefix)", "RFC 6052", Rule.EmbeddedIPv4),
        E("64:ff9b:1::/48", "IPv4-IPv6 Translat. (NAT64 local-use prefix)", "RFC 8215"),
        E("100::/64", "Discard-Only Address Block", "RFC 6666"),
        E("100:0:0:1::/64", "Dummy IPv6 Prefix", "RFC 9780"),
        E("2001::/23", "IETF Protocol Assignments", "RFC 2928"),
        E("2001::/32", "TEREDO", "RFC 4380, RFC 8190"),
        E("2001:1::1/128", "Port Control Protocol Anycast", "RFC 7723"),
        E("2001:1::2/128", "Traversal Using Relays around NAT Anycast", "RFC 8155"),
        E("2001:1::3/128", "DNS-SD Service Registration Protocol Anycast", "RFC 9665"),
        E("2001:2::/48", "Benchmarking", "RFC 5180, RFC Errata 1752"),
        E("2001:3::/32", "AMT", "RFC 7450"),
        E("2001:4:112::/48", "AS112-v6", "RFC 7535"),
        E("2001:10::/28", "Deprecated (previously ORCHID)", "RFC 4843"),
        E("2001:20::/28", "ORCHIDv2", "RFC 7343"),
        E("2001:30::/28", "Drone Remote ID Protocol Entity Tags (DETs) Prefix", "RFC 9374"),
        E("2001:db8::/32", "Documentation", "RFC 3849"),
        E("2002::/16", "6to4", "RFC 3056"),
        E("2620:4f:8000::/48", "Direct Delegation AS112 Service", "RFC 7534"),
        E("3fff::/20", "Documentation", "RFC 9637"),
        E("5f00::/16", "Segment Routing (SRv6) SIDs", "RFC 9602"),
        E("fc00::/7", "Unique-Local", "RFC 4193, RFC 8190"),
        E("fe80::/10", "Link-Local Unicast", "RFC 4291"),
        E("ff00::/8", "Multicast (IPv6 Multicast Address Space Registry)", "RFC 4291"),
    ];

    /// <summary>IPv6 global unicast (RFC 4291 §2.4, IANA IPv6 Address Space): nothing outside it is a public receiver.</summary>
    public static readonly IPNetwork GlobalUnicast = IPNetwork.Parse("2000::/3");

    /// <summary>
    /// The first entry holding <paramref name="address"/> that refuses it (for an embedding form: the entry of the embedded
    /// IPv4 address), or null when the address is public. Outside 2000::/3, IPv6 is refused as "Not global unicast".
    /// </summary>
    public static Entry? Refusing(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.AddressFamily == AddressFamily.InterNetwork)
            return IPv4.FirstOrDefault(e => e.Network.Contains(address));
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
            return new Entry(default, "Not an IP address", "");
        address = new IPAddress(address.GetAddressBytes()); // the zone (%eth0) does not change where it goes
        // IPNetwork does not match IPv4-mapped addresses against ::ffff:0:0/96, so that entry is applied here, by hand.
        if (address.IsIPv4MappedToIPv6)
        {
            var mapped = IPv6.First(e => e.Rule == Rule.EmbeddedIPv4 && e.Network.PrefixLength == 96 && e.Network.BaseAddress.IsIPv4MappedToIPv6);
            return Refusing(address.MapToIPv4()) is { } inner ? inner with { Name = $"{mapped.Name} of {address.MapToIPv4()}: {inner.Name}" } : null;
        }
        foreach (var entry in IPv6.Where(e => e.Network.Contains(address)))
        {
            if (entry.Rule == Rule.Refused)
                return entry;
            var embedded = new IPAddress(address.GetAddressBytes()[12..]);
            return Refusing(embedded) is { } inner ? inner with { Name = $"{entry.Name} of {embedded}: {inner.Name}" } : null;
        }
        return GlobalUnicast.Contains(address) ? null : new Entry(GlobalUnicast, "Not global unicast (outside 2000::/3)", "RFC 4291 §2.4");
    }

    public static bool IsPublic(IPAddress address) => Refusing(address) is null;
}
