package dev.offshoot.template;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;

/**
 * A source whose host was resolved once and whose every address passed {@link SourceGuard}: the
 * import connects to exactly these addresses and resolves nothing again, so a name cannot point
 * elsewhere between the check and the connection (DNS rebinding).
 *
 * @param onThisHost whether an address is this host's own (loopback or an interface's): allowed by
 *                   an administrator, and reachable only from the host's own network namespace
 */
record CheckedSource(SourceUrl url, List<InetAddress> addresses, boolean onThisHost) {

    CheckedSource {
        addresses = List.copyOf(addresses);
    }

    /** The same source dialed at other addresses (where a helper reaches these from its network). */
    CheckedSource at(List<InetAddress> dialed) {
        return new CheckedSource(url, dialed, onThisHost);
    }

    /** libpq's environment for pg_dump, each name prefixed: the checked addresses as {@code PGHOSTADDR}. */
    Map<String, String> environment(String prefix) {
        return url.environment(prefix, addresses);
    }
}
