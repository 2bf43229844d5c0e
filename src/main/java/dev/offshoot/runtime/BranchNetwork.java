package dev.offshoot.runtime;

import static dev.offshoot.runtime.DockerCalls.call;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.ContainerNetwork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.offshoot.instance.Endpoint;

/**
 * Docker's network for branch containers: a bridge made once (labelled, found again by name) with
 * inter-container traffic off, so a branch cannot reach another and only the host (the service,
 * its gateway) reaches them; no host port is published. Where a key's instance answers is its
 * container's address on this network and 5432, remembered per key for a few seconds (the gateway
 * asks on every connection) and looked up again by the key's label after that, or whenever the
 * container started, stopped or went, since Docker may give it another address then.
 */
class BranchNetwork {

    /** The label a keyed container carries its instance key in. */
    static final String KEY_LABEL = "offshoot.instance-key";
    private static final int POSTGRES_PORT = 5432;
    /** How long a key's address is taken as known without asking the engine. */
    private static final long FRESH_NANOS = 5_000_000_000L;

    private static final Logger log = LoggerFactory.getLogger(BranchNetwork.class);

    private record Address(String containerId, Endpoint endpoint, long seenAt) {
    }

    private final DockerClient docker;
    private final String name;
    private final ConcurrentHashMap<String, Address> byKey = new ConcurrentHashMap<>();
    private volatile boolean ensured;

    BranchNetwork(DockerClient docker, String name) {
        this.docker = docker;
        this.name = name;
    }

    String name() {
        return name;
    }

    /** Makes the network unless it exists; several services racing to make it settle on one. */
    void ensure() {
        if (ensured) {
            return;
        }
        call(() -> {
            try {
                docker.inspectNetworkCmd().withNetworkId(name).exec();
            } catch (NotFoundException missing) {
                try {
                    docker.createNetworkCmd().withName(name).withDriver("bridge").withCheckDuplicate(true)
                            .withLabels(Map.of(Labels.MANAGED, "true"))
                            .withOptions(Map.of("com.docker.network.bridge.enable_icc", "false"))
                            .exec();
                    log.info("created the branch network {} (no traffic between its containers)", name);
                } catch (ConflictException made) {
                    // another service made it meanwhile
                }
            }
            return null;
        });
        ensured = true;
    }

    /** After the network is gone (an operator removed it), the next start makes it again. */
    void lost() {
        ensured = false;
    }

    /** A keyed container started (or started again): its address now. */
    void started(String key, String containerId) {
        refresh(key, containerId);
    }

    /** Where the key's instance answers, empty when no container of it runs. */
    Optional<Endpoint> endpointOf(String key) {
        Address known = byKey.get(key);
        if (known != null && System.nanoTime() - known.seenAt() < FRESH_NANOS) {
            return Optional.of(known.endpoint());
        }
        List<com.github.dockerjava.api.model.Container> running = call(() -> docker.listContainersCmd()
                .withLabelFilter(Map.of(KEY_LABEL, key)).withStatusFilter(List.of("running")).exec());
        for (var container : running) {
            Optional<Endpoint> address = address(container.getNetworkSettings() == null ? null
                    : container.getNetworkSettings().getNetworks());
            if (address.isPresent()) {
                byKey.put(key, new Address(container.getId(), address.get(), System.nanoTime()));
                return address;
            }
        }
        // nothing of the key runs: the address it had may be another container's by now
        byKey.remove(key);
        return Optional.empty();
    }

    /** The container's address on this network, if it is on it and running. */
    Optional<Endpoint> endpointOfContainer(InspectContainerResponse container) {
        return address(container.getNetworkSettings() == null ? null : container.getNetworkSettings().getNetworks());
    }

    /** The container started again, stopped or went: its key's address is asked for anew. */
    void changed(String containerId) {
        byKey.values().removeIf(a -> a.containerId().equals(containerId) || containerId.startsWith(a.containerId()));
    }

    void forget(String key) {
        byKey.remove(key);
    }

    private void refresh(String key, String containerId) {
        InspectContainerResponse inspected = call(() -> docker.inspectContainerCmd(containerId).exec());
        endpointOfContainer(inspected).ifPresent(
                endpoint -> byKey.put(key, new Address(inspected.getId(), endpoint, System.nanoTime())));
    }

    /** A container started again by its id: its key (from its label) gets its new address. */
    void restarted(String containerId) {
        changed(containerId);
        InspectContainerResponse inspected = call(() -> docker.inspectContainerCmd(containerId).exec());
        Map<String, String> labels = inspected.getConfig() == null ? null : inspected.getConfig().getLabels();
        String key = labels == null ? null : labels.get(KEY_LABEL);
        if (key != null) {
            endpointOfContainer(inspected).ifPresent(
                    endpoint -> byKey.put(key, new Address(inspected.getId(), endpoint, System.nanoTime())));
        }
    }

    private Optional<Endpoint> address(Map<String, ContainerNetwork> networks) {
        ContainerNetwork on = networks == null ? null : networks.get(name);
        if (on == null || on.getIpAddress() == null || on.getIpAddress().isBlank()) {
            return Optional.empty();
        }
        return Optional.of(new Endpoint(on.getIpAddress(), POSTGRES_PORT));
    }
}
