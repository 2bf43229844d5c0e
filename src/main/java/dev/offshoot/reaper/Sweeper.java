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

/**
 * Reaps expired branches and idle ones, at most offshoot.reaper.max-deletions-per-sweep per tick.
 * An idle candidate is asked first (pg_stat_activity): with client connections it is only marked
 * active; when it cannot be asked it is left alone rather than reaped on a guess.
 */
@Component
class Sweeper {

    private static final Logger log = LoggerFactory.getLogger(Sweeper.class);

    private final BranchMaintenance branches;
    private final ReapAudit audit;
    private final ReaperProperties properties;
    private final WebhookDeliveries deliveries;

    Sweeper(BranchMaintenance branches, ReapAudit audit, ReaperProperties properties, WebhookDeliveries deliveries) {
        this.branches = branches;
        this.audit = audit;
        this.properties = properties;
        this.deliveries = deliveries;
    }

    @Scheduled(fixedDelayString = "${offshoot.reaper.sweep-interval:1m}",
            initialDelayString = "${offshoot.reaper.sweep-interval:1m}")
    void tick() {
        try {
            CurrentPrincipal.runAsSystem(this::sweepOnce);
            deliveries.prune(Instant.now().minus(properties.deliveryWindow()));
        } catch (Exception e) {
            audit.jobFailed("sweep", e);
        }
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
