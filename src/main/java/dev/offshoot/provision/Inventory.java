package dev.offshoot.provision;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

import org.springframework.stereotype.Component;

import dev.offshoot.config.RuntimeProperties;
import dev.offshoot.instance.InstanceState;
import dev.offshoot.runtime.ContainerRuntime;
import dev.offshoot.runtime.Labels;
import dev.offshoot.storage.Storage;

/**
 * What runs and what is stored for this service, as the reconciler observes it, and the repairs of
 * what no owner holds any more: containers, data directories and endpoints left by a crash.
 */
@Component
public class Inventory {

    private final ContainerRuntime runtime;
    private final Storage storage;
    private final InstanceLabels labels;

    public Inventory(ContainerRuntime runtime, Storage storage, RuntimeProperties properties) {
        this.runtime = runtime;
        this.storage = storage;
        this.labels = new InstanceLabels(properties);
    }

    /**
     * A branch instance of this service as the runtime lists it.
     *
     * @param owner the owner's id from its label, or null when the label is missing or malformed
     * @param state the runtime's word for its state (Docker: running, exited, ...)
     */
    public record Observed(String handle, String name, UUID owner, String state) {
    }

    /** Every branch instance of this service. */
    public List<Observed> branchInstances() {
        return runtime.list(labels.branches()).stream()
                .map(c -> new Observed(c.id(), c.name(), owner(c.labels().get(Labels.BRANCH_ID)), c.state()))
                .toList();
    }

    public Optional<InstanceState> state(String handle) {
        return runtime.state(handle);
    }

    /** Handles of this service's branch instances in which the kernel killed a process for memory in between. */
    public Set<String> outOfMemorySince(Instant since, Instant until) {
        return runtime.outOfMemorySince(labels.branches(), since, until);
    }

    /** Removes an instance no owner holds. */
    public void removeOrphan(Observed instance) {
        runtime.remove(instance.handle());
    }

    /**
     * Removes data directories whose owner is not live, and revision directories no template names
     * once they are older than any build may take. Returns how many.
     */
    public int removeOrphanData(Supplier<Set<UUID>> liveOwners, Supplier<Set<String>> knownRevisions,
            Duration longestBuild) {
        return storage.removeOrphanData(liveOwners) + storage.removeOrphanRevisions(knownRevisions, longestBuild);
    }

    /**
     * Releases the endpoints of keys no live owner has. The keys are listed before the live ones
     * are read: an owner's row is always saved before its key gets an endpoint, so a key listed
     * whose owner is not live afterwards belongs to nobody. Returns the keys released.
     */
    public List<String> releaseUnusedEndpoints(Supplier<Set<String>> liveKeys) {
        Set<String> held = runtime.instanceKeys();
        Set<String> live = liveKeys.get();
        List<String> released = held.stream().filter(key -> !live.contains(key)).toList();
        released.forEach(runtime::release);
        return released;
    }

    private static UUID owner(String label) {
        try {
            return label == null ? null : UUID.fromString(label);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
