package dev.offshoot.replica;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;

import dev.offshoot.IntegrationTest;
import dev.offshoot.config.ReplicaProperties;
import dev.offshoot.config.RuntimeProperties;
import dev.offshoot.naming.NamedLocks;

/**
 * Per-name locks and the leader lock in a real metadata Postgres, each "replica" with a lock
 * session of its own, as two processes would have: one holder per name across them, a dead
 * replica's locks released by the store, and the lead moving to the survivor. No Docker engine
 * work: only the store.
 */
class AdvisoryLocksIT {

    static final String DB = IntegrationTest.freshDatabase("locks");
    static final ReplicaProperties PROPERTIES = new ReplicaProperties(Duration.ofMillis(200), "", Duration.ofSeconds(5));
    static final RuntimeProperties RUNTIME = new RuntimeProperties("", "locks-it", "img", "", "/pg", "", "127.0.0.1",
            "", false, "n", 1, 2, Duration.ofSeconds(60), Duration.ofSeconds(60), Duration.ofMinutes(30));

    final List<AutoCloseable> opened = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : opened.reversed()) {
            c.close();
        }
    }

    @Test
    void twoReplicasNeverRunWorkOnOneNameAtOnce() throws Exception {
        NamedLocks first = new NamedLocks("branch", Duration.ofSeconds(30), replica(new SimpleMeterRegistry()));
        NamedLocks second = new NamedLocks("branch", Duration.ofSeconds(30), replica(new SimpleMeterRegistry()));
        int[] counter = {0};
        List<CompletableFuture<Void>> work = new ArrayList<>();
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 40; i++) {
                NamedLocks locks = i % 2 == 0 ? first : second;
                work.add(CompletableFuture.runAsync(() -> locks.withLock("pr-1", () -> {
                    int seen = counter[0];
                    sleep(2);
                    counter[0] = seen + 1;
                    return null;
                }), threads));
            }
            CompletableFuture.allOf(work.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        }
        assertThat(counter[0]).isEqualTo(40);
        assertThat(advisoryLocks()).as("advisory locks left in the store").isZero();
    }

    /** A second holder of one key in the same process (another NamedLocks of the kind) waits too. */
    @Test
    void oneSessionDoesNotStackAKeyForTwoHolders() {
        AdvisoryLocks locks = replica(new SimpleMeterRegistry());
        assertThat(locks.tryLock("branch", "pr-3")).isTrue();
        assertThat(locks.tryLock("branch", "pr-3")).isFalse();
        locks.unlock("branch", "pr-3");
        assertThat(locks.tryLock("branch", "pr-3")).isTrue();
        locks.unlock("branch", "pr-3");
    }

    /**
     * The store ends a replica's session (its process died, or the session was cut): the names it
     * held are free for the others at once, and the replica, finding its session gone, reports the
     * names it lost instead of carrying on as if it still held them.
     */
    @Test
    void aReplicaWhoseSessionEndsLosesItsNamesToTheOthers() throws Exception {
        SimpleMeterRegistry dyingMeters = new SimpleMeterRegistry();
        AdvisoryLocks dying = replica(dyingMeters);
        AdvisoryLocks survivor = replica(new SimpleMeterRegistry());
        assertThat(dying.tryLock("branch", "pr-2")).isTrue();
        assertThat(survivor.tryLock("branch", "pr-2")).isFalse();

        terminateSessionsHolding(1);

        await().atMost(Duration.ofSeconds(10)).until(() -> survivor.tryLock("branch", "pr-2"));
        assertThat(dying.check()).as("the session opens again").isTrue();
        assertThat(dying.holds("branch", "pr-2")).isFalse();
        assertThat(dyingMeters.get("offshoot.locks.lost").counter().count()).isEqualTo(1);
        survivor.unlock("branch", "pr-2");
    }

    @Test
    void oneReplicaLeadsAndAnotherTakesOverWhenItsSessionEnds() throws Exception {
        List<String> elected = new CopyOnWriteArrayList<>();
        Leadership first = leadership(replica(new SimpleMeterRegistry()));
        Leadership second = leadership(replica(new SimpleMeterRegistry()));

        first.check(e -> elected.add("first"));
        second.check(e -> elected.add("second"));
        first.check(e -> elected.add("first"));
        assertThat(first.isLeader()).isTrue();
        assertThat(second.isLeader()).isFalse();
        assertThat(elected).containsExactly("first");

        terminateSessionsHolding(1);
        second.check(e -> elected.add("second"));
        first.check(e -> elected.add("first"));

        assertThat(second.isLeader()).isTrue();
        assertThat(first.isLeader()).as("its session came back without the lock").isFalse();
        assertThat(elected).containsExactly("first", "second");
    }

    @Test
    void aLeaderThatClosesHandsTheLeadOver() {
        Leadership first = leadership(replica(new SimpleMeterRegistry()));
        Leadership second = leadership(replica(new SimpleMeterRegistry()));
        first.check(e -> { });
        second.check(e -> { });
        assertThat(second.isLeader()).isFalse();

        first.close();
        second.check(e -> { });

        assertThat(first.isLeader()).isFalse();
        assertThat(second.isLeader()).isTrue();
    }

    @Test
    void groupsOfOneInstanceEachHaveALeader() {
        Leadership first = leadership(replica(new SimpleMeterRegistry()));
        Leadership other = new Leadership(replica(new SimpleMeterRegistry()), event -> { },
                new ReplicaProperties(Duration.ofMillis(200), "other-group", Duration.ofSeconds(5)), RUNTIME,
                identity(), new SimpleMeterRegistry());
        opened.add(other);
        first.check(e -> { });
        other.check(e -> { });
        assertThat(first.isLeader()).isTrue();
        assertThat(other.isLeader()).isTrue();
    }

    private AdvisoryLocks replica(SimpleMeterRegistry meters) {
        AdvisoryLocks locks = new AdvisoryLocks(store(), PROPERTIES, identity(), meters);
        opened.add(locks);
        return locks;
    }

    private Leadership leadership(AdvisoryLocks locks) {
        Leadership leadership = new Leadership(locks, event -> { }, PROPERTIES, RUNTIME, identity(),
                new SimpleMeterRegistry());
        opened.add(leadership);
        return leadership;
    }

    private static ReplicaIdentity identity() {
        return new ReplicaIdentity();
    }

    /** Ends (as a crash would) every lock session that holds advisory locks; waits for so many. */
    private static void terminateSessionsHolding(int expected) throws SQLException {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            var rs = st.executeQuery("SELECT count(DISTINCT pid) FROM pg_locks WHERE locktype = 'advisory'"
                    + " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())");
            rs.next();
            assertThat(rs.getInt(1)).as("sessions holding advisory locks").isEqualTo(expected);
            // with a timeout, pg_terminate_backend waits until the session ended and its locks went
            st.execute("SELECT pg_terminate_backend(pid, 10000) FROM pg_locks WHERE locktype = 'advisory'"
                    + " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())");
        }
    }

    private static int advisoryLocks() throws SQLException {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            var rs = st.executeQuery("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
                    + " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())");
            rs.next();
            return rs.getInt(1);
        }
    }

    private static Connection connect() throws SQLException {
        return DriverManager.getConnection(DB, IntegrationTest.METADATA.getUsername(),
                IntegrationTest.METADATA.getPassword());
    }

    private static JdbcConnectionDetails store() {
        return new JdbcConnectionDetails() {
            @Override
            public String getUsername() {
                return IntegrationTest.METADATA.getUsername();
            }

            @Override
            public String getPassword() {
                return IntegrationTest.METADATA.getPassword();
            }

            @Override
            public String getJdbcUrl() {
                return DB;
            }
        };
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
