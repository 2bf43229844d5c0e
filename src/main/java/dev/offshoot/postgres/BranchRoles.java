package dev.offshoot.postgres;

import java.security.SecureRandom;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import org.postgresql.core.Utils;
import org.postgresql.util.PasswordUtil;

/**
 * The roles of a branch's Postgres and the SQL that sets them up: the superuser, the owner of the
 * database, and the readers: a group that holds read grants, Offshoot's own read-only role and one
 * reader role per token that was shown a branch's read-only connection, all members of the group.
 * Passwords are sent as SCRAM verifiers, so no plaintext reaches the server or its logs. Everything
 * here is fully schema-qualified and meant for a session whose search path is pinned to
 * {@code pg_catalog}.
 */
public final class BranchRoles {

    /**
     * Offshoot's own read-only role in every branch: the one its read-only SQL runs use. Its
     * password is never disclosed, so no reader can lock the service out by changing it.
     */
    public static final String READ_ONLY_ROLE = "offshoot_readonly";

    /**
     * The group that holds what readers may read (no login): the service's read-only role and every
     * token's reader role are its members, and nothing else is granted to them.
     */
    public static final String READERS_GROUP = "offshoot_readers";

    /** Names of the reader roles of tokens: this prefix and hex digits. */
    public static final String TOKEN_READER_PREFIX = "offshoot_ro_";

    /**
     * Large-object functions that create or change a large object: taken from PUBLIC, so a reader
     * stores nothing (the fast-path interface checks EXECUTE too), and given to the owner. Opening
     * an object for writing needs UPDATE on it, which no reader holds on any object.
     */
    static final List<String> LARGE_OBJECT_WRITERS = List.of("lo_creat(integer)", "lo_create(oid)",
            "lo_from_bytea(oid, bytea)", "lowrite(integer, bytea)", "lo_put(oid, bigint, bytea)",
            "lo_truncate(integer, integer)", "lo_truncate64(integer, bigint)", "lo_unlink(oid)");

    /** SCRAM rounds of a secret Offshoot generated; see {@link #randomSecretPassword}. */
    static final int RANDOM_SECRET_ROUNDS = 1;
    static final int MIN_RANDOM_SECRET_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private BranchRoles() {
    }

    /**
     * The readers of a branch, made sure of in a session on its database: {@link #readerRoles} and
     * {@link #readerGrants}. Idempotent; also upgrades data from before the group (whose read-only
     * role read everything through {@code pg_read_all_data}, {@code pg_authid} included).
     */
    public static List<String> readOnlyRole(String database, String owner) {
        List<String> sql = new ArrayList<>(readerRoles());
        sql.addAll(readerGrants(database, owner));
        return sql;
    }

    /**
     * The cluster-wide part of {@link #readOnlyRole} (runs in any database): the group, and the
     * service's read-only role as its member that logs in, starts every transaction read-only and
     * holds nothing of its own.
     */
    public static List<String> readerRoles() {
        String role = quote(READ_ONLY_ROLE);
        return List.of(createIfMissing(READERS_GROUP),
                "ALTER ROLE " + quote(READERS_GROUP) + " WITH NOLOGIN INHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE"
                        + " NOREPLICATION NOBYPASSRLS",
                createIfMissing(READ_ONLY_ROLE),
                "ALTER ROLE " + role + " WITH LOGIN INHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION"
                        + " NOBYPASSRLS",
                "REVOKE pg_read_all_data FROM " + role,
                "GRANT " + quote(READERS_GROUP) + " TO " + role,
                "ALTER ROLE " + role + " SET default_transaction_read_only = on");
    }

    /**
     * What readers may do in one database, run in a session on it: USAGE on its schemas and SELECT
     * on their tables, views and sequences, for what exists now and, through default privileges,
     * for what the owner (who runs migrations) creates later. Nobody but the owner creates:
     * neither objects in schemas (CREATE on them taken from PUBLIC), temporary tables (TEMPORARY
     * taken from PUBLIC) nor large objects ({@link #LARGE_OBJECT_WRITERS}).
     */
    public static List<String> readerGrants(String database, String owner) {
        String group = quote(READERS_GROUP);
        String ownerRole = quote(owner);
        List<String> sql = new ArrayList<>();
        sql.add("REVOKE TEMPORARY ON DATABASE " + quote(database) + " FROM PUBLIC");
        sql.add("DO $offshoot$ DECLARE s pg_catalog.text; BEGIN FOR s IN SELECT nspname FROM pg_catalog.pg_namespace"
                + " WHERE nspname OPERATOR(pg_catalog.!~) '^pg_' AND nspname OPERATOR(pg_catalog.<>)"
                + " 'information_schema' LOOP"
                + " EXECUTE pg_catalog.format('GRANT USAGE ON SCHEMA %I TO " + group + "', s);"
                + " EXECUTE pg_catalog.format('GRANT SELECT ON ALL TABLES IN SCHEMA %I TO " + group + "', s);"
                + " EXECUTE pg_catalog.format('GRANT SELECT ON ALL SEQUENCES IN SCHEMA %I TO " + group + "', s);"
                + " EXECUTE pg_catalog.format('REVOKE CREATE ON SCHEMA %I FROM PUBLIC', s);"
                + " END LOOP; END $offshoot$");
        sql.add("ALTER DEFAULT PRIVILEGES FOR ROLE " + ownerRole + " GRANT USAGE ON SCHEMAS TO " + group);
        sql.add("ALTER DEFAULT PRIVILEGES FOR ROLE " + ownerRole + " GRANT SELECT ON TABLES TO " + group);
        sql.add("ALTER DEFAULT PRIVILEGES FOR ROLE " + ownerRole + " GRANT SELECT ON SEQUENCES TO " + group);
        for (String function : LARGE_OBJECT_WRITERS) {
            sql.add("REVOKE EXECUTE ON FUNCTION pg_catalog." + function + " FROM PUBLIC");
            sql.add("GRANT EXECUTE ON FUNCTION pg_catalog." + function + " TO " + ownerRole);
        }
        return sql;
    }

    /**
     * Fails with SQLSTATE 42704 (undefined object) on data whose readers are not set up yet (data
     * from before the readers group): callers then run {@link #readOnlyRole} and try again.
     */
    public static String requireReaders() {
        return "DO $offshoot$ BEGIN IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname"
                + " OPERATOR(pg_catalog.=) " + literal(READERS_GROUP) + ") THEN RAISE EXCEPTION"
                + " 'the readers group is missing' USING ERRCODE = 'undefined_object'; END IF; END $offshoot$";
    }

    /**
     * Limits every token's reader role carries: as session defaults the server applies (a session
     * may lower or lift them for itself, which Offshoot's reader watch then enforces) and a cap on
     * its connections, which only a superuser can change.
     */
    public record ReaderLimits(long statementTimeoutMs, long idleInTransactionTimeoutMs, int connectionLimit) {
    }

    /**
     * A token's reader role made sure of and given its password (a one-round verifier): a member of
     * {@link #READERS_GROUP} with nothing of its own. Needs the group ({@link #requireReaders}).
     */
    public static List<String> tokenReader(String role, String secret, ReaderLimits limits) {
        if (!isTokenReader(role)) {
            throw new IllegalArgumentException("not a token reader's role name");
        }
        String quoted = quote(role);
        return List.of(createIfMissing(role),
                "ALTER ROLE " + quoted + " WITH LOGIN INHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION"
                        + " NOBYPASSRLS CONNECTION LIMIT " + limits.connectionLimit(),
                "GRANT " + quote(READERS_GROUP) + " TO " + quoted,
                "ALTER ROLE " + quoted + " SET default_transaction_read_only = on",
                "ALTER ROLE " + quoted + " SET statement_timeout = " + limits.statementTimeoutMs(),
                "ALTER ROLE " + quoted + " SET idle_in_transaction_session_timeout = "
                        + limits.idleInTransactionTimeoutMs(),
                randomSecretPassword(role, secret));
    }

    /**
     * Takes the password of every token's reader role in the data: a copy (a fork, a reset to a
     * snapshot, a throwaway) keeps its source's roles, names and memberships as they were, but no
     * password that anybody holds for the source logs in to it. Roles this branch discloses get
     * theirs back right after ({@link #tokenReader}).
     */
    public static String lockOutTokenReaders() {
        return "DO $offshoot$ DECLARE r pg_catalog.text; BEGIN FOR r IN SELECT m.rolname"
                + " FROM pg_catalog.pg_auth_members a"
                + " JOIN pg_catalog.pg_roles m ON m.oid OPERATOR(pg_catalog.=) a.member"
                + " JOIN pg_catalog.pg_roles g ON g.oid OPERATOR(pg_catalog.=) a.roleid"
                + " WHERE g.rolname OPERATOR(pg_catalog.=) " + literal(READERS_GROUP)
                + " AND m.rolname OPERATOR(pg_catalog.<>) " + literal(READ_ONLY_ROLE) + " LOOP"
                + " EXECUTE pg_catalog.format('ALTER ROLE %I PASSWORD NULL', r); END LOOP; END $offshoot$";
    }

    /** Whether a name is one of a token's reader roles (and nothing a user could have chosen). */
    public static boolean isTokenReader(String role) {
        return role.startsWith(TOKEN_READER_PREFIX)
                && role.substring(TOKEN_READER_PREFIX.length()).matches("[0-9a-f]{16}");
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
     * of that many rounds in the client) and every {@code ALTER ROLE} that sets them (the server
     * tries the verifier against an empty password). libpq and pgjdbc take any count from 1; RFC
     * 7677 only recommends 4096.
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

    private static String createIfMissing(String role) {
        return "DO $offshoot$ BEGIN IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname"
                + " OPERATOR(pg_catalog.=) " + literal(role) + ") THEN CREATE ROLE " + quote(role)
                + "; END IF; END $offshoot$";
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
