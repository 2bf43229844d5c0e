package dev.offshoot.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import org.postgresql.core.BaseConnection;
import org.postgresql.core.Query;
import org.postgresql.jdbc.PreferQueryMode;

import dev.offshoot.error.OffshootException;

/**
 * Read-only runs guarded by the server, not by reading the text: a READ ONLY transaction that has
 * already taken its snapshot (so {@code SET transaction_read_only = off} is refused too), holding
 * one statement that goes to the server as one prepared statement of the extended query protocol,
 * in which the server itself refuses a second command. The caller opens the session (a new one per
 * run, so nothing set before can change how the driver reads the text) and rolls back.
 */
public final class ReadOnlyTransactions {

    private ReadOnlyTransactions() {
    }

    /** Starts the READ ONLY transaction with its statement timeout and takes its snapshot. */
    public static void begin(Connection db, Duration timeout) throws SQLException {
        db.setAutoCommit(false);
        db.setReadOnly(true);
        try (Statement st = db.createStatement()) {
            st.execute("SET LOCAL statement_timeout = " + timeout.toMillis());
            // a READ ONLY transaction can be switched to read-write until its first snapshot
            st.execute("SET TRANSACTION READ ONLY");
            st.execute("SELECT 1");
        }
    }

    /**
     * Counts the statements of a text with the driver's parser, the same one that cuts the text
     * into the prepared statements it sends (one per statement, over the extended protocol:
     * preferQueryMode is never simple here); INVALID_SQL unless there is exactly one.
     */
    public static void requireOneStatement(Connection db, String sql) throws SQLException {
        if (db.unwrap(BaseConnection.class).getPreferQueryMode() == PreferQueryMode.SIMPLE) {
            throw new IllegalStateException("read-only runs need the extended query protocol");
        }
        Query query = db.unwrap(BaseConnection.class).getQueryExecutor().createQuery(sql, false, false).query;
        if (query.isEmpty()) {
            throw OffshootException.invalid("INVALID_SQL", "send one SQL statement in 'sql'");
        }
        Query[] statements = query.getSubqueries();
        if (statements != null && statements.length > 1) {
            throw OffshootException.invalid("INVALID_SQL", "a read-only run takes one statement per request ("
                    + statements.length + " sent): send them one by one; a read-only run is never more than one"
                    + " statement in a transaction of its own");
        }
    }
}
