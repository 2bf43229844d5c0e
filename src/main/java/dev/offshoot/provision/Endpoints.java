package dev.offshoot.provision;

import java.util.Collection;
import java.util.Map;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.springframework.stereotype.Component;

import dev.offshoot.instance.Endpoint;
import dev.offshoot.runtime.ContainerRuntime;

/**
 * Endpoints of keyed instances for features: the one Offshoot itself connects to, and the one users
 * are told about. Features hold instance keys (a branch's id); where a key answers is the runtime's
 * business (Docker: a host port it keeps for the key; Kubernetes: the Pod's IP and 5432),
 * and {@link Endpoint} builds every URL from it.
 */
@Component
public class Endpoints {

    private final ContainerRuntime runtime;
    private final List<Consumer<String>> stoppedListeners = new CopyOnWriteArrayList<>();

    public Endpoints(ContainerRuntime runtime) {
        this.runtime = runtime;
    }

    /** Tells {@code listener} the key of every instance this service stopped or took down, once it did. */
    public void onStopped(Consumer<String> listener) {
        stoppedListeners.add(listener);
    }

    /** The instance of this key was stopped or taken down here: whatever kept where it answered forgets it. */
    void stopped(String instanceKey) {
        stoppedListeners.forEach(listener -> listener.accept(instanceKey));
    }

    /** Where Offshoot connects to the instance of this key; it must be running. */
    public Endpoint internal(String instanceKey) {
        return runtime.runningEndpointOf(instanceKey)
                .orElseThrow(() -> new IllegalStateException("instance " + instanceKey + " has no running server"));
    }

    /** Where Offshoot connects to the instance of this key; empty while none runs under it (a delete, reset or stop in progress). */
    public Optional<Endpoint> internalIfRunning(String instanceKey) {
        return runtime.runningEndpointOf(instanceKey);
    }

    /** Where users connect to it; empty while nothing was started under the key (a create in progress). */
    public Optional<Endpoint> advertised(String instanceKey) {
        return runtime.advertisedEndpointOf(instanceKey);
    }

    /** Where users connect to the instances of these keys, in one look-up; keys without one are left out. */
    public Map<String, Endpoint> advertised(Collection<String> instanceKeys) {
        return runtime.advertisedEndpointsOf(instanceKeys);
    }

    /** Shorthand for Offshoot's own JDBC URL of a database on the instance. */
    public String jdbcUrl(String instanceKey, String database) {
        return internal(instanceKey).jdbcUrl(database);
    }
}
