package dev.offshoot.reaper;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import dev.offshoot.branch.BranchMaintenance;
import dev.offshoot.branch.BranchMaintenance.BranchRecord;
import dev.offshoot.config.ReaperProperties;
import dev.offshoot.config.ReaperProperties.MissingContainerAction;
import dev.offshoot.config.RuntimeProperties;
import dev.offshoot.runtime.ContainerRuntime;
import dev.offshoot.runtime.Labels;

/**
 * Keeps rows and containers consistent after crashes of the service, the engine or the metadata
 * store: at startup and every offshoot.reaper.reconcile-interval. Orphan containers are removed,
 * interrupted creates rolled back, interrupted deletes finished, missing containers recreated (or
 * their rows marked FAILED), and containers that are not running (the engine restarted) started.
 */
@Component
class Reconciler {

    private static final Logger log = LoggerFactory.getLogger(Reconciler.class);

    private final ContainerRuntime runtime;
    private final BranchMaintenance branches;
    private final ReapAudit audit;
    private final ReaperProperties properties;
    private final RuntimeProperties runtimeProperties;
    private final Timer duration;
    private final AtomicBoolean engineUp = new AtomicBoolean(true);
    private final AtomicInteger repaired = new AtomicInteger();
    /** Test hook: runs between listing containers and reading rows again. */
    Runnable beforeRowsReread = () -> { };

    Reconciler(ContainerRuntime runtime, BranchMaintenance branches, ReapAudit audit, ReaperProperties properties,
            RuntimeProperties runtimeProperties, MeterRegistry meters) {
        this.runtime = runtime;
        this.branches = branches;
        this.audit = audit;
        this.properties = properties;
        this.runtimeProperties = runtimeProperties;
        this.duration = Timer.builder("offshoot.reconciler.duration").register(meters);
        meters.gauge("offshoot.reconciler.engine.up", engineUp, up -> up.get() ? 1 : 0);
        meters.gauge("offshoot.reconciler.repaired", repaired);
    }

    /** Nothing of this process is in flight before it is ready: every row in transition is stale. */
    @EventListener(ApplicationReadyEvent.class)
    void atStartup() {
        run(Instant.now());
    }

    @Scheduled(fixedDelayString = "${offshoot.reaper.reconcile-interval:2m}",
            initialDelayString = "${offshoot.reaper.reconcile-interval:2m}")
    void tick() {
        run(Instant.now().minus(ReconcilePlan.staleAfter(runtimeProperties.readyTimeout())));
    }

    private void run(Instant staleBefore) {
        try {
            reconcileOnce(staleBefore);
            if (!engineUp.getAndSet(true)) {
                log.warn("the Docker engine answers again; branches reconciled");
            }
        } catch (Exception e) {
            if (engineUp.getAndSet(false)) {
                log.warn("reconcile failed (is the Docker engine down?): {}", e.getMessage());
            }
            audit.jobFailed("reconcile", e);
        }
    }

    /** One pass; returns what it found. */
    synchronized ReconcilePlan reconcileOnce(Instant staleBefore) {
        long start = System.nanoTime();
        // rows first: a create or reset that finishes while the containers are listed then shows as
        // a row in transition, never as a READY row whose (new) container is "missing"; each repair
        // re-checks the row under its name lock and acts only if it is still as seen here
        var seen = branches.live();
        var containers = runtime.list(Map.of(Labels.INSTANCE, runtimeProperties.instanceId(),
                Labels.KIND, Labels.KIND_BRANCH));
        beforeRowsReread.run();
        ReconcilePlan plan = ReconcilePlan.of(seen, containers, branches.live(), staleBefore);
        plan.orphans().forEach(c -> {
            runtime.remove(c.id());
            log.warn("removed orphan container {} ({}) of branch id {}", c.name(), c.id(),
                    c.labels().get(Labels.BRANCH_ID));
        });
        plan.rollBacks().forEach(branches::rollBackCreate);
        plan.finishDeletes().forEach(branches::finishDelete);
        int budget = properties.maxRepairsPerReconcile();
        for (BranchRecord row : plan.notRunning()) {
            if (budget-- > 0) {
                restart(row);
            }
        }
        for (BranchRecord row : plan.missing()) {
            if (budget-- > 0) {
                repairMissing(row);
            }
        }
        duration.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        if (!plan.isEmpty()) {
            log.info("reconciled in {} ms: {} orphans, {} rolled back, {} deletes finished, {} missing, {} not running",
                    (System.nanoTime() - start) / 1_000_000, plan.orphans().size(), plan.rollBacks().size(),
                    plan.finishDeletes().size(), plan.missing().size(), plan.notRunning().size());
        }
        return plan;
    }

    private void restart(BranchRecord row) {
        try {
            if (branches.restart(row)) {
                repaired.incrementAndGet();
            }
        } catch (RuntimeException e) {
            repairMissing(row, "its container did not start again: " + e.getMessage());
        }
    }

    private void repairMissing(BranchRecord row) {
        repairMissing(row, row.status() + " branch's container is gone");
    }

    private void repairMissing(BranchRecord row, String why) {
        boolean done = properties.missingContainer() == MissingContainerAction.RECREATE
                ? branches.recreate(row, why) : branches.markFailed(row, why);
        if (done) {
            repaired.incrementAndGet();
        }
    }
}
