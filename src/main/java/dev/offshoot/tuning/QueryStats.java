package dev.offshoot.tuning;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.offshoot.error.OffshootException;
import dev.offshoot.error.OffshootException.Kind;
import dev.offshoot.postgres.ReadOnlyTransactions;

/**
 * A branch's statements from pg_stat_statements (preloaded in every branch's server, created in
 * every template's database), read in a READ ONLY transaction by the role the caller's SQL runs
 * as: a writer's session is the branch owner's, a reader's the read-only role's. The server then
 * decides whose statement texts the caller sees, as it does for any role: its own role's (the
 * owner is the application's role), never the texts of other roles' statements, which come back
 * without text ({@code textHidden}). Statements of superusers (Offshoot's own maintenance) are
 * left out, and so, unless asked for, are statements that read the catalogs or Flyway's history
 * (Offshoot's and tools' inspection, which run as the owner too).
 */
final class QueryStats {

    static final int MAX_TEXT = 2000;
    private static final String HIDDEN = "<insufficient privilege>";
    private static final String INTERNAL = "(pg_catalog\\.|information_schema\\.|flyway_schema_history"
            + "|pg_stat_statements)";

    private QueryStats() {
    }

    /**
     * @param textHidden the statement is another role's: its text is not for this caller
     * @param hitRatio   shared buffer hits / (hits + reads), null before any block was read
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Entry(String queryId, String query, Boolean textHidden, String role, long calls, double totalMs,
            double meanMs, long rows, long sharedBlksHit, long sharedBlksRead, Double hitRatio) {
    }

    /** @param orderBy total or mean execution time */
    record Result(String branch, String orderBy, List<Entry> statements, String note) {
    }

    static List<Entry> read(Connection db, String orderBy, int limit, boolean includeInternal,
            Duration timeout) throws SQLException {
        ReadOnlyTransactions.begin(db, timeout);
        try {
            String view = view(db);
            String order = "mean".equals(orderBy) ? "s.mean_exec_time" : "s.total_exec_time";
            try (PreparedStatement st = db.prepareStatement("SELECT s.queryid::pg_catalog.text, s.query, r.rolname,"
                    + " s.calls, s.total_exec_time, s.mean_exec_time, s.rows, s.shared_blks_hit, s.shared_blks_read"
                    + " FROM " + view + " s JOIN pg_catalog.pg_roles r ON r.oid OPERATOR(pg_catalog.=) s.userid"
                    + " WHERE s.dbid OPERATOR(pg_catalog.=) (SELECT d.oid FROM pg_catalog.pg_database d"
                    + " WHERE d.datname OPERATOR(pg_catalog.=) pg_catalog.current_database())"
                    + " AND NOT r.rolsuper AND (? OR s.query OPERATOR(pg_catalog.!~*) ?)"
                    + " ORDER BY " + order + " DESC LIMIT ?")) {
                st.setBoolean(1, includeInternal);
                st.setString(2, INTERNAL);
                st.setInt(3, limit);
                return statements(st);
            }
        } catch (SQLException e) {
            if ("55000".equals(e.getSQLState())) {
                throw unavailable("the branch's server runs without pg_stat_statements loaded (it was started by a"
                        + " version of Offshoot before it was preloaded): reset_branch starts it with it (and discards"
                        + " the branch's changes), or create a new branch");
            }
            throw e;
        } finally {
            db.rollback();
        }
    }

    private static List<Entry> statements(PreparedStatement st) throws SQLException {
        List<Entry> out = new ArrayList<>();
        try (ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                String text = rs.getString(2);
                boolean hidden = text == null || HIDDEN.equals(text);
                long hit = rs.getLong(8);
                long read = rs.getLong(9);
                out.add(new Entry(rs.getString(1), hidden ? null : abbreviate(text), hidden ? true : null,
                        rs.getString(3), rs.getLong(4), PlanSummary.round(rs.getDouble(5)),
                        PlanSummary.round(rs.getDouble(6)), rs.getLong(7), hit, read,
                        hit + read == 0 ? null : PlanSummary.round((double) hit / (hit + read))));
            }
        }
        return out;
    }

    /** The view, schema-qualified, wherever the extension was created; QUERY_STATS_UNAVAILABLE without it. */
    private static String view(Connection db) throws SQLException {
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_catalog.quote_ident(n.nspname)"
                + " FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=)"
                + " e.extnamespace WHERE e.extname OPERATOR(pg_catalog.=) 'pg_stat_statements'")) {
            if (!rs.next()) {
                throw unavailable("the branch's database has no pg_stat_statements extension: its template revision"
                        + " was built by a version of Offshoot that did not create it. A new revision of the template"
                        + " (refresh it, or upload it again) has it; branch from that");
            }
            return rs.getString(1) + ".pg_stat_statements";
        }
    }

    private static String abbreviate(String text) {
        return text.length() > MAX_TEXT ? text.substring(0, MAX_TEXT) + "..." : text;
    }

    private static OffshootException unavailable(String detail) {
        return new OffshootException(Kind.UNPROCESSABLE, "QUERY_STATS_UNAVAILABLE", detail);
    }
}
