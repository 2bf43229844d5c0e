package dev.offshoot.branch;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import dev.offshoot.config.ReaderProperties;
import dev.offshoot.postgres.BranchRoles;
import dev.offshoot.postgres.PostgresConnections;
import dev.offshoot.provision.Endpoints;
import dev.offshoot.replica.Leadership;

/**
 * Holds the readers of branches to the service's limits from outside their sessions: a reader can
 * lift {@code statement_timeout} and {@code idle_in_transaction_session_timeout} for itself, so on
 * every branch that has readers this cancels a reader's statement that runs longer than
 * offshoot.readers.statement-timeout and ends a reader's session idle in a transaction longer than
 * offshoot.readers.idle-in-transaction-timeout. Offshoot's own read-only role is left alone (its
 * runs carry their own timeout); owners' sessions too. At most
 * offshoot.readers.max-branches-per-watch branches per pass, one superuser session each; the next
 * pass goes on after the last one looked at. Runs on the leader of the replicas.
 */
@Component
class ReaderWatch {

    private static final Logger log = LoggerFactory.getLogger(ReaderWatch.class);

    /** Cancels or ends the sessions over a limit; answers one row per session acted on. */
    private static final String ENFORCE = "SELECT a.state OPERATOR(pg_catalog.=) 'active',"
            + " CASE WHEN a.state OPERATOR(pg_catalog.=) 'active' THEN pg_catalog.pg_cancel_backend(a.pid)"
            + " ELSE pg_catalog.pg_terminate_backend(a.pid) END"
            + " FROM pg_catalog.pg_stat_activity a"
            + " WHERE a.backend_type OPERATOR(pg_catalog.=) 'client backend'"
            + " AND a.usename OPERATOR(pg_catalog.<>) '" + BranchRoles.READ_ONLY_ROLE + "'"
            // direct members of the group only: pg_has_role would count superusers as members
            + " AND a.usesysid OPERATOR(pg_catalog.=) ANY (SELECT m.member FROM pg_catalog.pg_auth_members m"
            + " JOIN pg_catalog.pg_roles g ON g.oid OPERATOR(pg_catalog.=) m.roleid"
            + " WHERE g.rolname OPERATOR(pg_catalog.=) '" + BranchRoles.READERS_GROUP + "')"
            + " AND ((a.state OPERATOR(pg_catalog.=) 'active' AND a.query_start OPERATOR(pg_catalog.<)"
            + " (pg_catalog.now() OPERATOR(pg_catalog.-) pg_catalog.make_interval(secs => ?)))"
            + " OR ((a.state OPERATOR(pg_catalog.~~) 'idle in transaction%') AND a.state_change"
            + " OPERATOR(pg_catalog.<) (pg_catalog.now() OPERATOR(pg_catalog.-) pg_catalog.make_interval(secs => ?))))";

    private final BranchReaders readers;
    private final BranchRepository branches;
    private final Endpoints endpoints;
    private final ReaderProperties properties;
    private final Counter cancelled;
    private final Counter ended;
    private final Counter errors;
    private final Leadership leadership;
    private UUID after;

    ReaderWatch(BranchReaders readers, BranchRepository branches, Endpoints endpoints, ReaderProperties properties,
            Leadership leadership, MeterRegistry meters) {
        this.readers = readers;
        this.leadership = leadership;
        this.branches = branches;
        this.endpoints = endpoints;
        this.properties = properties;
        this.cancelled = Counter.builder("offshoot.readers.cancelled")
                .description("readers' statements cancelled for running past the reader statement timeout")
                .register(meters);
        this.ended = Counter.builder("offshoot.readers.terminated")
                .description("readers' sessions ended for idling in a transaction past the limit").register(meters);
        this.errors = Counter.builder("offshoot.readers.watch.errors")
                .description("branches the reader watch could not look at, and failed passes").register(meters);
    }

    @Scheduled(fixedDelayString = "${offshoot.readers.watch-interval:30s}",
            initialDelayString = "${offshoot.readers.watch-interval:30s}")
    void tick() {
        if (!leadership.isLeader()) {
            return;
        }
        try {
            watchOnce();
        } catch (Exception e) {
            errors.increment();
            log.error("reader watch failed: {}", e.getMessage(), e);
        }
    }

    /** One pass; returns how many branches it looked at. */
    synchronized int watchOnce() {
        int budget = properties.maxBranchesPerWatch();
        List<UUID> due = readers.branchesWithReaders(after, budget);
        after = due.size() < budget ? null : due.getLast();
        int looked = 0;
        for (UUID id : due) {
            Branch branch = branches.findById(id).orElse(null);
            if (branch == null || branch.status() != BranchStatus.READY || branch.superuserPassword() == null) {
                continue;
            }
            try {
                enforce(branch);
                looked++;
            } catch (SQLException | RuntimeException e) {
                errors.increment();
                log.warn("reader watch: branch {} ({}) not looked at: {}", branch.name(), branch.id(),
                        BranchCredentials.masked(e.getMessage()));
            }
        }
        return looked;
    }

    private void enforce(Branch branch) throws SQLException {
        try (Connection admin = PostgresConnections.superuser(endpoints.jdbcUrl(branch.instanceKey(),
                branch.databaseName()), branch.superuserPassword());
                PreparedStatement ps = admin.prepareStatement(ENFORCE)) {
            ps.setDouble(1, properties.statementTimeout().toMillis() / 1000.0);
            ps.setDouble(2, properties.idleInTransactionTimeout().toMillis() / 1000.0);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    (rs.getBoolean(1) ? cancelled : ended).increment();
                    log.info("reader watch: branch {} ({}): a reader's {}", branch.name(), branch.id(),
                            rs.getBoolean(1) ? "statement cancelled" : "idle transaction ended");
                }
            }
        }
    }
}
