package dev.offshoot.runtime;

import java.util.HashSet;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.IntFunction;

import org.springframework.dao.DuplicateKeyException;

import dev.offshoot.config.RuntimeProperties;

/**
 * Docker's host ports for instance keys. A key keeps its port until it is released, so an
 * instance re-created under the same key (a branch's reset, restart or recreation after an engine
 * restart) answers where it did and its connection strings stay valid. A new key takes a free port
 * of offshoot.runtime.port-range-* (a key that took the same port first wins: the next is tried);
 * a start the engine refuses because something outside Offshoot holds the port moves the key to
 * another. A runtime with a Service per instance needs none of this.
 */
class HostPorts {

    /** Starts refused by the engine before giving up. */
    static final int ENGINE_ATTEMPTS = 5;
    /** Each lost race excludes one more port, so as many attempts as starts may run at once. */
    static final int ASSIGN_ATTEMPTS = 32;

    private final PortTable table;
    private final PortAllocator allocator;
    private final RuntimeProperties properties;

    HostPorts(PortTable table, PortAllocator allocator, RuntimeProperties properties) {
        this.table = table;
        this.allocator = allocator;
        this.properties = properties;
    }

    /**
     * Runs the start on the key's port (taking a free one when it holds none); when the engine
     * refuses that port, moves the key to another and starts again.
     */
    <T> T publish(String key, IntFunction<T> startOnPort) {
        Set<Integer> refused = new HashSet<>();
        int port = hold(key);
        for (int attempt = 1; ; attempt++) {
            try {
                return startOnPort.apply(port);
            } catch (PortConflictException e) {
                if (attempt == ENGINE_ATTEMPTS) {
                    throw e;
                }
                refused.add(port);
                port = assignFree(key, refused);
            }
        }
    }

    /** The key's port, taking a free one when it holds none. */
    int hold(String key) {
        OptionalInt held = table.held(key);
        return held.isPresent() ? held.getAsInt() : assignFree(key, Set.of());
    }

    /** The port the key holds or held last (a released key's is history: it may belong to another now). */
    OptionalInt portOf(String key) {
        return table.last(key);
    }

    /** The port the key holds now; empty when it holds none (never assigned, or released). */
    OptionalInt heldPortOf(String key) {
        return table.held(key);
    }

    /** {@link #portOf} for many keys in one look-up (a list of hundreds of branches). */
    java.util.Map<String, Integer> portsOf(java.util.Collection<String> keys) {
        return table.last(keys);
    }

    void release(String key) {
        table.release(key);
    }

    Set<String> heldKeys() {
        return table.heldKeys();
    }

    /** Gives the key a port neither held nor excluded; a key that takes the same port meanwhile wins. */
    private int assignFree(String key, Set<Integer> excluded) {
        Set<Integer> raced = new HashSet<>(excluded);
        for (int attempt = 1; ; attempt++) {
            Set<Integer> taken = new HashSet<>(table.heldPorts());
            taken.addAll(raced);
            OptionalInt port = allocator.next(taken);
            if (port.isEmpty()) {
                throw new PortRangeExhaustedException(properties.portRangeStart(), properties.portRangeEnd());
            }
            try {
                table.assign(key, port.getAsInt());
                return port.getAsInt();
            } catch (DuplicateKeyException e) {
                if (attempt == ASSIGN_ATTEMPTS) {
                    throw e;
                }
                raced.add(port.getAsInt());
            }
        }
    }
}
