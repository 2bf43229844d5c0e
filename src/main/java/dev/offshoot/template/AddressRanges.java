package dev.offshoot.template;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The special-purpose ranges an import may not reach unless an administrator allows them:
 * loopback, unspecified, private, carrier-grade NAT, link-local, multicast, broadcast and other
 * reserved IPv4 and IPv6 ranges (IANA's special-purpose registries). IPv6 forms that carry an IPv4
 * address (NAT64 {@code 64:ff9b::/96}, 6to4 {@code 2002::/16}) are judged by that address;
 * IPv4-mapped addresses ({@code ::ffff:127.0.0.1}) are IPv4 addresses already when parsed.
 */
final class AddressRanges {

    private record Range(Cidr cidr, String kind) {
    }

    private static final List<Range> REFUSED = List.of(
            range("0.0.0.0/8", "an unspecified address"),
            range("10.0.0.0/8", "a private address"),
            range("100.64.0.0/10", "a carrier-grade NAT address"),
            range("127.0.0.0/8", "a loopback address"),
            range("169.254.0.0/16", "a link-local address"),
            range("172.16.0.0/12", "a private address"),
            range("192.0.0.0/24", "an IETF protocol address"),
            range("192.168.0.0/16", "a private address"),
            range("198.18.0.0/15", "a benchmarking address"),
            range("224.0.0.0/4", "a multicast address"),
            range("240.0.0.0/4", "a reserved or broadcast address"),
            range("::1/128", "a loopback address"),
            range("::/128", "an unspecified address"),
            range("::/96", "an IPv4-compatible address"),
            range("64:ff9b:1::/48", "a local-use NAT64 address"),
            range("100::/64", "a discard-only address"),
            range("2001::/32", "a Teredo tunnel address"),
            range("fc00::/7", "a unique local (private) address"),
            range("fe80::/10", "a link-local address"),
            range("fec0::/10", "a site-local address"),
            range("ff00::/8", "a multicast address"));
    private static final Cidr NAT64 = Cidr.parse("64:ff9b::/96");
    private static final Cidr SIX_TO_FOUR = Cidr.parse("2002::/16");

    private AddressRanges() {
    }

    /** What kind of special address this is (e.g. "a loopback address"), or empty for an ordinary one. */
    static Optional<String> refusal(InetAddress address) {
        Optional<String> own = REFUSED.stream().filter(r -> r.cidr().contains(address)).map(Range::kind).findFirst();
        if (own.isPresent()) {
            return own;
        }
        byte[] bytes = address.getAddress();
        if (NAT64.contains(address)) {
            return refusal(ipv4(Arrays.copyOfRange(bytes, 12, 16)));
        }
        if (SIX_TO_FOUR.contains(address)) {
            return refusal(ipv4(Arrays.copyOfRange(bytes, 2, 6)));
        }
        return Optional.empty();
    }

    private static InetAddress ipv4(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("four bytes are an IPv4 address", e);
        }
    }

    private static Range range(String cidr, String kind) {
        return new Range(Cidr.parse(cidr), kind);
    }
}
