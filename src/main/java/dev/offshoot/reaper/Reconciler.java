package dev.offshoot.reaper;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import dev.offshoot.auth.CurrentPrincipal;
import dev.offshoot.branch.BranchMaintenance.BranchRecord;
import dev.offshoot.branch.BranchMaintenance;
import dev.offshoot.branch.BranchStatus;
import dev.offshoot.config.ReaperProperties.MissingContainerAction;
import dev.offshoot.config.ReaperProperties;
import dev.offshoot.config.RuntimeProperties;
import dev.offshoot.instance.InstanceState;
import dev.offshoot.instance.Resources;
import dev.offshoot.provision.Inventory;
import dev.offshoot.replica.Leadership;

/**
 * Keeps rows and containers consistent after crashes of the service, the engine or the metadata
 * store: on the leader of the replicas, when it becomes the leader (at startup when it runs alone)
 * and every offshoot.reaper.reconcile-interval. Orphan containers are removed,
 * interrupted creates rolled back, interrupted deletes finished, endpoints no live branch holds
 * released, missing containers recreated (or their rows marked FAILED), and containers that are not
 * running (the engine restarted) started.
 */
@Component
class Reconciler {

    private static final Logger log = LoggerFactory.getLogger(Reconciler.class);

    private final Inventory inventory;
    private final BranchMaintenance branches;
    private final ReapAudit audit;
    private final ReaperProperties properties;
    private final RuntimeProperties runtimeProperties;
    private final Leadership leadership;
    private final Timer duration;
    private final AtomicBoolean engineUp = new AtomicBoolean(true);
    private final AtomicInteger repaired = new AtomicInteger();
    /** Out-of-memory kills before this instant have been looked at (only by the synchronized pass). */
    private Instant oomCheckedUntil = Instant.now();
    /** Test hook: runs between listing containers and reading rows again. */
    Runnable beforeRowsReread = () -> { };

    Reconciler(Inventory inventory, BranchMaintenance branches, ReapAudit audit, ReaperProperties properties,
            RuntimeProperties runtimeProperties, Leadership leadership, MeterRegistry meters) {
        this.inventory = inventory;
        this.leadership = leadership;
        this.branches = branches;
        this.audit = audit;
        this.properties = properties;
        this.runtimeProperties = runtimeProperties;
        this.duration = Timer.builder("offshoot.reconciler.duration").register(meters);
        meters.gauge("offshoot.reconciler.engine.up", engineUp, up -> up.get() ? 1 : 0);
        meters.gauge("offshoot.reconciler.repaired", repaired);
    }

    /**
     * A new leader (a replica that starts alone, or takes over from one that died) reconciles at
     * once, and takes every row in transition as stale: each transition of a row is made under its
     * name lock, held in the metadata store, and each repair takes that lock first and passes over a
     * name some replica holds, so what it repairs is only what nobody is working on any more.
     */
    @EventListener(Leadership.Elected.class)
    void elected() {
        run(Instant.now());
    }

    @Scheduled(fixedDelayString = "${offshoot.reaper.reconcile-interval:2m}",
            initialDelayString = "${offshoot.reaper.reconcile-interval:2m}")
    void tick() {
        if (leadership.isLeader()) {
            run(Instant.now().minus(ReconcilePlan.staleAfter(runtimeProperties.readyTimeout())));
        }
    }

    private void run(Instant staleBefore) {
        try {
            CurrentPrincipal.runAsSystem(() -> {
                reconcileOnce(staleBefore);
                return null;
            });
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
        Timer.Sample pass = Timer.start();
        // rows first: a create or reset that finishes while the containers are listed then shows as
        // a row in transition, never as a READY row whose (new) container is "missing"; each repair
        // re-checks the row under its name lock and acts only if it is still as seen here
        var seen = branches.live();
        var containers = inventory.branchInstances();
        beforeRowsReread.run();
        List<BranchRecord> live = branches.live();
        ReconcilePlan plan = ReconcilePlan.of(seen, containers, live, staleBefore);
        plan.orphans().forEach(c -> {
            inventory.removeOrphan(c);
            log.warn("removed orphan container {} ({}) of branch id {}", c.name(), c.handle(), c.owner());
        });
        branches.removeOrphanData();
        branches.releaseUnusedEndpoints();
        failOutOfMemory(live, plan);
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
        long took = pass.stop(duration);
        if (!plan.isEmpty()) {
            log.info("reconciled in {} ms: {} orphans, {} rolled back, {} deletes finished, {} missing, {} not running",
                    TimeUnit.NANOSECONDS.toMillis(took), plan.orphans().size(), plan.rollBacks().size(),
                    plan.finishDeletes().size(), plan.missing().size(), plan.notRunning().size());
        }
        return plan;
    }

    /**
     * READY branches in whose container the kernel killed a process for memory since the last
     * pass: Postgres recovers from a killed backend by ending every session, which without this
     * would look like a mystery to whoever was connected.
     */
    private void failOutOfMemory(List<BranchRecord> live, ReconcilePlan plan) {
        Instant until = Instant.now();
        Set<String> killed = inventory.outOfMemorySince(oomCheckedUntil, until);
        oomCheckedUntil = until;
        if (killed.isEmpty()) {
            return;
        }
        for (BranchRecord row : live) {
            if (row.status() == BranchStatus.READY && killed.contains(row.instanceHandle())
                    && !plan.notRunning().contains(row)) {
                long limit = inventory.state(row.instanceHandle()).map(InstanceState::memoryLimitBytes).orElse(0L);
                if (branches.markFailed(row, "out of memory (limit " + Resources.describeBytes(limit)
                        + "): the kernel killed a Postgres process, which ended every session")) {
                    repaired.incrementAndGet();
                }
            }
        }
    }

    private void restart(BranchRecord row) {
        var state = inventory.state(row.instanceHandle());
        if (state.isPresent() && state.get().oomKilled()) {
            // restarting would run into the same limit again; the owner resets it or asks for more memory
            if (branches.markFailed(row, "its container was killed: " + state.get().stopReason())) {
                repaired.incrementAndGet();
            }
            return;
        }
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
