package io.catalogingest.common.net;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;

/**
 * Which addresses image downloads may connect to: public unicast only. Loopback, private,
 * link-local (cloud metadata lives there), carrier-grade NAT, multicast, unspecified and reserved
 * ranges are refused, in IPv4, IPv6 and IPv4-mapped IPv6 form, unless allowlisted for local
 * development.
 */
public final class AddressPolicy {
    /** An IPv4 or IPv6 network in CIDR form. */
    public record Cidr(byte[] network, int prefixLength) {
        public static Cidr parse(String cidr) {
            String[] parts = cidr.split("/", 2);
            try {
                byte[] address = InetAddress.getByName(parts[0]).getAddress();
                int prefix = parts.length == 2 ? Integer.parseInt(parts[1]) : address.length * 8;
                return new Cidr(address, prefix);
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("not an address: " + cidr, e);
            }
        }

        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int full = prefixLength / 8;
            for (int i = 0; i < full; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefixLength % 8;
            if (rest == 0) {
                return true;
            }
            int mask = 0xFF << (8 - rest) & 0xFF;
            return (address[full] & mask) == (network[full] & mask);
        }
    }

    private static final List<Cidr> REFUSED_V4 = List.of(
            "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
            "192.0.0.0/24", "192.0.2.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24",
            "224.0.0.0/4", "240.0.0.0/4").stream().map(Cidr::parse).toList();
    private static final List<Cidr> REFUSED_V6 = List.of(
            "::/128", "::1/128", "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8", "2001:db8::/32", "64:ff9b::/96",
            "100::/64").stream().map(Cidr::parse).toList();

    private final List<Cidr> allowed;

    /** {@code allowedCidrs}: networks allowed even though refused by default, e.g. 127.0.0.1/32 for a local origin. */
    public AddressPolicy(List<String> allowedCidrs) {
        this.allowed = allowedCidrs.stream().map(Cidr::parse).toList();
    }

    /** Why a connection to this address is refused, or empty if it is allowed. */
    public Optional<String> refusal(InetAddress address) {
        byte[] raw = address.getAddress();
        if (allowed.stream().anyMatch(c -> c.contains(raw))) {
            return Optional.empty();
        }
        if (address instanceof Inet6Address) {
            byte[] embedded = embeddedIpv4(raw);
            if (embedded != null) {
                return refusedV4(embedded) ? Optional.of(address.getHostAddress() + " embeds a non-public IPv4 address")
                        : Optional.empty();
            }
            return REFUSED_V6.stream().anyMatch(c -> c.contains(raw))
                    ? Optional.of(address.getHostAddress() + " is not a public address") : Optional.empty();
        }
        return address instanceof Inet4Address && refusedV4(raw)
                ? Optional.of(address.getHostAddress() + " is not a public address") : Optional.empty();
    }

    private boolean refusedV4(byte[] v4) {
        return allowed.stream().noneMatch(c -> c.contains(v4)) && REFUSED_V4.stream().anyMatch(c -> c.contains(v4));
    }

    /** The IPv4 address inside an IPv4-mapped (::ffff:a.b.c.d) or IPv4-compatible (::a.b.c.d) address. */
    private static byte[] embeddedIpv4(byte[] v6) {
        for (int i = 0; i < 10; i++) {
            if (v6[i] != 0) {
                return null;
            }
        }
        boolean mapped = (v6[10] & 0xFF) == 0xFF && (v6[11] & 0xFF) == 0xFF;
        boolean compatible = v6[10] == 0 && v6[11] == 0 && !(v6[12] == 0 && v6[13] == 0 && v6[14] == 0 && (v6[15] & 0xFE) == 0);
        if (!mapped && !compatible) {
            return null;
        }
        return new byte[] {v6[12], v6[13], v6[14], v6[15]};
    }
}
