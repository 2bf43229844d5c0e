package dev.offshoot.postgres;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import org.postgresql.core.Utils;
import org.postgresql.util.PasswordUtil;

/**
 * The roles of a branch's Postgres and the SQL that sets them up: the superuser, the owner of the
 * database, and a read-only role. Passwords are sent as SCRAM verifiers, so no plaintext reaches
 * the server or its logs. Everything here is fully schema-qualified and meant for a session whose
 * search path is pinned to {@code pg_catalog}.
 */
public final class BranchRoles {

    /** The read-only role of every branch: reads everything, writes and creates nothing. */
    public static final String READ_ONLY_ROLE = "offshoot_readonly";

    private BranchRoles() {
    }

    /**
     * Creates the read-only role when it is missing (templates built before it existed) and makes
     * sure of what it may do: log in, read all data through {@code pg_read_all_data}, start every
     * transaction read-only, and create nothing (no temporary tables either: TEMP on the database
     * is taken from PUBLIC, which only the read-only role relied on; the owner keeps its own).
     */
    public static List<String> readOnlyRole(String database) {
        String role = quote(READ_ONLY_ROLE);
        List<String> sql = new ArrayList<>();
        sql.add("DO $offshoot$ BEGIN IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname"
                + " OPERATOR(pg_catalog.=) " + literal(READ_ONLY_ROLE) + ") THEN CREATE ROLE " + role
                + "; END IF; END $offshoot$");
        sql.add("ALTER ROLE " + role + " WITH LOGIN INHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION"
                + " NOBYPASSRLS");
        sql.add("GRANT pg_read_all_data TO " + role);
        sql.add("ALTER ROLE " + role + " SET default_transaction_read_only = on");
        sql.add("REVOKE TEMPORARY ON DATABASE " + quote(database) + " FROM PUBLIC");
        return sql;
    }

    /** Sets a role's password as a SCRAM verifier. */
    public static String password(String role, String password) {
        try {
            return PasswordUtil.genAlterUserPasswordSQL(role, password.toCharArray(), "scram-sha-256");
        } catch (SQLException e) {
            throw new IllegalStateException("could not compute a SCRAM verifier", e);
        }
    }

    /** Leaves a role without any password: nobody can log in as it over the network. */
    public static String noPassword(String role) {
        return "ALTER ROLE " + quote(role) + " PASSWORD NULL";
    }

    public static String quote(String identifier) {
        try {
            return Utils.escapeIdentifier(null, identifier).toString();
        } catch (SQLException e) {
            throw new IllegalArgumentException("invalid identifier", e);
        }
    }

    private static String literal(String value) {
        try {
            return "'" + Utils.escapeLiteral(null, value, true) + "'";
        } catch (SQLException e) {
            throw new IllegalArgumentException("invalid literal", e);
        }
    }
}
