package dev.offshoot.migration;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

import org.flywaydb.core.api.MigrationInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.offshoot.branch.BranchAccess;

/**
 * Watches what each migration of a check does to relations that existed before: the locks it
 * takes and the tables it rewrites. Locks come from two sources. A sampler on its own connection
 * reads pg_locks every poll interval and dates each lock's first sighting. At the end of each
 * migration, still inside its transaction, the migration's own locks are read: a transactional
 * migration holds every lock it took until commit, so that list is complete even for locks too
 * brief for the sampler. A rewrite shows as a new relfilenode once the migration has committed.
 */
final class LockWatch implements FlywayRunner.Observer, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LockWatch.class);
    private static final String PREEXISTING = "SELECT c.oid, n.nspname || '.' || c.relname, CASE WHEN c.reltuples >= 0"
            + " THEN c.reltuples::bigint ELSE coalesce(s.n_live_tup, 0) END, c.relfilenode FROM pg_catalog.pg_class c"
            + " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
            + " LEFT JOIN pg_catalog.pg_stat_all_tables s ON s.relid = c.oid"
            + " WHERE c.relkind IN ('r', 'p', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')"
            + " AND c.relname <> '" + SchemaDiff.HISTORY_TABLE + "'";
    /** Also runs on the migration's own session (the user's search path): every name is qualified. */
    private static final String LOCKS = "SELECT relation, mode FROM pg_catalog.pg_locks"
            + " WHERE locktype OPERATOR(pg_catalog.=) 'relation' AND granted"
            + " AND database OPERATOR(pg_catalog.=) (SELECT oid FROM pg_catalog.pg_database"
            + " WHERE datname OPERATOR(pg_catalog.=) pg_catalog.current_database())";

    record Relation(String name, long rowEstimate) {
    }

    record LockTaken(String migration, String relation, String mode, long rowEstimate, long heldMs, boolean sampled) {
    }

    record Rewrite(String migration, String table, long rowEstimate) {
    }

    private record Key(String migration, long oid, String mode) {
    }

    private final Connection sampler;
    private final Connection catalog;
    private final Duration interval;
    private final Map<Long, Relation> relations = new HashMap<>();
    private final Map<Key, Long> firstSeen = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<Key, Long> lastSeen = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<Key, Boolean> heldAtEnd = new LinkedHashMap<>();
    private final Map<String, long[]> spans = new LinkedHashMap<>();
    private final List<String> order = new ArrayList<>();
    private final List<Map<Long, Long>> fileNodes = new ArrayList<>();
    private volatile String current;
    private volatile boolean stopped;
    private final Thread thread;

    LockWatch(BranchAccess.Endpoint branch, Duration interval) throws SQLException {
        // the owner sees every row of pg_locks and pg_class it needs: no superuser session here
        this.sampler = branch.inspector();
        this.catalog = branch.inspector();
        this.interval = interval;
        SchemaInspector.query(catalog, PREEXISTING, rs -> relations.put(rs.getLong(1),
                new Relation(rs.getString(2), rs.getLong(3))));
        this.thread = Thread.ofPlatform().daemon().name("offshoot-lock-watch").start(this::sample);
    }

    @Override
    public void before(MigrationInfo migration, Connection connection) {
        String script = script(migration);
        fileNodes.add(fileNodes());
        order.add(script);
        spans.put(script, new long[] {System.nanoTime(), 0});
        current = script;
    }

    @Override
    public void after(MigrationInfo migration, Connection connection) {
        String script = script(migration);
        spans.get(script)[1] = System.nanoTime();
        current = null;
        try {
            SchemaInspector.query(connection, LOCKS + " AND pid OPERATOR(pg_catalog.=) pg_catalog.pg_backend_pid()", rs -> {
                if (relations.containsKey(rs.getLong(1))) {
                    heldAtEnd.put(new Key(script, rs.getLong(1), rs.getString(2)), true);
                }
            });
        } catch (SQLException e) {
            log.warn("reading the locks of migration {} failed: {}", script, e.getMessage());
        }
    }

    /** Stops sampling and returns what was seen; call after the migrations are done. */
    List<LockTaken> locks() {
        stop();
        Map<Key, Boolean> keys = new LinkedHashMap<>(heldAtEnd);
        firstSeen.keySet().forEach(k -> keys.putIfAbsent(k, false));
        List<LockTaken> out = new ArrayList<>();
        keys.forEach((key, held) -> {
            long[] span = spans.get(key.migration());
            long start = firstSeen.getOrDefault(key, span[0]);
            long end = held ? span[1] : lastSeen.getOrDefault(key, start) + interval.toNanos();
            Relation relation = relations.get(key.oid());
            out.add(new LockTaken(key.migration(), relation.name(), key.mode(), relation.rowEstimate(),
                    Math.max(0, (end - start) / 1_000_000), firstSeen.containsKey(key)));
        });
        return out;
    }

    /** Tables whose data files were replaced by a migration: rewritten. */
    List<Rewrite> rewrites() {
        stop();
        List<Map<Long, Long>> snapshots = new ArrayList<>(fileNodes);
        snapshots.add(fileNodes());
        List<Rewrite> out = new ArrayList<>();
        for (int i = 0; i < order.size(); i++) {
            Map<Long, Long> next = snapshots.get(i + 1);
            int index = i;
            snapshots.get(i).forEach((oid, node) -> {
                Long after = next.get(oid);
                if (after != null && !after.equals(node) && after != 0) {
                    Relation r = relations.get(oid);
                    out.add(new Rewrite(order.get(index), r.name(), r.rowEstimate()));
                }
            });
        }
        return out;
    }

    private Map<Long, Long> fileNodes() {
        Map<Long, Long> nodes = new HashMap<>();
        try {
            SchemaInspector.query(catalog, "SELECT oid, relfilenode FROM pg_catalog.pg_class WHERE oid = ANY (?)".replace("?",
                    "'{" + String.join(",", relations.keySet().stream().map(String::valueOf).toList()) + "}'::oid[]"),
                    rs -> nodes.put(rs.getLong(1), rs.getLong(2)));
        } catch (SQLException e) {
            log.warn("reading relfilenodes failed: {}", e.getMessage());
        }
        return nodes;
    }

    private void sample() {
        while (!stopped) {
            String migration = current;
            if (migration != null) {
                long now = System.nanoTime();
                try {
                    SchemaInspector.query(sampler, LOCKS + " AND pid <> pg_catalog.pg_backend_pid()", rs -> {
                        if (relations.containsKey(rs.getLong(1))) {
                            Key key = new Key(migration, rs.getLong(1), rs.getString(2));
                            firstSeen.putIfAbsent(key, now);
                            lastSeen.put(key, now);
                        }
                    });
                } catch (SQLException e) {
                    if (!stopped) {
                        log.warn("sampling pg_locks failed: {}", e.getMessage());
                    }
                }
            }
            LockSupport.parkNanos(interval.toNanos());
        }
    }

    private void stop() {
        stopped = true;
        try {
            thread.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String script(MigrationInfo migration) {
        return Path.of(migration.getScript()).getFileName().toString();
    }

    @Override
    public void close() {
        stop();
        closeQuietly(sampler);
        closeQuietly(catalog);
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException e) {
            // nothing left to do with a connection to a throwaway branch
        }
    }
}
