package dev.offshoot.runtime;

import org.springframework.stereotype.Component;

import dev.offshoot.config.RuntimeProperties;

/**
 * Endpoints of published instances: the one Offshoot itself connects to, and the one users are
 * told about (the advertised host). Port numbers are the runtime's business; features keep them
 * only to hand them back here.
 */
@Component
public class Endpoints {

    private final RuntimeProperties properties;

    public Endpoints(RuntimeProperties properties) {
        this.properties = properties;
    }

    /** Where Offshoot connects to an instance published on this port. */
    public Endpoint internal(int port) {
        return new Endpoint(properties.connectHost(), port);
    }

    /** Where users connect to it. */
    public Endpoint advertised(int port) {
        return new Endpoint(properties.publicHost(), port);
    }

    /** Shorthand for Offshoot's own JDBC URL of a database on the instance. */
    public String jdbcUrl(int port, String database) {
        return internal(port).jdbcUrl(database);
    }
}
