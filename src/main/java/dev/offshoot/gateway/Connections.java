package dev.offshoot.gateway;

import java.net.InetAddress;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Open gateway connections: per client address (the cap on one client) and per branch instance
 * key (the cap on one branch, and what idle suspension reads: a branch with none since a while).
 * A client's slot is taken when it connects; a branch's once the connection is routed to it.
 */
final class Connections {

    /** A branch's open connections and when it last had one. */
    record Usage(int open, Instant lastActive) {
    }

    private static final InetAddress UNKNOWN = InetAddress.getLoopbackAddress();

    private final ConcurrentHashMap<InetAddress, Integer> perClient = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Usage> perBranch = new ConcurrentHashMap<>();

    /** Takes a slot of this client address unless it holds {@code max} already. */
    boolean openClient(InetAddress client, int max) {
        boolean[] taken = {false};
        perClient.compute(client == null ? UNKNOWN : client, (address, open) -> {
            int now = open == null ? 0 : open;
            taken[0] = now < max;
            return taken[0] ? now + 1 : (now == 0 ? null : now);
        });
        return taken[0];
    }

    void closeClient(InetAddress client) {
        perClient.computeIfPresent(client == null ? UNKNOWN : client, (address, open) -> open <= 1 ? null : open - 1);
    }

    /** Takes a slot of this branch unless it has {@code max} open already. */
    boolean openBranch(String key, int max) {
        boolean[] taken = {false};
        perBranch.compute(key, (k, usage) -> {
            int open = usage == null ? 0 : usage.open();
            taken[0] = open < max;
            return new Usage(taken[0] ? open + 1 : open, Instant.now());
        });
        return taken[0];
    }

    void closeBranch(String key) {
        perBranch.computeIfPresent(key, (k, usage) -> new Usage(Math.max(0, usage.open() - 1), Instant.now()));
    }

    /** Every branch key the gateway has seen since it started, with its usage. */
    Map<String, Usage> branches() {
        return Map.copyOf(perBranch);
    }

    /** Forgets idle keys that are not among these (deleted branches). */
    void retain(java.util.Set<String> liveKeys) {
        perBranch.entrySet().removeIf(e -> e.getValue().open() == 0 && !liveKeys.contains(e.getKey()));
    }

    int open() {
        return perBranch.values().stream().collect(Collectors.summingInt(Usage::open));
    }
}
