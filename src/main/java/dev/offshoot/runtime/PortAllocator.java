package dev.offshoot.runtime;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.OptionalInt;
import java.util.Set;

import dev.offshoot.config.RuntimeProperties;

/**
 * Picks host ports for branches from the configured range. The metadata store's unique index is
 * what makes a port taken; this class only skips ports it knows are held, by rows or by processes
 * outside Offshoot (checked with a bind on the publish address).
 */
public class PortAllocator {

    private final RuntimeProperties properties;

    public PortAllocator(RuntimeProperties properties) {
        this.properties = properties;
    }

    /** The lowest port of the range that is neither taken nor excluded and can be bound now. */
    public OptionalInt next(Set<Integer> taken) {
        for (int port = properties.portRangeStart(); port <= properties.portRangeEnd(); port++) {
            if (!taken.contains(port) && bindable(port)) {
                return OptionalInt.of(port);
            }
        }
        return OptionalInt.empty();
    }

    private boolean bindable(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            // as the engine's port proxy binds: a port that only closed connections (TIME_WAIT, up to
            // 60 s after a branch on it was deleted) still hold is free; one with a listener is not
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(properties.bindAddress()), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
