package dev.offshoot.postgres;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * The one place that opens Offshoot's own connections to a branch (or a template build). Sessions
 * that read catalogs or act as the superuser pin {@code search_path} to {@code pg_catalog} at
 * connect time (the JDBC {@code options} property), so functions and operators users create in
 * {@code public} can never be what an unqualified name in Offshoot's SQL resolves to
 * (CVE-2018-1058). Users' own SQL runs on an unpinned session, so their search path still applies.
 */
public final class PostgresConnections {

    /** The superuser every Postgres image initialises. */
    public static final String SUPERUSER = "postgres";

    /** Marks Offshoot's own sessions, so activity probes can leave them out. */
    public static final String APPLICATION_NAME = "offshoot";

    static final String PINNED_OPTIONS = "-c search_path=pg_catalog";

    private PostgresConnections() {
    }

    /** A superuser session with a pinned search path; use only for what needs a superuser. */
    public static Connection superuser(String jdbcUrl, String password) throws SQLException {
        return DriverManager.getConnection(jdbcUrl, pinned(SUPERUSER, password));
    }

    /** A session of a non-superuser role for Offshoot's own catalog reads, with a pinned search path. */
    public static Connection inspector(String jdbcUrl, String user, String password) throws SQLException {
        return DriverManager.getConnection(jdbcUrl, pinned(user, password));
    }

    /** A plain session for running users' SQL and migrations under their own search path. */
    public static Connection user(String jdbcUrl, String user, String password) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", password);
        return DriverManager.getConnection(jdbcUrl, props);
    }

    /** Connection properties of a pinned Offshoot session (for callers that connect themselves). */
    public static Properties pinned(String user, String password) {
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", password);
        props.setProperty("options", PINNED_OPTIONS);
        props.setProperty("connectTimeout", "5");
        props.setProperty("ApplicationName", APPLICATION_NAME);
        return props;
    }
}
