package dev.offshoot.naming;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import dev.offshoot.error.OffshootException.Kind;
import dev.offshoot.error.OffshootException;


/**
 * Serialises work on one name (a branch, a template) across every replica of the service. A
 * caller first takes the name's lock in this process (each name has its own, so work on one name
 * never waits for another's: striped locks let two names share one, and a slow Docker call on one
 * then held up the other), then, holding it, the name's {@link SharedLocks shared lock} in the
 * metadata store, polling while another replica holds it. A re-entry by the holder takes nothing
 * more. A local lock lives only while someone holds or waits for it, so memory does not grow with
 * every name ever used. A caller that waits longer than the timeout, in both steps together, gets
 * a retryable 503 NAME_BUSY instead of queueing without bound.
 */
public final class NamedLocks {

    /**
     * How long a caller waits for a name another operation holds: longer than a branch create or
     * reset usually takes (a few seconds), short enough that a client retries instead of hanging.
     */
    public static final Duration DEFAULT_WAIT = Duration.ofSeconds(30);

    /** First and longest pause between two tries for a name another replica holds. */
    static final Duration FIRST_POLL = Duration.ofMillis(10);
    static final Duration LONGEST_POLL = Duration.ofMillis(200);

    private final ConcurrentHashMap<String, Entry> locks = new ConcurrentHashMap<>();
    private final String kind;
    private final Duration timeout;
    private final SharedLocks shared;

    /** A lock and how many callers hold or wait for it; changed only inside the map's compute. */
    private static final class Entry {
        private final ReentrantLock lock = new ReentrantLock();
        private int users;
    }

    /** Locks of this process only (one instance of the service; tests). */
    public NamedLocks(Duration timeout) {
        this("name", timeout, SharedLocks.NONE);
    }

    /**
     * @param kind   what the names name ("branch", "template"): names of two kinds never share a lock.
     *               One NamedLocks per kind per process
     * @param shared the locks every replica sees
     */
    public NamedLocks(String kind, Duration timeout, SharedLocks shared) {
        this.kind = kind;
        this.timeout = timeout;
        this.shared = shared;
    }

    public <T> T withLock(String name, Supplier<T> action) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Entry entry = enter(name);
        try {
            if (!entry.lock.tryLock(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                throw busy(name);
            }
            try {
                boolean first = entry.lock.getHoldCount() == 1;
                if (first) {
                    awaitShared(name, deadline);
                }
                return runHolding(name, first, action);
            } finally {
                entry.lock.unlock();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw busy(name);
        } finally {
            leave(name);
        }
    }

    /**
     * Runs the action only if the name is free now, here and in every other replica; never waits.
     * For repairs that would rather look again later than hold up the work they would wait for.
     *
     * @return the action's answer, or empty when the name is held (or the action answered null)
     */
    public <T> Optional<T> withLockIfFree(String name, Supplier<T> action) {
        Entry entry = enter(name);
        try {
            if (!entry.lock.tryLock()) {
                return Optional.empty();
            }
            try {
                boolean first = entry.lock.getHoldCount() == 1;
                if (first && !shared.tryLock(kind, name)) {
                    return Optional.empty();
                }
                return Optional.ofNullable(runHolding(name, first, action));
            } finally {
                entry.lock.unlock();
            }
        } finally {
            leave(name);
        }
    }

    /** Names with a lock in this process right now (held or awaited); for tests and diagnostics. */
    int size() {
        return locks.size();
    }

    private <T> T runHolding(String name, boolean releaseShared, Supplier<T> action) {
        try {
            return action.get();
        } finally {
            if (releaseShared) {
                shared.unlock(kind, name);
            }
        }
    }

    /** Takes the shared lock, pausing ever longer between tries while another replica holds it. */
    private void awaitShared(String name, long deadline) throws InterruptedException {
        long pause = FIRST_POLL.toNanos();
        while (!shared.tryLock(kind, name)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw busy(name);
            }
            TimeUnit.NANOSECONDS.sleep(Math.min(pause, left));
            pause = Math.min(pause * 2, LONGEST_POLL.toNanos());
        }
    }

    private Entry enter(String name) {
        return locks.compute(name, (key, existing) -> {
            Entry e = existing == null ? new Entry() : existing;
            e.users++;
            return e;
        });
    }

    private void leave(String name) {
        locks.computeIfPresent(name, (key, e) -> --e.users == 0 ? null : e);
    }

    private OffshootException busy(String name) {
        return new OffshootException(Kind.UNAVAILABLE, "NAME_BUSY", "another operation on '" + name
                + "' has been running for more than " + timeout.toSeconds() + " s; retry later", true);
    }
}
