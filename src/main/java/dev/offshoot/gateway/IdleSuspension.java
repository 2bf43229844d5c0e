package dev.offshoot.gateway;

import java.time.Duration;
import java.time.Instant;
import java.util.stream.Collectors;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import dev.offshoot.audit.AuditLog;
import dev.offshoot.auth.CurrentPrincipal;
import dev.offshoot.branch.BranchMaintenance;
import dev.offshoot.branch.BranchMaintenance.BranchRecord;
import dev.offshoot.config.GatewayProperties;
import dev.offshoot.config.IdleSuspend;
import dev.offshoot.config.ReaperProperties;
import dev.offshoot.replica.Leadership;

/**
 * Scale to zero: every offshoot.gateway.idle-check-interval, READY branches that had no gateway
 * connection for their idle suspension (their own, their template's, else offshoot.gateway.idle-suspend,
 * see {@link IdleSuspend}) are suspended ({@link IdlePlan}); only each of these is asked first
 * whether any session is open on it (one that did not come through this gateway: another replica's,
 * a migration, a direct connection) and left running if so. Every replica records the activity of
 * the branches used through its own gateway; only the leader of the background jobs
 * ({@link Leadership}) suspends. Suspensions are audited (actor {@code gateway}) and counted.
 */
@Component
class IdleSuspension {

    private static final Logger log = LoggerFactory.getLogger(IdleSuspension.class);

    private final BranchMaintenance branches;
    private final Connections connections;
    private final Duration fallback;
    private final AuditLog audit;
    private final Leadership leadership;
    private final Counter suspended;
    private final Counter errors;

    IdleSuspension(BranchMaintenance branches, Connections connections, GatewayProperties properties,
            ReaperProperties reaper, AuditLog audit, Leadership leadership, MeterRegistry meters) {
        this.branches = branches;
        this.leadership = leadership;
        this.connections = connections;
        this.fallback = IdleSuspend.service(properties, reaper);
        if (IdleSuspend.stopsIdle(reaper)) {
            log.warn("offshoot.reaper.idle-action=stop is deprecated and will be removed: idle branches are suspended"
                    + " by the gateway after offshoot.gateway.idle-suspend; the service's idle suspension is {} (the"
                    + " shorter of that and offshoot.reaper.idle-timeout)", fallback);
        }
        this.audit = audit;
        this.suspended = Counter.builder("offshoot.gateway.suspended")
                .description("branches suspended for having no connection").register(meters);
        this.errors = Counter.builder("offshoot.gateway.idle.errors").description("failed idle passes")
                .register(meters);
    }

    @Scheduled(fixedDelayString = "${offshoot.gateway.idle-check-interval:30s}",
            initialDelayString = "${offshoot.gateway.idle-check-interval:30s}")
    void tick() {
        try {
            CurrentPrincipal.runAsSystem(() -> passOnce(Instant.now(), leadership.isLeader()));
        } catch (RuntimeException e) {
            errors.increment();
            log.error("idle suspension pass failed: {}", e.getMessage(), e);
        }
    }

    /**
     * One pass: records activity, and suspends when {@code lead} (this replica leads the jobs).
     * Returns how many branches it suspended.
     */
    synchronized int passOnce(Instant now, boolean lead) {
        var live = branches.live();
        connections.retain(live.stream().map(b -> b.id().toString()).collect(Collectors.toSet()));
        IdlePlan plan = IdlePlan.of(live, connections.branches(), now, fallback);
        plan.active().forEach(a -> branches.recordActivity(a.branch(), a.at()));
        if (!lead) {
            return 0;
        }
        int done = 0;
        for (BranchRecord b : plan.suspend()) {
            if (branches.suspendIdle(b)) {
                done++;
                suspended.increment();
                Duration idle = b.idleSuspend() == null ? fallback : b.idleSuspend();
                audit.record("gateway", "system", "branch.suspend", "branch", b.name(), true, null,
                        "no connection for " + idle);
                log.info("branch {} ({}) suspended: no connection for {}", b.name(), b.id(), idle);
            }
        }
        return done;
    }
}
