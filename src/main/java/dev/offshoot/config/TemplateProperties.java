package dev.offshoot.config;

import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where templates may be imported from.
 *
 * @param refuseOwnEndpoints  check where URL imports go (template/SourceGuard): refuse this
 *                            Offshoot's own endpoints (its branch ports, its metadata store), the
 *                            special-purpose ranges (loopback, unspecified, private, carrier-grade
 *                            NAT, link-local, multicast, broadcast, reserved), the container
 *                            engine's networks and every address of this host. A branch's data
 *                            belongs to whoever created the branch, and an import would copy it into
 *                            a template everybody with that template can read; the rest are places
 *                            only the service can reach. {@code false} checks nothing
 * @param allowedSourceHosts  what may be imported from even so: a host name as written in
 *                            {@code sourceUrl} (any case, a trailing dot aside; e.g. {@code localhost}
 *                            on a single-user machine) lets every address it resolves to through; an
 *                            address ({@code 10.1.2.3}, {@code [fd00::1]}) or a CIDR range
 *                            ({@code 10.0.0.0/8}) lets those addresses through however the host is
 *                            spelled. A malformed range stops startup
 */
@ConfigurationProperties("offshoot.templates")
public record TemplateProperties(
        @DefaultValue("true") boolean refuseOwnEndpoints,
        @DefaultValue List<String> allowedSourceHosts) {
}
