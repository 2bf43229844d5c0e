package dev.offshoot.reaper;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import dev.offshoot.branch.BranchMaintenance.BranchRecord;
import dev.offshoot.branch.BranchStatus;
import dev.offshoot.provision.Inventory.Observed;

/**
 * What the reconciler should do, computed from the live rows read before the labelled branch
 * containers were listed, and the live rows read after. Repairs of rows come from the rows read
 * before: a create or reset that finishes in between is then seen in transition, not as a READY row
 * whose new container is missing. Orphans come from the rows read after: a row is always written
 * before its container, so a container listed without a row read afterwards is truly an orphan.
 */
record ReconcilePlan(List<Observed> orphans, List<BranchRecord> rollBacks, List<BranchRecord> finishDeletes,
        List<BranchRecord> missing, List<BranchRecord> notRunning) {

    /**
     * @param live        live rows read before the containers were listed
     * @param liveAfter   live rows read after the containers were listed
     * @param staleBefore CREATING and DELETING rows that entered their status before this are
     *                    finished or rolled back; newer ones may still be in flight
     */
    static ReconcilePlan of(List<BranchRecord> live, List<Observed> containers, List<BranchRecord> liveAfter,
            Instant staleBefore) {
        Map<java.util.UUID, BranchRecord> rowsById = liveAfter.stream()
                .collect(Collectors.toMap(BranchRecord::id, Function.identity()));
        Set<String> instanceHandles = containers.stream().map(Observed::handle).collect(Collectors.toSet());
        List<Observed> orphans = containers.stream()
                .filter(c -> isOrphan(c, c.owner() == null ? null : rowsById.get(c.owner())))
                .toList();
        List<BranchRecord> rollBacks = new ArrayList<>();
        List<BranchRecord> finishDeletes = new ArrayList<>();
        List<BranchRecord> missing = new ArrayList<>();
        List<BranchRecord> notRunning = new ArrayList<>();
        Map<String, String> states = containers.stream()
                .collect(Collectors.toMap(Observed::handle, c -> String.valueOf(c.state()), (a, b) -> a));
        for (BranchRecord row : live) {
            boolean stale = row.statusSince().isBefore(staleBefore);
            switch (row.status()) {
                // an interrupted create never recorded a container; an interrupted reset did and is redone
                case CREATING -> {
                    if (stale) {
                        (row.instanceHandle() == null ? rollBacks : missing).add(row);
                    }
                }
                case DELETING -> {
                    if (stale) {
                        finishDeletes.add(row);
                    }
                }
                case READY, SUSPENDED -> {
                    if (row.instanceHandle() == null || !instanceHandles.contains(row.instanceHandle())) {
                        missing.add(row);
                    } else if (row.status() == BranchStatus.READY && !isUp(states.get(row.instanceHandle()))) {
                        notRunning.add(row);
                    }
                }
                case POOLED -> {
                    // a warm-pool member whose container died (engine restart, crash) is not worth a
                    // repair: its delete is finished and the pool starts another
                    if (row.instanceHandle() == null || !isUp(states.get(row.instanceHandle()))) {
                        finishDeletes.add(row);
                    }
                }
                default -> {
                    // FAILED rows wait for a reset, a create retry or a delete
                }
            }
        }
        return new ReconcilePlan(orphans, rollBacks, finishDeletes, missing, notRunning);
    }

    /**
     * Running, or paused: a fork pauses its source while it copies it (a commit, or a reflink copy
     * of the data directory), and a repair then would pull the container away under the copy.
     */
    private static boolean isUp(String state) {
        return "running".equals(state) || "paused".equals(state);
    }

    /** A container no live row accounts for. Containers of rows in transition are left to that row. */
    private static boolean isOrphan(Observed container, BranchRecord row) {
        if (row == null) {
            return true;
        }
        boolean settled = row.status() == BranchStatus.READY || row.status() == BranchStatus.SUSPENDED;
        return settled && row.instanceHandle() != null && !row.instanceHandle().equals(container.handle());
    }

    static Duration staleAfter(Duration readyTimeout) {
        return readyTimeout.multipliedBy(2);
    }

    boolean isEmpty() {
        return orphans.isEmpty() && rollBacks.isEmpty() && finishDeletes.isEmpty() && missing.isEmpty()
                && notRunning.isEmpty();
    }
}
