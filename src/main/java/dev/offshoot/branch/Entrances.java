package dev.offshoot.branch;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;

import dev.offshoot.config.GatewayProperties;
import dev.offshoot.config.RuntimeProperties;
import dev.offshoot.instance.Endpoint;
import dev.offshoot.provision.Endpoints;

/**
 * Where users are told to connect to branches. By default the gateway: its advertised host and
 * port (the port it listens on, {@code local.gateway.port}, unless a load balancer's is
 * configured), {@code sslmode=require}, the branch named by {@code options=endpoint=<branch>} (the
 * form the widest range of clients can pass), and the SNI host {@code <branch>.<domain>} when a
 * domain is set. With offshoot.runtime.publish-host-ports, the direct form of before the gateway:
 * the branch's own host port, no TLS (kept for one release).
 */
@Component
class Entrances {

    private static final String SSL_MODE = "require";
    /** Before a port is known (the gateway has not started): what a branch not started yet showed. */
    private static final Endpoint NOT_STARTED = new Endpoint("", 0);

    private final GatewayProperties gateway;
    private final RuntimeProperties runtime;
    private final Environment environment;
    private final Endpoints endpoints;

    Entrances(GatewayProperties gateway, RuntimeProperties runtime, Environment environment, Endpoints endpoints) {
        this.gateway = gateway;
        this.runtime = runtime;
        this.environment = environment;
        this.endpoints = endpoints;
    }

    BranchView.Entrance of(Branch branch) {
        if (runtime.publishHostPorts()) {
            return BranchView.Entrance.direct(endpoints.advertised(branch.instanceKey()).orElse(NOT_STARTED));
        }
        return gatewayFor(branch.name());
    }

    /** {@link #of} for many branches, their direct endpoints (if any) read in one look-up. */
    Map<String, BranchView.Entrance> of(Collection<Branch> branches) {
        Map<String, BranchView.Entrance> out = new HashMap<>();
        if (runtime.publishHostPorts()) {
            Map<String, Endpoint> direct = endpoints.advertised(branches.stream().map(Branch::instanceKey).toList());
            branches.forEach(b -> out.put(b.instanceKey(),
                    BranchView.Entrance.direct(direct.getOrDefault(b.instanceKey(), NOT_STARTED))));
        } else {
            branches.forEach(b -> out.put(b.instanceKey(), gatewayFor(b.name())));
        }
        return out;
    }

    private BranchView.Entrance gatewayFor(String name) {
        String domain = gateway.sniDomain();
        return new BranchView.Entrance(new Endpoint(gateway.advertisedHost(runtime), port()), SSL_MODE,
                "endpoint=" + name, domain.isEmpty() ? null : name + "." + domain);
    }

    private int port() {
        if (gateway.advertisedPort() > 0) {
            return gateway.advertisedPort();
        }
        return Optional.ofNullable(environment.getProperty("local.gateway.port", Integer.class))
                .orElse(gateway.port());
    }
}
