package dev.offshoot.tuning;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.offshoot.postgres.ReadOnlyTransactions;

/**
 * Measures a statement on a throwaway copy as its owner, as it is and after each candidate, one
 * transaction per variant that is rolled back at its end: the candidate (an index build, ANALYZE,
 * SET LOCAL) and every run of the statement happen inside it, each run inside a savepoint rolled
 * back after it (so a data change measures the same rows every time). A rollback is what makes
 * candidates independent without a new copy each (which costs a container start). What a rollback
 * does not undo: sequence values taken, and the row counts ANALYZE writes in place into pg_class.
 * Every run is one EXPLAIN ANALYZE: the first, with per-node timings, warms the caches and gives the
 * plan; the measured ones run without per-node timing, whose clock reads would weigh on short plans.
 */
final class Trial implements AutoCloseable {

    private static final String DETAIL = "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ";
    private static final String TIMED = "EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) ";

    private final Connection db;
    private final JsonMapper json;
    private final Duration runTimeout;
    private final Instant deadline;

    private Trial(Connection db, JsonMapper json, Duration runTimeout, Instant deadline) {
        this.db = db;
        this.json = json;
        this.runTimeout = runTimeout;
        this.deadline = deadline;
    }

    /** @param owner a session of the copy's owner, which the trial closes */
    static Trial open(Connection owner, JsonMapper json, Duration runTimeout, Instant deadline) throws SQLException {
        owner.setAutoCommit(false);
        return new Trial(owner, json, runTimeout, deadline);
    }

    /** The statement as it is; its failure is the caller's to report (nothing can be compared). */
    Measurement baseline(String statement, int runs) throws SQLException {
        ReadOnlyTransactions.requireOneStatement(db, TIMED + statement);
        try {
            Runs measured = runs(statement, runs);
            return Measurement.of(0, "as it is", statement, measured.ms, measured.summary, null, null);
        } finally {
            db.rollback();
        }
    }

    /** The statement after one candidate (a rewrite is measured instead of it); a failure is reported in it. */
    Measurement candidate(Candidate candidate, String statement, int runs) {
        String kind = candidate.kind().name().toLowerCase(java.util.Locale.ROOT);
        if (!Instant.now().isBefore(deadline)) {
            return Measurement.failed(candidate.number(), kind, candidate.sql(), "not measured: the tuning's time"
                    + " limit ran out before it (offshoot.tuning.max-duration)");
        }
        try {
            limit(remaining());
            Set<Long> before = indexes();
            long start = System.nanoTime();
            try (Statement st = db.createStatement()) {
                st.execute(candidate.trialSql());
            }
            long buildMs = (System.nanoTime() - start) / 1_000_000;
            Long indexBytes = candidate.kind() == Candidate.Kind.INDEX ? newIndexBytes(before) : null;
            String measured = candidate.kind() == Candidate.Kind.REWRITE ? candidate.sql() : statement;
            if (candidate.kind() == Candidate.Kind.REWRITE) {
                ReadOnlyTransactions.requireOneStatement(db, TIMED + measured);
            }
            Runs result = runs(measured, runs);
            return Measurement.of(candidate.number(), kind, candidate.sql(), result.ms, result.summary, indexBytes,
                    candidate.kind() == Candidate.Kind.REWRITE ? null : buildMs);
        } catch (SQLException e) {
            return Measurement.failed(candidate.number(), kind, candidate.sql(), failure(e));
        } catch (RuntimeException e) {
            return Measurement.failed(candidate.number(), kind, candidate.sql(), e.getMessage());
        } finally {
            rollbackQuietly();
        }
    }

    private record Runs(List<Double> ms, PlanSummary summary) {
    }

    private Runs runs(String statement, int runs) throws SQLException {
        limitRun();
        PlanSummary summary = PlanSummary.of(explain(DETAIL + statement));
        List<Double> ms = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            limitRun();
            JsonNode top = explain(TIMED + statement).get(0);
            ms.add(PlanSummary.round(top.path("Planning Time").asDouble() + top.path("Execution Time").asDouble()));
        }
        return new Runs(ms, summary);
    }

    /** One EXPLAIN ANALYZE inside a savepoint rolled back after it. */
    private JsonNode explain(String sql) throws SQLException {
        Savepoint run = db.setSavepoint();
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return json.readTree(rs.getString(1));
        } finally {
            db.rollback(run);
        }
    }

    /** A run may take its own limit, or what is left of the tuning's if that is less. */
    private void limitRun() throws SQLException {
        limit(runTimeout.compareTo(remaining()) < 0 ? runTimeout : remaining());
    }

    private void limit(Duration timeout) throws SQLException {
        try (Statement st = db.createStatement()) {
            st.execute("SET LOCAL statement_timeout = " + Math.max(1, timeout.toMillis()));
        }
    }

    private Duration remaining() {
        Duration left = Duration.between(Instant.now(), deadline);
        return left.isNegative() ? Duration.ofMillis(1) : left;
    }

    private Set<Long> indexes() throws SQLException {
        Set<Long> oids = new HashSet<>();
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT c.oid::pg_catalog.int8 FROM pg_catalog.pg_class c WHERE c.relkind OPERATOR(pg_catalog.=)"
                        + " ANY (ARRAY['i', 'I']::pg_catalog.\"char\"[])")) {
            while (rs.next()) {
                oids.add(rs.getLong(1));
            }
        }
        return oids;
    }

    private long newIndexBytes(Set<Long> before) throws SQLException {
        long bytes = 0;
        for (long oid : indexes()) {
            if (!before.contains(oid)) {
                try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery(
                        "SELECT pg_catalog.pg_relation_size(" + oid + "::pg_catalog.oid)")) {
                    rs.next();
                    bytes += rs.getLong(1);
                }
            }
        }
        return bytes;
    }

    static String failure(SQLException e) {
        String hint = "42P02".equals(e.getSQLState()) ? " (put literal values in place of $1, $2, ...)" : "";
        if ("57014".equals(e.getSQLState())) {
            hint = " (the run's time limit, or the tuning's, ran out: ask for a longer timeout or fewer runs)";
        }
        return "SQLSTATE " + e.getSQLState() + ": " + e.getMessage() + hint;
    }

    private void rollbackQuietly() {
        try {
            db.rollback();
        } catch (SQLException ignored) {
            // the session is closed with the trial
        }
    }

    @Override
    public void close() throws SQLException {
        db.close();
    }
}
