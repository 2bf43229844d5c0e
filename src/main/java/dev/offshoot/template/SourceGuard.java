package dev.offshoot.template;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

import dev.offshoot.config.MetadataProperties;
import dev.offshoot.config.RuntimeProperties;
import dev.offshoot.config.TemplateProperties;
import dev.offshoot.error.OffshootException.Kind;
import dev.offshoot.error.OffshootException;
import dev.offshoot.provision.Builds;

/**
 * Decides which addresses a URL import may reach. The source's host is resolved once, as libpq and
 * glibc would read it ({@link HostAddresses}), and every address must pass: Offshoot's own
 * endpoints (its metadata store, its branch ports), the special-purpose ranges of
 * {@link AddressRanges} (loopback, private, link-local, ...), the container engine's own networks
 * (its bridges and their gateways, which are the engine's host) and this host's own addresses are
 * refused, unless {@code offshoot.templates.allowed-source-hosts} lists the host as written or
 * the address (alone or in a CIDR range). The answer carries the checked addresses, which are the
 * only ones the import connects to.
 */
@Component
class SourceGuard {

    static final String NOT_ALLOWED = "SOURCE_NOT_ALLOWED";
    static final String UNREACHABLE = "SOURCE_UNREACHABLE";
    static final String SETTING = "offshoot.templates.allowed-source-hosts";

    private static final Logger log = LoggerFactory.getLogger(SourceGuard.class);

    private final TemplateProperties templates;
    private final RuntimeProperties runtime;
    private final MetadataProperties metadata;
    private final Environment environment;
    private final Builds engine;
    private final Set<String> allowedNames;
    private final List<Cidr> allowedRanges;

    SourceGuard(TemplateProperties templates, RuntimeProperties runtime, MetadataProperties metadata,
            Environment environment, Builds engine) {
        this.templates = templates;
        this.runtime = runtime;
        this.metadata = metadata;
        this.environment = environment;
        this.engine = engine;
        this.allowedNames = templates.allowedSourceHosts().stream().filter(h -> !isAddressEntry(h))
                .map(SourceGuard::normalName).collect(Collectors.toUnmodifiableSet());
        this.allowedRanges = templates.allowedSourceHosts().stream().filter(SourceGuard::isAddressEntry)
                .map(Cidr::parse).toList();
    }

    /**
     * The source's addresses, each one checked.
     *
     * @throws OffshootException {@code 422 SOURCE_NOT_ALLOWED} naming what the refused address is, or
     *                      {@code 422 SOURCE_UNREACHABLE} when the host does not resolve
     */
    CheckedSource check(SourceUrl source) {
        List<InetAddress> addresses = resolve(source);
        boolean onThisHost = addresses.stream().anyMatch(this::isThisHost);
        if (!templates.refuseOwnEndpoints() || allowedNames.contains(normalName(source.host()))) {
            return new CheckedSource(source, addresses, onThisHost);
        }
        for (InetAddress address : addresses) {
            Optional<String> what = allowedRanges.stream().anyMatch(range -> range.contains(address))
                    ? Optional.empty() : refusal(address, source.port());
            if (what.isPresent()) {
                throw refused(source, address, what.get());
            }
        }
        return new CheckedSource(source, addresses, onThisHost);
    }

    /** What the address is among the places an import may not reach, or empty. */
    private Optional<String> refusal(InetAddress address, int port) {
        boolean thisHost = isThisHost(address);
        if (isMetadataStore(address, port, thisHost)) {
            return Optional.of("Offshoot's metadata store");
        }
        if (thisHost && port >= runtime.portRangeStart() && port <= runtime.portRangeEnd()) {
            return Optional.of("an Offshoot branch port");
        }
        Optional<String> special = AddressRanges.refusal(address);
        if (special.isPresent()) {
            return special;
        }
        Optional<Cidr> engineNetwork = engine.engineNetworks().stream().map(Cidr::parse)
                .filter(range -> range.contains(address)).findFirst();
        if (engineNetwork.isPresent()) {
            return Optional.of("an address in a network of the container engine (" + engineNetwork.get() + ")");
        }
        return thisHost ? Optional.of("an address of Offshoot's own host") : Optional.empty();
    }

    private OffshootException refused(SourceUrl source, InetAddress address, String what) {
        String shown = address.getHostAddress();
        String subject = !HostAddresses.isLiteral(source.host()) ? source.host() + " resolves to "
                : source.host().equalsIgnoreCase(shown) ? source.host() + " is " : source.host() + " is " + shown + ", ";
        // the address is logged for the administrator; a caller who gave a name is not told it
        log.info("URL import refused: {} port {} resolves to {}, {}", source.host(), source.port(), shown, what);
        return new OffshootException(Kind.UNPROCESSABLE, NOT_ALLOWED, "importing from "
                + source.hostAndPort() + " is refused: " + subject + what + " (an administrator may allow it"
                + " with " + SETTING + ": a host name as written in sourceUrl, an address or a CIDR range)");
    }

    private static List<InetAddress> resolve(SourceUrl source) {
        try {
            return HostAddresses.resolve(source.host());
        } catch (UnknownHostException e) {
            throw new OffshootException(Kind.UNPROCESSABLE, UNREACHABLE, "the source host "
                    + source.host() + " does not resolve to an address");
        }
    }

    private boolean isMetadataStore(InetAddress address, int port, boolean thisHost) {
        String datasource = environment.getProperty("spring.datasource.url", "");
        if (!datasource.startsWith("jdbc:postgresql:")) {
            return thisHost && port == metadata.port();
        }
        for (StoreHost store : storeHosts(datasource)) {
            if (store.port() == port && (store.addresses().contains(address)
                    || (thisHost && store.addresses().stream().anyMatch(this::isThisHost)))) {
                return true;
            }
        }
        return false;
    }

    private record StoreHost(List<InetAddress> addresses, int port) {
    }

    /** The hosts of a JDBC URL ({@code jdbc:postgresql://a:5432,b/db?...}), those that resolve. */
    private static List<StoreHost> storeHosts(String jdbcUrl) {
        String rest = jdbcUrl.substring("jdbc:postgresql:".length()).replaceFirst("^//", "");
        String authority = rest.split("[/?]", 2)[0];
        List<StoreHost> hosts = new ArrayList<>();
        for (String hostPort : authority.isEmpty() ? new String[] {"localhost"} : authority.split(",")) {
            int colon = hostPort.lastIndexOf(':');
            boolean hasPort = colon > hostPort.lastIndexOf(']');
            String host = (hasPort ? hostPort.substring(0, colon) : hostPort).replaceAll("^\\[|]$", "");
            try {
                hosts.add(new StoreHost(HostAddresses.resolve(host.isEmpty() ? "localhost" : host),
                        hasPort ? Integer.parseInt(hostPort.substring(colon + 1)) : 5432));
            } catch (UnknownHostException | NumberFormatException e) {
                // a store host that does not resolve is no address an import could reach
            }
        }
        return hosts;
    }

    private boolean isThisHost(InetAddress address) {
        if (address.isLoopbackAddress() || address.isAnyLocalAddress()) {
            return true;
        }
        return localAddresses().contains(address) || bindAddresses().contains(address);
    }

    private List<InetAddress> bindAddresses() {
        try {
            return HostAddresses.resolve(runtime.bindAddress());
        } catch (UnknownHostException e) {
            return List.of();
        }
    }

    private static Set<InetAddress> localAddresses() {
        try {
            return NetworkInterface.networkInterfaces().flatMap(NetworkInterface::inetAddresses)
                    .collect(Collectors.toSet());
        } catch (SocketException e) {
            return Set.of();
        }
    }

    /** An entry of the setting that names addresses (an IP or a CIDR range) rather than a host as written. */
    private static boolean isAddressEntry(String entry) {
        try {
            Cidr.parse(entry);
            return true;
        } catch (IllegalArgumentException notAnAddress) {
            if (entry.contains("/")) {
                throw new IllegalArgumentException(SETTING + " entry '" + entry + "' is no CIDR range", notAnAddress);
            }
            return false;
        }
    }

    private static String normalName(String host) {
        String lower = host.strip().toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }
}
