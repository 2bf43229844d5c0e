package dev.offshoot.provision;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.offshoot.config.RuntimeProperties;
import dev.offshoot.postgres.LogSecrets;
import dev.offshoot.postgres.PostgresConnections;
import dev.offshoot.runtime.ContainerFailedException;
import dev.offshoot.runtime.ContainerRuntime.ExecResult;
import dev.offshoot.runtime.ContainerRuntime;
import dev.offshoot.runtime.PostgresReadiness;

/**
 * Gives a started instance its owner's credentials ({@link Credentials}). The fast way in is TCP
 * as the superuser with the password its data was sealed with, which only Offshoot knows: a
 * template revision's bootstrap secret, or for a fork the source's own superuser password. Data
 * sealed without one is entered through psql on the container's local socket as the OS user
 * {@code postgres} (peer authentication; local trust in older images): that SQL, verifiers only,
 * travels in the environment of one exec (a shell builtin pipes it into psql), never in process
 * arguments, files or the container's configuration. The template-wide superuser password of
 * data from before per-branch secrets is the last way in.
 */
final class CredentialSetter {

    private static final String SQL_VARIABLE = "OFFSHOOT_CREDENTIALS_SQL";
    private static final Duration FAST_POLL = Duration.ofMillis(10);
    private static final String UNDEFINED_OBJECT = "42704";

    private final ContainerRuntime runtime;
    private final RuntimeProperties properties;

    CredentialSetter(ContainerRuntime runtime, RuntimeProperties properties) {
        this.runtime = runtime;
        this.properties = properties;
    }

    /**
     * Sets the credentials of an instance that is still starting and returns once it takes a login
     * with them: readiness and credentials are one step. Throws {@link ContainerFailedException}
     * when no way in worked or the server died.
     */
    void applyWhileStarting(String handle, String jdbcUrl, Credentials credentials) {
        try {
            boolean set = credentials.sealedPassword() != null
                    && applyWithSealedPassword(handle, jdbcUrl, credentials);
            List<String> sql = set ? credentials.statements() : credentials.withSetup();
            if (!set && !applyOnceUp(handle, sql)) {
                PostgresReadiness.awaitAnswering(runtime, handle, jdbcUrl, PostgresConnections.SUPERUSER,
                        credentials.superuserPassword(), properties.readyTimeout())
                        .ifPresent(CredentialSetter::closeQuietly);
                apply(handle, jdbcUrl, sql, credentials.legacyPassword());
                // the answer promises an instance that takes its new credentials over TCP
                try (Connection admin = PostgresReadiness.connect(runtime, handle, jdbcUrl,
                        PostgresConnections.SUPERUSER, credentials.superuserPassword(), properties.readyTimeout())) {
                    admin.isValid(1);
                }
            }
        } catch (SQLException e) {
            throw new ContainerFailedException("the branch refused its new credentials: " + e.getMessage(), "", e);
        }
    }

    /** Sets the credentials of a running instance (its roles made sure of first); throws when no way in worked. */
    void applyRunning(String handle, String jdbcUrl, Credentials credentials) {
        apply(handle, jdbcUrl, credentials.withSetup(), credentials.legacyPassword());
    }

    /**
     * In one exec that waits (10 ms polls of {@code pg_isready} on the local socket) until the server
     * accepts connections, then runs the SQL: one exec instead of a TCP poll and an exec. False when
     * that did not work (no local way in, a container that died, a timeout).
     */
    private boolean applyOnceUp(String handle, List<String> sql) {
        long polls = Math.max(1, properties.readyTimeout().toMillis() / 10);
        return run(handle, "i=0; until pg_isready -q; do i=$((i+1)); [ $i -ge " + polls
                + " ] && exit 90; sleep 0.01; done; ", sql).succeeded();
    }

    /**
     * Over TCP with the sealed password as soon as the starting server takes a login (polled every
     * 10 ms). False when the server refused that password. Should the statements' roles be missing
     * all the same, they are made in a second try.
     */
    private boolean applyWithSealedPassword(String handle, String jdbcUrl, Credentials credentials) {
        Optional<Connection> admin = PostgresReadiness.awaitAnswering(runtime, handle, jdbcUrl,
                PostgresConnections.SUPERUSER, credentials.sealedPassword(), properties.readyTimeout(), FAST_POLL);
        if (admin.isEmpty()) {
            return false;
        }
        try (Connection db = admin.get(); Statement st = db.createStatement()) {
            try {
                st.execute(String.join(";\n", credentials.statements()));
            } catch (SQLException e) {
                if (!UNDEFINED_OBJECT.equals(e.getSQLState())) {
                    throw e;
                }
                st.execute(String.join(";\n", credentials.withSetup()));
            }
            return true;
        } catch (SQLException e) {
            throw new ContainerFailedException("setting the branch's credentials failed: "
                    + LogSecrets.masked(e.getMessage()), runtime.logTail(handle, 20), e);
        }
    }

    private void apply(String handle, String jdbcUrl, List<String> sql, String legacyPassword) {
        ExecResult local = run(handle, "", sql);
        if (local.succeeded()) {
            return;
        }
        try (Connection admin = PostgresConnections.superuser(jdbcUrl, legacyPassword);
                Statement st = admin.createStatement()) {
            for (String statement : sql) {
                st.execute(statement);
            }
        } catch (SQLException e) {
            throw new ContainerFailedException("setting the branch's credentials failed (local socket: "
                    + LogSecrets.masked(local.output()).strip() + "; template password: "
                    + LogSecrets.masked(e.getMessage()) + ")", runtime.logTail(handle, 20), e);
        }
    }

    private ExecResult run(String handle, String before, List<String> sql) {
        try {
            return runtime.exec(handle, List.of("sh", "-c", before + "printf '%s' \"$" + SQL_VARIABLE
                    + "\" | psql -X -q -v ON_ERROR_STOP=1 -U " + PostgresConnections.SUPERUSER + " -d postgres -f -"),
                    new ContainerRuntime.ExecOptions(PostgresConnections.SUPERUSER,
                            Map.of(SQL_VARIABLE, String.join(";\n", sql) + ";\n")),
                    properties.readyTimeout());
        } catch (RuntimeException e) {
            return new ExecResult(-1, String.valueOf(e.getMessage()));
        }
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException e) {
            // only a readiness probe
        }
    }
}
