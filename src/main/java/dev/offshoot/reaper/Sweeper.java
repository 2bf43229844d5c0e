package dev.offshoot.reaper;

import java.time.Instant;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import dev.offshoot.auth.CurrentPrincipal;
import dev.offshoot.branch.BranchMaintenance;
import dev.offshoot.config.ReaperProperties.IdleAction;
import dev.offshoot.config.ReaperProperties;
import dev.offshoot.reaper.SweepSelection.Due;
import dev.offshoot.replica.Leadership;

/**
 * Reaps expired branches and idle ones, at most offshoot.reaper.max-deletions-per-sweep per tick.
 * An idle candidate is asked first (pg_stat_activity): with client connections it is only marked
 * active; when it cannot be asked it is left alone rather than reaped on a guess. Runs on the
 * leader of the replicas, with the pruning of remembered webhook deliveries.
 */
@Component
class Sweeper {

    private static final Logger log = LoggerFactory.getLogger(Sweeper.class);
    /** Rows of deleted branches forgotten per sweep: one statement, so a backlog drains in a few ticks. */
    static final int PURGES_PER_SWEEP = 500;

    private final BranchMaintenance branches;
    private final ReapAudit audit;
    private final ReaperProperties properties;
    private final WebhookDeliveries deliveries;
    private final Leadership leadership;

    Sweeper(BranchMaintenance branches, ReapAudit audit, ReaperProperties properties, WebhookDeliveries deliveries,
            Leadership leadership) {
        this.branches = branches;
        this.leadership = leadership;
        this.audit = audit;
        this.properties = properties;
        this.deliveries = deliveries;
    }

    @Scheduled(fixedDelayString = "${offshoot.reaper.sweep-interval:1m}",
            initialDelayString = "${offshoot.reaper.sweep-interval:1m}")
    void tick() {
        if (!leadership.isLeader()) {
            return;
        }
        try {
            CurrentPrincipal.runAsSystem(this::sweepOnce);
            deliveries.prune(Instant.now().minus(properties.deliveryWindow()));
            purgeDeletedRows();
        } catch (Exception e) {
            audit.jobFailed("sweep", e);
        }
    }

    /** Deleted branches' rows past their retention, a bounded batch per tick. */
    int purgeDeletedRows() {
        int purged = branches.purgeDeleted(Instant.now().minus(properties.deletedRetention()), PURGES_PER_SWEEP);
        if (purged > 0) {
            log.info("forgot {} branch(es) deleted more than {} ago", purged, properties.deletedRetention());
        }
        return purged;
    }

    /** Returns how many branches were reaped. */
    synchronized int sweepOnce() {
        Instant now = Instant.now();
        int budget = properties.maxDeletionsPerSweep();
        int reaped = 0;
        for (Due due : SweepSelection.select(branches.live(), now, properties.idleTimeout())) {
            if (reaped >= budget) {
                log.info("sweep budget of {} reached; the rest waits for the next sweep", budget);
                break;
            }
            if (reap(due, now)) {
                reaped++;
            }
        }
        return reaped;
    }

    private boolean reap(Due due, Instant now) {
        if (due.reason() == ReapAudit.Reason.TTL) {
            boolean done = branches.reapDelete(due.branch());
            if (done) {
                audit.reaped(due.branch(), due.reason(), "delete", "expired at " + due.branch().expiresAt());
            }
            return done;
        }
        Optional<Integer> connections = branches.clientConnections(due.branch());
        if (connections.isEmpty()) {
            return false;
        }
        if (connections.get() > 0) {
            branches.recordActivity(due.branch(), now);
            return false;
        }
        boolean stop = properties.idleAction() == IdleAction.STOP;
        boolean done = stop ? branches.suspendIdle(due.branch()) : branches.reapDelete(due.branch());
        if (done) {
            audit.reaped(due.branch(), due.reason(), stop ? "suspend" : "delete", "no client connection since "
                    + due.branch().lastActivityAt() + " (idle timeout " + properties.idleTimeout() + ")");
        }
        return done;
    }
}
