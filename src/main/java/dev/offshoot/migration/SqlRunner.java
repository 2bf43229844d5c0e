package dev.offshoot.migration;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

import dev.offshoot.branch.BranchAccess;
import dev.offshoot.error.OffshootException.Kind;
import dev.offshoot.error.OffshootException;
import dev.offshoot.postgres.ReadOnlyTransactions;

/**
 * Runs SQL for agents and the console. Writable runs use the branch's owner and may hold several
 * statements, all in one transaction: committed when every statement succeeds, rolled back entirely
 * on the first error. Read-only runs are guarded by the database, not by reading the text: they
 * connect as Offshoot's own read-only role (no write or create privilege anywhere, a password no
 * caller holds) inside a READ ONLY transaction that has already taken its snapshot, so {@code SET
 * transaction_read_only = off} is refused too, and they are rolled back. A read-only run is one
 * statement: the driver's own parser (the one that decides what it sends) counts the statements,
 * more than one is refused, and the one goes to the server as one prepared statement of the
 * extended query protocol, in which the server itself refuses a second command; so no text can end
 * the service's transaction and go on in another.
 */
final class SqlRunner {

    private static final Pattern TRANSACTION_CONTROL = Pattern.compile("^(BEGIN|START|COMMIT|END|ROLLBACK|ABORT"
            + "|SAVEPOINT|RELEASE|PREPARE TRANSACTION|COMMIT PREPARED|ROLLBACK PREPARED|SET SESSION CHARACTERISTICS"
            + "|SET TRANSACTION|RESET ALL|DISCARD)\\b", Pattern.CASE_INSENSITIVE);

    record Column(String name, String type) {
    }

    record Result(String statement, List<Column> columns, List<List<Object>> rows, Integer rowCount,
            boolean truncated, Long updateCount, long durationMs) {
    }

    record Run(boolean readOnly, List<Result> results, long durationMs) {
    }

    /**
     * Result rows kept per run, over all its statements, in bytes (besides the row limit): past it
     * the statement's result is cut and marked truncated, like at the row limit, so a few huge
     * values cannot make an answer of gigabytes. One more row than fits is still kept whole.
     */
    static final long MAX_RESULT_BYTES = 8L * 1024 * 1024;
    private static final int FETCH_SIZE = 500;

    /** SQLSTATE read_only_sql_transaction: the server refused a write in a READ ONLY transaction. */
    static final String READ_ONLY_SQL_TRANSACTION = "25006";

    private SqlRunner() {
    }

    /** Whether a run failed because the server refused a write in its READ ONLY transaction. */
    static boolean wroteInReadOnly(OffshootException failure) {
        return "SQL_ERROR".equals(failure.code()) && failure.properties().get("sqlError") instanceof Map<?, ?> error
                && READ_ONLY_SQL_TRANSACTION.equals(error.get("sqlState"));
    }

    static Run run(BranchAccess.Endpoint branch, String sql, int maxRows, Duration timeout, boolean readOnly) {
        return readOnly ? readOnly(branch, sql == null ? "" : sql.strip(), maxRows, timeout)
                : writable(branch, sql, maxRows, timeout);
    }

    private static Run writable(BranchAccess.Endpoint branch, String sql, int maxRows, Duration timeout) {
        List<String> statements = SqlStatements.split(sql == null ? "" : sql);
        if (statements.isEmpty()) {
            throw OffshootException.invalid("INVALID_SQL", "send at least one SQL statement in 'sql'");
        }
        for (String statement : statements) {
            if (TRANSACTION_CONTROL.matcher(SqlStatements.normalize(statement)).find()) {
                throw OffshootException.invalid("INVALID_SQL", "transaction control is not allowed: every run is one"
                        + " transaction (" + abbreviate(statement) + ")");
            }
        }
        long start = System.nanoTime();
        try (Connection db = branch.owner()) {
            db.setAutoCommit(false);
            try (Statement st = db.createStatement()) {
                st.execute("SET LOCAL statement_timeout = " + timeout.toMillis());
            }
            List<Result> results = new ArrayList<>();
            long[] bytesLeft = {MAX_RESULT_BYTES};
            for (int i = 0; i < statements.size(); i++) {
                results.add(execute(db, statements.get(i), i, maxRows, bytesLeft, true));
            }
            db.commit();
            return new Run(false, results, (System.nanoTime() - start) / 1_000_000);
        } catch (SQLException e) {
            throw failure(e, null, null);
        }
    }

    /**
     * One statement in a READ ONLY transaction of the read-only role, rolled back. The session is
     * the service's alone (a new one per run), so nothing a caller set before can change how the
     * driver reads the text.
     */
    private static Run readOnly(BranchAccess.Endpoint branch, String sql, int maxRows, Duration timeout) {
        long start = System.nanoTime();
        try (Connection db = branch.readOnly()) {
            ReadOnlyTransactions.requireOneStatement(db, sql);
            ReadOnlyTransactions.begin(db, timeout);
            Result result = execute(db, sql, 0, maxRows, new long[] {MAX_RESULT_BYTES}, false);
            db.rollback();
            return new Run(true, List.of(result), (System.nanoTime() - start) / 1_000_000);
        } catch (SQLException e) {
            throw failure(e, null, null);
        }
    }

    /** @param escapes whether the driver rewrites JDBC escapes ({fn ...}, {d ...}) in the text first */
    private static Result execute(Connection db, String statement, int index, int maxRows, long[] bytesLeft,
            boolean escapes) {
        long start = System.nanoTime();
        try (Statement st = db.createStatement()) {
            st.setMaxRows(maxRows + 1);
            // rows arrive in batches (a cursor: autocommit is off), so a big result is never held whole
            st.setFetchSize(FETCH_SIZE);
            st.setEscapeProcessing(escapes);
            if (!st.execute(statement)) {
                return new Result(statement, List.of(), List.of(), null, false, st.getLargeUpdateCount(),
                        (System.nanoTime() - start) / 1_000_000);
            }
            try (ResultSet rs = st.getResultSet()) {
                List<Column> columns = columns(rs.getMetaData());
                List<List<Object>> rows = new ArrayList<>();
                boolean truncated = false;
                while (rs.next()) {
                    if (rows.size() == maxRows || bytesLeft[0] <= 0) {
                        truncated = true;
                        break;
                    }
                    List<Object> row = row(rs, columns.size());
                    bytesLeft[0] -= size(row);
                    rows.add(row);
                }
                return new Result(statement, columns, rows, rows.size(), truncated, null,
                        (System.nanoTime() - start) / 1_000_000);
            }
        } catch (SQLException e) {
            throw failure(e, index, statement);
        }
    }

    /** About the bytes a row takes in the JSON answer: text by its length, other values 8. */
    private static long size(List<Object> row) {
        long bytes = 0;
        for (Object value : row) {
            bytes += value instanceof String text ? text.length() + 2 : 8;
        }
        return bytes;
    }

    private static List<Column> columns(ResultSetMetaData meta) throws SQLException {
        List<Column> columns = new ArrayList<>();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
            columns.add(new Column(meta.getColumnLabel(i), meta.getColumnTypeName(i)));
        }
        return columns;
    }

    /** Numbers and booleans stay JSON numbers and booleans; everything else is PostgreSQL's text form. */
    private static List<Object> row(ResultSet rs, int columns) throws SQLException {
        List<Object> row = new ArrayList<>(columns);
        for (int i = 1; i <= columns; i++) {
            Object value = rs.getObject(i);
            if (value == null || value instanceof Boolean || value instanceof Integer || value instanceof Long
                    || value instanceof Short || value instanceof BigDecimal) {
                row.add(value);
            } else if (value instanceof Double d && Double.isFinite(d) || value instanceof Float f && Float.isFinite(f)) {
                row.add(value);
            } else {
                row.add(rs.getString(i));
            }
        }
        return row;
    }

    private static OffshootException failure(SQLException e, Integer index, String statement) {
        if (branchGone(e.getSQLState())) {
            // not the caller's SQL: the branch went away under it (a reset, delete or restart ran)
            return new OffshootException(Kind.CONFLICT, "BRANCH_NOT_READY", "the branch stopped answering"
                    + " (SQLSTATE " + e.getSQLState() + "): it is being reset, deleted or restarted;"
                    + " nothing was committed", true);
        }
        ServerErrorMessage server = e instanceof PSQLException p ? p.getServerErrorMessage() : null;
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("statementIndex", index);
        error.put("statement", statement);
        error.put("sqlState", e.getSQLState());
        error.put("message", server != null ? server.getMessage() : e.getMessage());
        error.put("position", server == null || server.getPosition() == 0 ? null : server.getPosition());
        return new OffshootException(Kind.UNPROCESSABLE, "SQL_ERROR", (index == null ? "" : "statement "
                + (index + 1) + " failed: ") + error.get("message") + " (SQLSTATE " + e.getSQLState()
                + "); nothing was committed").with("sqlError", error);
    }

    /** Connection exceptions (class 08) and server shutdowns (57P01-57P03). */
    private static boolean branchGone(String sqlState) {
        return sqlState != null && (sqlState.startsWith("08") || sqlState.matches("57P0[123]"));
    }

    private static String abbreviate(String s) {
        String flat = SqlStatements.normalize(s);
        return flat.length() > 80 ? flat.substring(0, 80) + "..." : flat;
    }
}
