package dev.offshoot.replica;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import dev.offshoot.config.ReplicaProperties;
import dev.offshoot.config.RuntimeProperties;

/**
 * Which replica runs the background jobs (sweeps, reconciles, warm-pool refills, the reader watch,
 * the gateway's idle suspension): the one whose lock session holds the leader lock, an advisory
 * lock like the name locks. Every offshoot.replicas.leader-check-interval, on a thread of its own
 * (a long job never delays it), a replica that does not lead tries to take the lock, and the
 * leader checks that its session still stands. The store releases the lock when the leader's
 * session ends (its process died, its host vanished: see the session timeout), and another replica
 * takes it at its next check. A job
 * asks {@link #isLeader()} at the start of each pass; it must still be safe should two passes
 * overlap for a moment (a leader cut off from the store learns it only at its next check): every
 * change a job makes to a branch is made under the branch's name lock, after re-reading its row.
 */
@Component
public class Leadership implements AutoCloseable {

    /** Published when this replica becomes the leader: the first pass of its jobs may start now. */
    public record Elected(String replica) {
    }

    private static final Logger log = LoggerFactory.getLogger(Leadership.class);
    static final String KIND = "leader";

    private final AdvisoryLocks locks;
    private final ApplicationEventPublisher publisher;
    private final ReplicaProperties properties;
    private final String lockName;
    private final String replica;
    private final Counter elections;
    private ScheduledExecutorService checker;
    private volatile boolean leader;
    private volatile boolean closed;

    Leadership(AdvisoryLocks locks, ApplicationEventPublisher publisher, ReplicaProperties properties,
            RuntimeProperties runtime, ReplicaIdentity identity, MeterRegistry meters) {
        this.locks = locks;
        this.publisher = publisher;
        this.properties = properties;
        this.lockName = runtime.instanceId() + "/" + properties.group();
        this.replica = identity.id();
        this.elections = Counter.builder("offshoot.replica.elections")
                .description("times this replica became the leader of the background jobs").register(meters);
        meters.gauge("offshoot.replica.leader", this, l -> l.isLeader() ? 1 : 0);
    }

    /** True while this replica runs the background jobs. */
    public boolean isLeader() {
        return leader && !closed;
    }

    /**
     * The first check runs here, on the thread that makes the service ready, so that a replica that
     * starts alone reconciles before its first request as one service always did; later checks
     * run on the checker's thread and announce an election on a thread of its own.
     */
    @EventListener(ApplicationReadyEvent.class)
    synchronized void start() {
        if (closed || checker != null) {
            return;
        }
        check(publisher::publishEvent);
        checker = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon()
                .name("offshoot-leadership").factory());
        long interval = properties.leaderCheckInterval().toMillis();
        checker.scheduleWithFixedDelay(() -> check(event -> Thread.ofVirtual().name("offshoot-elected")
                .start(() -> publisher.publishEvent(event))), interval, interval, TimeUnit.MILLISECONDS);
    }

    void check(Consumer<Elected> announce) {
        boolean was = leader;
        boolean now;
        try {
            now = was ? locks.check() && locks.holds(KIND, lockName) : locks.tryLock(KIND, lockName);
        } catch (RuntimeException e) {
            log.debug("leadership check failed: {}", e.getMessage());
            now = false;
        }
        leader = now && !closed;
        if (leader && !was) {
            elections.increment();
            log.info("this replica ({}) leads the background jobs", replica);
            announce.accept(new Elected(replica));
        } else if (was && !leader) {
            log.warn("this replica ({}) no longer leads the background jobs", replica);
        }
    }

    /** Gives the lead up at once (a graceful shutdown): another replica takes it at its next check. */
    @Override
    public synchronized void close() {
        closed = true;
        if (checker != null) {
            checker.shutdownNow();
        }
        if (leader) {
            leader = false;
            locks.unlock(KIND, lockName);
            log.info("this replica ({}) gave up the lead of the background jobs", replica);
        }
    }
}
