package dev.offshoot.postgres;

import java.security.SecureRandom;
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

    /** SCRAM rounds of a secret Offshoot generated; see {@link #randomSecretPassword}. */
    static final int RANDOM_SECRET_ROUNDS = 1;
    static final int MIN_RANDOM_SECRET_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

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

    /**
     * Sets a role's password to a secret Offshoot generated (a branch's passwords, a revision's
     * bootstrap secret) as a SCRAM verifier of {@value #RANDOM_SECRET_ROUNDS} round. The 4096
     * rounds of {@link #password} slow down guessing a human's password from a stolen verifier;
     * these secrets are {@value #MIN_RANDOM_SECRET_BITS} or more random bits, which no count of
     * rounds makes easier or harder to guess, while the rounds cost every login to them (a PBKDF2
     * of 4096 rounds is about 12 ms of client CPU here) and every {@code ALTER ROLE} that sets them
     * (the server tries the verifier against an empty password: about 4 ms). libpq and pgjdbc take
     * any count from 1; RFC 7677 only recommends 4096.
     */
    public static String randomSecretPassword(String role, String secret) {
        if (secret.length() * 4 < MIN_RANDOM_SECRET_BITS
                || !secret.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            throw new IllegalArgumentException("a generated secret is " + MIN_RANDOM_SECRET_BITS
                    + " or more random bits in hex");
        }
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        String verifier = PasswordUtil.encodeScramSha256(secret.toCharArray(), RANDOM_SECRET_ROUNDS, salt);
        return "ALTER USER " + quote(role) + " PASSWORD " + literal(verifier);
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
