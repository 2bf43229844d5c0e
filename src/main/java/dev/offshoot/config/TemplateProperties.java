package dev.offshoot.config;

import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where templates may be imported from.
 *
 * @param refuseOwnEndpoints  refuse URL imports from this Offshoot's own endpoints: its branch ports
 *                            ({@code offshoot.runtime.port-range-*}) and its metadata store on this
 *                            host. A branch's data belongs to whoever created the branch; an import
 *                            would copy it into a template everybody with that template can read
 * @param allowedSourceHosts  host names or addresses that may be imported from even when they are
 *                            one of those endpoints (e.g. {@code localhost} on a single-user machine)
 */
@ConfigurationProperties("offshoot.templates")
public record TemplateProperties(
        @DefaultValue("true") boolean refuseOwnEndpoints,
        @DefaultValue List<String> allowedSourceHosts) {
}
