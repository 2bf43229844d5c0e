package dev.offshoot.tuning;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Locale;

import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.offshoot.auth.CurrentPrincipal;
import dev.offshoot.auth.Scope;
import dev.offshoot.branch.BranchAccess;
import dev.offshoot.config.TuningProperties;
import dev.offshoot.error.OffshootException;
import dev.offshoot.error.OffshootException.Kind;
import dev.offshoot.postgres.ReadOnlyTransactions;

/**
 * EXPLAIN and pg_stat_statements on a branch, as the caller's SQL would run there: a writer as the
 * branch's owner, a reader as the read-only role. A plain EXPLAIN plans the statement on the branch
 * itself in a READ ONLY transaction, one statement, so nothing runs. EXPLAIN ANALYZE executes the
 * statement, so it runs on a throwaway copy of the branch (a reader's copy counts against its
 * throwaway limits), with a time limit, in a transaction that is rolled back; the copy is removed
 * after the answer.
 */
@Service
class Explains {

    private final BranchAccess branches;
    private final TuningProperties properties;
    private final JsonMapper json;

    Explains(BranchAccess branches, TuningProperties properties, JsonMapper json) {
        this.branches = branches;
        this.properties = properties;
        this.json = json;
    }

    /**
     * @param ranOn   "branch", or "copy" for EXPLAIN ANALYZE
     * @param summary what a model reads; {@code plan} is PostgreSQL's JSON plan itself
     */
    record Explained(String branch, boolean analyze, String ranOn, PlanSummary summary, JsonNode plan) {
    }

    Explained explain(String branch, String sql, boolean analyze, String timeout) {
        String statement = Candidate.statement(sql);
        Duration limit = Durations.timeout(timeout, properties);
        if (!analyze) {
            BranchAccess.Endpoint endpoint = branches.endpoint(branch);
            return explained(branch, false, "branch", plan(endpoint, "EXPLAIN (FORMAT JSON, BUFFERS, SETTINGS) "
                    + statement, limit, true));
        }
        BranchAccess.Endpoint source = branches.endpoint(branch);
        String copy = branches.throwawayOfBranch(source.branch(), "explain");
        try {
            // a reader reads the copy as it reads the branch; a writer runs as the owner, as a check does
            return explained(branch, true, "copy", plan(branches.endpoint(copy),
                    "EXPLAIN (ANALYZE, BUFFERS, SETTINGS, FORMAT JSON) " + statement, limit, !writer()));
        } finally {
            branches.deleteThrowawayLater(copy);
        }
    }

    QueryStats.Result slowQueries(String branch, Integer limit, String orderBy, boolean includeInternal) {
        int rows = limit == null ? 10 : limit;
        if (rows < 1 || rows > 100) {
            throw OffshootException.invalid("INVALID_LIMIT", "limit must be between 1 and 100");
        }
        String order = orderBy == null ? "total" : orderBy.toLowerCase(Locale.ROOT);
        if (!order.equals("total") && !order.equals("mean")) {
            throw OffshootException.invalid("INVALID_ARGUMENT", "order_by must be total or mean");
        }
        BranchAccess.Endpoint endpoint = branches.endpoint(branch);
        try (Connection db = session(endpoint)) {
            return new QueryStats.Result(branch, order, QueryStats.read(db, order, rows, includeInternal,
                    properties.statementTimeout()), writer() ? null : "a read token reads as the branch's read-only"
                    + " role: the texts of other roles' statements (the application's) are not shown");
        } catch (SQLException e) {
            throw unreachable(branch, e);
        }
    }

    private Explained explained(String branch, boolean analyze, String ranOn, JsonNode plan) {
        return new Explained(branch, analyze, ranOn, PlanSummary.of(plan), plan);
    }

    /** @param readOnly in a READ ONLY transaction (else in one that is rolled back) */
    private JsonNode plan(BranchAccess.Endpoint endpoint, String explain, Duration limit, boolean readOnly) {
        try (Connection db = readOnly ? session(endpoint) : endpoint.owner()) {
            ReadOnlyTransactions.requireOneStatement(db, explain);
            if (readOnly) {
                ReadOnlyTransactions.begin(db, limit);
            } else {
                db.setAutoCommit(false);
                try (Statement st = db.createStatement()) {
                    st.execute("SET LOCAL statement_timeout = " + limit.toMillis());
                }
            }
            try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery(explain)) {
                rs.next();
                return json.readTree(rs.getString(1));
            } finally {
                db.rollback();
            }
        } catch (SQLException e) {
            if (e.getSQLState() != null && (e.getSQLState().startsWith("08") || e.getSQLState().startsWith("57P"))) {
                throw unreachable(endpoint.branch(), e);
            }
            throw new OffshootException(Kind.UNPROCESSABLE, "SQL_ERROR", "EXPLAIN failed: " + Trial.failure(e));
        }
    }

    /** The caller's own kind of session on the branch: the owner's for a writer, the read-only role's for a reader. */
    private static Connection session(BranchAccess.Endpoint endpoint) throws SQLException {
        return writer() ? endpoint.owner() : endpoint.readOnly();
    }

    private static boolean writer() {
        return CurrentPrincipal.get().has(Scope.WRITE);
    }

    static OffshootException unreachable(String branch, SQLException e) {
        return new OffshootException(Kind.UNAVAILABLE, "BRANCH_UNREACHABLE", "branch '" + branch
                + "' did not answer: " + e.getMessage(), true);
    }
}
