package dev.offshoot.gateway;

import java.net.InetSocketAddress;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The cancel keys the gateway hands out. Backends of different branches may share a process id and
 * key, so every client gets a process id and key of the gateway's own in its BackendKeyData, and a
 * CancelRequest carrying them is sent on to the backend that issued the real ones. An entry lives
 * as long as its client connection. Keys are compared in constant time; an unknown pair is ignored,
 * as the server itself does.
 */
final class CancelKeys {

    private static final SecureRandom RANDOM = new SecureRandom();

    /** Where a backend runs and the process id and key it issued. */
    record Target(InetSocketAddress address, int pid, byte[] key) {
    }

    /** What the client is given instead. */
    record Issued(int pid, byte[] key) {
    }

    private record Entry(byte[] key, Target target) {
    }

    private final ConcurrentHashMap<Integer, Entry> byPid = new ConcurrentHashMap<>();

    /** A process id and key of the gateway's own for this backend's, the key as long as the backend's. */
    Issued issue(Target target) {
        byte[] key = new byte[target.key().length];
        RANDOM.nextBytes(key);
        while (true) {
            int pid = RANDOM.nextInt() & Integer.MAX_VALUE;
            if (pid != 0 && byPid.putIfAbsent(pid, new Entry(key, target)) == null) {
                return new Issued(pid, key);
            }
        }
    }

    Optional<Target> find(int pid, byte[] key) {
        Entry entry = byPid.get(pid);
        return entry != null && MessageDigest.isEqual(entry.key(), key) ? Optional.of(entry.target()) : Optional.empty();
    }

    void forget(int pid) {
        byPid.remove(pid);
    }

    int size() {
        return byPid.size();
    }
}
