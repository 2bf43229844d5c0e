package dev.offshoot.naming;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import dev.offshoot.error.OffshootException.Kind;
import dev.offshoot.error.OffshootException;


/**
 * Serialises work on one name (a branch, a template) inside this process. Each name has its own
 * lock, so work on one name never waits for another's (striped locks let two names share one, and
 * a slow Docker call on one then held up the other). A lock lives only while someone holds or
 * waits for it, so memory does not grow with every name ever used. A caller that waits longer than
 * the timeout gets a retryable 503 NAME_BUSY instead of queueing without bound.
 */
public final class NamedLocks {

    /**
     * How long a caller waits for a name another operation holds: longer than a branch create or
     * reset usually takes (a few seconds), short enough that a client retries instead of hanging.
     */
    public static final Duration DEFAULT_WAIT = Duration.ofSeconds(30);

    private final ConcurrentHashMap<String, Entry> locks = new ConcurrentHashMap<>();
    private final Duration timeout;

    /** A lock and how many callers hold or wait for it; changed only inside the map's compute. */
    private static final class Entry {
        private final ReentrantLock lock = new ReentrantLock();
        private int users;
    }

    public NamedLocks(Duration timeout) {
        this.timeout = timeout;
    }

    public <T> T withLock(String name, Supplier<T> action) {
        Entry entry = locks.compute(name, (key, existing) -> {
            Entry e = existing == null ? new Entry() : existing;
            e.users++;
            return e;
        });
        try {
            if (!entry.lock.tryLock(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                throw busy(name);
            }
            try {
                return action.get();
            } finally {
                entry.lock.unlock();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw busy(name);
        } finally {
            locks.computeIfPresent(name, (key, e) -> --e.users == 0 ? null : e);
        }
    }

    /** Names with a lock right now (held or awaited); for tests and diagnostics. */
    int size() {
        return locks.size();
    }

    private OffshootException busy(String name) {
        return new OffshootException(Kind.UNAVAILABLE, "NAME_BUSY", "another operation on '" + name
                + "' has been running for more than " + timeout.toSeconds() + " s; retry later", true);
    }
}
