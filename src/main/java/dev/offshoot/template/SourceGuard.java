package dev.offshoot.template;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

import org.springframework.core.env.Environment;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

import dev.offshoot.config.MetadataProperties;
import dev.offshoot.config.RuntimeProperties;
import dev.offshoot.config.TemplateProperties;
import dev.offshoot.web.ApiException;

/**
 * Refuses URL imports from Offshoot's own endpoints: its branch ports and its metadata store. A
 * host name is resolved first, so {@code localhost}, {@code 127.0.0.2}, {@code ::1}, the bind
 * address and every address of this host's interfaces all count as this host.
 */
@Component
class SourceGuard {

    static final String NOT_ALLOWED = "SOURCE_NOT_ALLOWED";

    private final TemplateProperties templates;
    private final RuntimeProperties runtime;
    private final MetadataProperties metadata;
    private final Environment environment;

    SourceGuard(TemplateProperties templates, RuntimeProperties runtime, MetadataProperties metadata,
            Environment environment) {
        this.templates = templates;
        this.runtime = runtime;
        this.metadata = metadata;
        this.environment = environment;
    }

    void check(SourceUrl source) {
        if (!templates.refuseOwnEndpoints() || allowed(source.host())) {
            return;
        }
        String endpoint = ownEndpoint(source);
        if (endpoint != null) {
            throw new ApiException(HttpStatus.UNPROCESSABLE_CONTENT, NOT_ALLOWED, "importing from " + source.host()
                    + ":" + source.port() + " is refused: it is " + endpoint + " (an administrator may allow the"
                    + " host with offshoot.templates.allowed-source-hosts)");
        }
    }

    private boolean allowed(String host) {
        return templates.allowedSourceHosts().stream().anyMatch(h -> h.equalsIgnoreCase(host));
    }

    /** What the source is among Offshoot's own endpoints, or null. */
    private String ownEndpoint(SourceUrl source) {
        Set<InetAddress> addresses = resolve(source.host());
        boolean thisHost = addresses.stream().anyMatch(this::isThisHost);
        if (thisHost && source.port() >= runtime.portRangeStart() && source.port() <= runtime.portRangeEnd()) {
            return "an Offshoot branch port";
        }
        String datasource = environment.getProperty("spring.datasource.url", "");
        if (datasource.startsWith("jdbc:postgresql://")) {
            URI store = URI.create(datasource.substring("jdbc:".length()));
            int storePort = store.getPort() < 0 ? 5432 : store.getPort();
            Set<InetAddress> storeAddresses = store.getHost() == null ? Set.of() : resolve(store.getHost());
            boolean sameHost = storeAddresses.stream().anyMatch(addresses::contains)
                    || (thisHost && storeAddresses.stream().anyMatch(this::isThisHost));
            if (storePort == source.port() && sameHost) {
                return "Offshoot's metadata store";
            }
        } else if (thisHost && source.port() == metadata.port()) {
            return "Offshoot's metadata store";
        }
        return null;
    }

    private boolean isThisHost(InetAddress address) {
        if (address.isLoopbackAddress() || address.isAnyLocalAddress()) {
            return true;
        }
        return localAddresses().contains(address) || resolve(runtime.bindAddress()).contains(address);
    }

    private static Set<InetAddress> localAddresses() {
        try {
            return NetworkInterface.networkInterfaces().flatMap(NetworkInterface::inetAddresses)
                    .collect(Collectors.toSet());
        } catch (SocketException e) {
            return Set.of();
        }
    }

    private static Set<InetAddress> resolve(String host) {
        try {
            return new HashSet<>(Arrays.asList(InetAddress.getAllByName(host.toLowerCase(Locale.ROOT))));
        } catch (UnknownHostException e) {
            // pg_dump will report that it cannot resolve it either
            return Set.of();
        }
    }
}
