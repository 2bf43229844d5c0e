package dev.offshoot.reaper;

import java.time.Duration;
import java.time.Instant;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import dev.offshoot.auth.CurrentPrincipal;
import dev.offshoot.branch.BranchMaintenance;
import dev.offshoot.config.IdleSuspend;
import dev.offshoot.config.ReaperProperties;
import dev.offshoot.reaper.SweepSelection.Due;
import dev.offshoot.replica.Leadership;

/**
 * Reaps expired branches and idle ones, at most offshoot.reaper.max-deletions-per-sweep per tick.
 * Idle is read from the activity the gateway records (its connections; no branch is polled): only
 * a candidate that still runs is asked (pg_stat_activity) whether a session is open on it (a direct
 * one, a migration, another replica's gateway); with one it is only marked active, and when it
 * cannot be asked it is left alone rather than reaped on a guess. Idle action STOP is the gateway's idle suspension now
 * ({@link IdleSuspend#service}): this sweep then deletes nothing for idleness. Runs on the leader of
 * the replicas, with the pruning of remembered webhook deliveries.
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
        Duration idleTimeout = IdleSuspend.stopsIdle(properties) ? Duration.ZERO : properties.idleTimeout();
        for (Due due : SweepSelection.select(branches.live(), now, idleTimeout)) {
            if (reaped >= budget) {
                log.info("sweep budget of {} reached; the rest waits for the next sweep", budget);
                break;
            }
            if (reap(due)) {
                reaped++;
            }
        }
        return reaped;
    }

    private boolean reap(Due due) {
        if (due.reason() == ReapAudit.Reason.TTL) {
            boolean done = branches.reapDelete(due.branch());
            if (done) {
                audit.reaped(due.branch(), due.reason(), "delete", "expired at " + due.branch().expiresAt());
            }
            return done;
        }
        boolean done = branches.reapIdle(due.branch());
        if (done) {
            audit.reaped(due.branch(), due.reason(), "delete", "no client connection since "
                    + due.branch().lastActivityAt() + " (idle timeout " + properties.idleTimeout() + ")");
        }
        return done;
    }
}
