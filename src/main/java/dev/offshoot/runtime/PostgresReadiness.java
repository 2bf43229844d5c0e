package dev.offshoot.runtime;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;

import dev.offshoot.instance.InstanceState;
import dev.offshoot.postgres.PostgresConnections;

/**
 * Waits until a Postgres container accepts connections, like Testcontainers' wait strategies: a
 * deadline, the last exception kept, and a clear error when the container died or never answered.
 */
public final class PostgresReadiness {

    private static final Duration POLL = Duration.ofMillis(50);
    /** How often a fast wait asks the engine whether the container still runs. */
    private static final long STATE_CHECK_NANOS = Duration.ofMillis(100).toNanos();

    private PostgresReadiness() {
    }

    /**
     * Returns an open connection once the server accepts one. The session's search path is pinned
     * to pg_catalog (see {@link PostgresConnections}). On failure the container is left for the
     * caller to remove (it owns the compensation).
     */
    public static Connection connect(ContainerRuntime runtime, String containerId, String jdbcUrl,
            String user, String password, Duration timeout) {
        return await(runtime, containerId, jdbcUrl, user, password, timeout, false, POLL).orElseThrow();
    }

    /**
     * Waits until the server answers connection attempts. Returns the connection when the
     * credentials were accepted, empty when the server is up but refused them (a container whose
     * credentials are still to be set).
     */
    public static Optional<Connection> awaitAnswering(ContainerRuntime runtime, String containerId, String jdbcUrl,
            String user, String password, Duration timeout) {
        return await(runtime, containerId, jdbcUrl, user, password, timeout, true, POLL);
    }

    /** {@link #awaitAnswering} with its own interval between attempts, for a launch that waits on it. */
    public static Optional<Connection> awaitAnswering(ContainerRuntime runtime, String containerId, String jdbcUrl,
            String user, String password, Duration timeout, Duration poll) {
        return await(runtime, containerId, jdbcUrl, user, password, timeout, true, poll);
    }

    private static Optional<Connection> await(ContainerRuntime runtime, String containerId, String jdbcUrl,
            String user, String password, Duration timeout, boolean refusalMeansUp, Duration poll) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Properties props = PostgresConnections.pinned(user, password);
        SQLException last = null;
        long stateCheckedAt = System.nanoTime();
        while (System.nanoTime() < deadline) {
            try {
                return Optional.of(DriverManager.getConnection(jdbcUrl, props));
            } catch (SQLException e) {
                if (isAuthenticationFailure(e) && !outOfMemory(runtime, containerId)) {
                    if (refusalMeansUp) {
                        return Optional.empty();
                    }
                    // the server is up and refuses the credentials: waiting longer will not help
                    throw new ContainerFailedException("Postgres refused Offshoot's credentials: " + e.getMessage(),
                            runtime.logTail(containerId, 10), e);
                }
                last = e;
            }
            // asking the engine costs more than a short poll: at most every STATE_CHECK_NANOS then
            if (poll.compareTo(POLL) >= 0 || System.nanoTime() - stateCheckedAt >= STATE_CHECK_NANOS) {
                stateCheckedAt = System.nanoTime();
                InstanceState state = runtime.state(containerId).orElse(null);
                // a container the engine restarts after an out-of-memory kill may look running again
                if (state == null || !state.running() || state.oomKilled()) {
                    throw died(runtime, containerId, state, last);
                }
            }
            sleep(poll);
        }
        throw new ContainerFailedException("Postgres did not accept connections within " + timeout
                + (last == null ? "" : " (last error: " + last.getMessage() + ")"),
                runtime.logTail(containerId, 30), last);
    }

    private static boolean outOfMemory(ContainerRuntime runtime, String containerId) {
        return runtime.state(containerId).map(InstanceState::oomKilled).orElse(false);
    }

    private static boolean isAuthenticationFailure(SQLException e) {
        return "28P01".equals(e.getSQLState()) || "28000".equals(e.getSQLState());
    }

    private static ContainerFailedException died(ContainerRuntime runtime, String containerId,
            InstanceState state, SQLException last) {
        String why;
        if (state == null) {
            why = "the container disappeared while starting";
        } else if (state.oomKilled()) {
            why = "the container was killed for running " + state.stopReason();
        } else {
            why = "the container exited with code " + state.exitCode() + " while starting";
        }
        return new ContainerFailedException(why, runtime.logTail(containerId, 30), last);
    }

    private static void sleep(Duration poll) {
        try {
            Thread.sleep(poll);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Postgres", e);
        }
    }
}
