package dev.offshoot.migration;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.flywaydb.core.api.MigrationInfo;

/**
 * Reads what each migration did to the relations that existed before the set ran, on the
 * migration's own session, at its end and (for a transactional migration) still inside its
 * transaction: the relations and columns it dropped, the tables whose data files it replaced
 * (a rewrite or a truncation), the rows it deleted and updated (the transaction's own
 * statistics: exact, through functions, triggers and dynamic SQL alike), and the locks it holds.
 * Nothing else watches: no other session is open while a migration runs, so the migration cannot
 * tell a trial from the real run by what it sees beside itself, and the real run reads the same.
 *
 * <p>A transactional migration holds every lock it took until it commits, so those locks are
 * complete, and each was held from some point in the migration to its end: {@code heldMs} is the
 * migration's whole span, an upper bound. A non-transactional migration (CREATE INDEX CONCURRENTLY)
 * has committed its statements by then: its locks and row statistics are gone, its drops and
 * rewrites are still seen.
 *
 * <p>With {@code expected} (the trial's effects of the same set), the watch guards a real run: a
 * transactional migration that did anything of these to a relation its trial did not is stopped
 * before it commits, and Flyway rolls it back.
 */
final class MigrationWatch implements FlywayRunner.Observer {

    private static final String LOCKS = "SELECT relation, mode FROM pg_catalog.pg_locks"
            + " WHERE locktype OPERATOR(pg_catalog.=) 'relation' AND granted"
            + " AND pid OPERATOR(pg_catalog.=) pg_catalog.pg_backend_pid()"
            + " AND database OPERATOR(pg_catalog.=) (SELECT oid FROM pg_catalog.pg_database"
            + " WHERE datname OPERATOR(pg_catalog.=) pg_catalog.current_database())";
    /** Runs under the migration's search path and settings: every name and operator is qualified. */
    private static final String STATE = "SELECT c.oid, c.relfilenode,"
            + " pg_catalog.pg_stat_get_xact_tuples_deleted(c.oid), pg_catalog.pg_stat_get_xact_tuples_updated(c.oid),"
            + " ARRAY(SELECT a.attnum FROM pg_catalog.pg_attribute a WHERE a.attrelid OPERATOR(pg_catalog.=) c.oid"
            + " AND a.attnum OPERATOR(pg_catalog.>) 0 AND NOT a.attisdropped ORDER BY a.attnum)"
            + " FROM pg_catalog.pg_class c WHERE c.oid OPERATOR(pg_catalog.=) ANY (%s::pg_catalog.oid[])";

    record LockTaken(String migration, String relation, String mode, long rowEstimate, long heldMs) {
    }

    record Rewrite(String migration, String table, long rowEstimate) {
    }

    /** The current state of one pre-existing relation, as the migration's session sees it. */
    private record State(long fileNode, long deleted, long updated, Set<Integer> columns) {
    }

    private final Relations before;
    private final Map<String, MigrationEffects> expected;
    private final String oids;
    private Map<Long, State> last;
    private volatile String running;
    private final Map<String, Long> started = new HashMap<>();
    private final Map<String, MigrationEffects> effects = new LinkedHashMap<>();
    private final List<LockTaken> locks = new ArrayList<>();
    private final List<Rewrite> rewrites = new ArrayList<>();
    private final List<String> divergences = new ArrayList<>();

    /** @param expected the trial's effects by migration, to guard a real run; null in a trial */
    MigrationWatch(Relations before, Map<String, MigrationEffects> expected) {
        this.before = before;
        this.expected = expected;
        this.oids = "'{" + before.byOid().keySet().stream().map(String::valueOf).collect(Collectors.joining(","))
                + "}'";
        this.last = initial(before);
    }

    @Override
    public void before(MigrationInfo migration, Connection connection) {
        running = script(migration);
        started.put(running, System.nanoTime());
    }

    @Override
    public void after(MigrationInfo migration, Connection connection) {
        String script = script(migration);
        running = null;
        long heldMs = (System.nanoTime() - started.getOrDefault(script, System.nanoTime())) / 1_000_000;
        try {
            boolean transactional = !connection.getAutoCommit();
            Map<Long, State> now = state(connection);
            MigrationEffects done = compare(script, transactional, now);
            effects.put(script, done);
            locks(script, connection, heldMs);
            last = now;
            guard(done);
        } catch (SQLException e) {
            throw new IllegalStateException("reading what migration " + script + " did failed: " + e.getMessage(), e);
        }
    }

    /** The migration that started and has not ended, or null. */
    String running() {
        return running;
    }

    /** Per migration, in the order they ran. */
    Map<String, MigrationEffects> effects() {
        return effects;
    }

    List<LockTaken> locks() {
        return locks;
    }

    List<Rewrite> rewrites() {
        return rewrites;
    }

    /** What non-transactional migrations of a real run did beyond their trial (they had committed). */
    List<String> divergences() {
        return divergences;
    }

    private void guard(MigrationEffects done) {
        if (expected == null) {
            return;
        }
        List<String> beyond = done.beyond(expected.get(done.migration()));
        if (beyond.isEmpty()) {
            return;
        }
        if (!done.transactional()) {
            divergences.add(done.migration() + ": " + String.join("; ", beyond));
            return;
        }
        throw new TrialDivergence(done.migration(), beyond);
    }

    private MigrationEffects compare(String script, boolean transactional, Map<Long, State> now) {
        Set<String> dropped = new TreeSet<>();
        Set<String> droppedColumns = new TreeSet<>();
        Set<String> rewritten = new TreeSet<>();
        Map<String, Long> deleted = new LinkedHashMap<>();
        Map<String, Long> updated = new LinkedHashMap<>();
        last.forEach((oid, previous) -> {
            Relations.Relation r = before.get(oid);
            State state = now.get(oid);
            if (state == null) {
                dropped.add(r.name());
                return;
            }
            previous.columns().stream().filter(c -> !state.columns().contains(c))
                    .forEach(c -> droppedColumns.add(r.name() + "." + r.columns().get(c)));
            if (state.fileNode() != 0 && state.fileNode() != previous.fileNode()) {
                rewritten.add(r.name());
                rewrites.add(new Rewrite(script, r.name(), r.estimate()));
            }
            if (state.deleted() > 0) {
                deleted.put(r.name(), state.deleted());
            }
            if (state.updated() > 0) {
                updated.put(r.name(), state.updated());
            }
        });
        return new MigrationEffects(script, transactional, List.copyOf(dropped), List.copyOf(droppedColumns),
                List.copyOf(rewritten), deleted, updated);
    }

    private Map<Long, State> state(Connection connection) throws SQLException {
        Map<Long, State> now = new HashMap<>();
        if (last.isEmpty()) {
            return now;
        }
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(STATE.formatted(oids))) {
            while (rs.next()) {
                Set<Integer> columns = new TreeSet<>();
                for (Object n : (Object[]) rs.getArray(5).getArray()) {
                    columns.add(((Number) n).intValue());
                }
                now.put(rs.getLong(1), new State(rs.getLong(2), rs.getLong(3), rs.getLong(4), columns));
            }
        }
        return now;
    }

    private void locks(String script, Connection connection, long heldMs) throws SQLException {
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(LOCKS)) {
            while (rs.next()) {
                Relations.Relation r = before.get(rs.getLong(1));
                if (r != null) {
                    locks.add(new LockTaken(script, r.name(), rs.getString(2), r.estimate(), heldMs));
                }
            }
        }
    }

    private static Map<Long, State> initial(Relations before) {
        Map<Long, State> state = new HashMap<>();
        before.byOid().forEach((oid, r) -> state.put(oid, new State(r.fileNode(), 0, 0,
                new TreeSet<>(r.columns().keySet()))));
        return state;
    }

    static String script(MigrationInfo migration) {
        return Path.of(migration.getScript()).getFileName().toString();
    }

    /** A real run's migration did what its trial did not: thrown before it commits, so Flyway rolls it back. */
    static final class TrialDivergence extends RuntimeException {

        private final String migration;
        private final List<String> beyond;

        TrialDivergence(String migration, List<String> beyond) {
            super("migration " + migration + " did on the branch what it did not do on the copy: "
                    + String.join("; ", beyond));
            this.migration = migration;
            this.beyond = List.copyOf(beyond);
        }

        String migration() {
            return migration;
        }

        List<String> beyond() {
            return beyond;
        }
    }
}
