package dev.offshoot.template;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A source host read as libpq and glibc read it, and resolved once. glibc's resolver takes IPv4
 * addresses in every {@code inet_aton} form ({@code 2130706433}, {@code 0x7f000001},
 * {@code 0177.0.0.1}, {@code 127.1}, {@code 0}), which Java's own parser refuses: the JDK's POSIX
 * parser ({@link Inet4Address#ofPosixLiteral}) reads them here instead.
 */
final class HostAddresses {

    /** A last label that is a number: no DNS name ends in one, so such a host is an IPv4 address or nothing. */
    private static final Pattern NUMERIC_LABEL = Pattern.compile("(?i)0x[0-9a-f]*|[0-9]+");

    private HostAddresses() {
    }

    /** Whether the host is an address as written (IPv6, or IPv4 in any form) rather than a name. */
    static boolean isLiteral(String host) {
        return host.contains(":") || lastLabelIsNumeric(withoutTrailingDot(host));
    }

    /**
     * The addresses a connection to the host may reach: the literal's one address (IPv4-mapped
     * IPv6 as IPv4, a zone id kept), or every address the name resolves to now.
     *
     * @throws UnknownHostException when the name does not resolve, or a numeric host is no address
     */
    static List<InetAddress> resolve(String host) throws UnknownHostException {
        String lower = host.toLowerCase(Locale.ROOT);
        try {
            if (lower.contains(":")) {
                return List.of(Inet6Address.ofLiteral(lower));
            }
            String name = withoutTrailingDot(lower);
            if (lastLabelIsNumeric(name)) {
                return List.of(Inet4Address.ofPosixLiteral(name));
            }
        } catch (IllegalArgumentException e) {
            throw new UnknownHostException(host + " is no valid IP address");
        }
        return List.of(InetAddress.getAllByName(lower));
    }

    private static boolean lastLabelIsNumeric(String host) {
        return NUMERIC_LABEL.matcher(host.substring(host.lastIndexOf('.') + 1)).matches();
    }

    private static String withoutTrailingDot(String host) {
        return host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    }
}
