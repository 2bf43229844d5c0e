package dev.offshoot.migration;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.offshoot.branch.BranchAccess;

/**
 * The time a trial may take on its throwaway. When it passes, every client session of the
 * throwaway is terminated (the migration's own, or a count or inspection still running), so
 * whatever waits on them returns at once; should that fail, the throwaway itself is deleted.
 * Nothing is set in the migration's session for this (no statement_timeout it could read or
 * reset): the deadline is kept from outside, and only when it passes does a session appear.
 */
final class TrialDeadline implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TrialDeadline.class);
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("offshoot-trial-deadline").factory());
    private static final String TERMINATE = "SELECT pg_catalog.pg_terminate_backend(pid)"
            + " FROM pg_catalog.pg_stat_activity WHERE pid OPERATOR(pg_catalog.<>) pg_catalog.pg_backend_pid()"
            + " AND backend_type OPERATOR(pg_catalog.=) 'client backend'";

    private final Duration timeout;
    private final AtomicBoolean passed = new AtomicBoolean();
    private final ScheduledFuture<?> task;

    private TrialDeadline(BranchAccess.Endpoint throwaway, Duration timeout, Runnable deleteThrowaway) {
        this.timeout = timeout;
        this.task = TIMER.schedule(() -> stop(throwaway, deleteThrowaway), timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Starts the clock for a trial on {@code throwaway}; {@code deleteThrowaway} is the last resort. */
    static TrialDeadline start(BranchAccess.Endpoint throwaway, Duration timeout, Runnable deleteThrowaway) {
        return new TrialDeadline(throwaway, timeout, deleteThrowaway);
    }

    boolean passed() {
        return passed.get();
    }

    Duration timeout() {
        return timeout;
    }

    private void stop(BranchAccess.Endpoint throwaway, Runnable deleteThrowaway) {
        passed.set(true);
        log.info("trial on {} passed its deadline of {}: its sessions are terminated", throwaway.branch(), timeout);
        try (Connection admin = throwaway.superuser(); Statement st = admin.createStatement()) {
            st.execute(TERMINATE);
        } catch (SQLException | RuntimeException e) {
            log.warn("terminating the sessions of {} failed ({}): deleting it", throwaway.branch(), e.getMessage());
            deleteThrowaway.run();
        }
    }

    @Override
    public void close() {
        task.cancel(false);
    }
}
