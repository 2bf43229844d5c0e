package dev.offshoot.reaper;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.offshoot.branch.BranchMaintenance.BranchRecord;
import dev.offshoot.branch.BranchStatus;
import dev.offshoot.provision.Inventory.Observed;

class ReconcilePlanTest {

    static final Instant NOW = Instant.parse("2026-05-01T12:00:00Z");
    static final Instant STALE_BEFORE = NOW.minus(Duration.ofMinutes(2));

    static BranchRecord row(String name, BranchStatus status, String instanceHandle, Instant since) {
        return new BranchRecord(UUID.randomUUID(), name, status, instanceHandle, Map.of(), false, since, null, since,
                since);
    }

    static Observed container(String id, BranchRecord row, String state) {
        return new Observed(id, "n-" + id, row == null ? UUID.randomUUID() : row.id(), state);
    }

    @Test
    void containerWithoutLiveRowIsAnOrphan() {
        Observed stray = container("x", null, "running");
        ReconcilePlan plan = ReconcilePlan.of(List.of(), List.of(stray), List.of(), STALE_BEFORE);
        assertThat(plan.orphans()).containsExactly(stray);
    }

    @Test
    void readyRowsAreCheckedAgainstTheirContainers() {
        var ok = row("ok", BranchStatus.READY, "a", NOW.minus(Duration.ofHours(1)));
        var gone = row("gone", BranchStatus.READY, "b", NOW.minus(Duration.ofHours(1)));
        var down = row("down", BranchStatus.READY, "c", NOW.minus(Duration.ofHours(1)));
        var stopped = row("stopped", BranchStatus.SUSPENDED, "d", NOW.minus(Duration.ofHours(1)));

        var rows = List.of(ok, gone, down, stopped);
        ReconcilePlan plan = ReconcilePlan.of(rows, List.of(container("a", ok, "running"),
                container("c", down, "exited"), container("d", stopped, "exited")), rows, STALE_BEFORE);

        assertThat(plan.missing()).containsExactly(gone);
        assertThat(plan.notRunning()).containsExactly(down);
        assertThat(plan.orphans()).isEmpty();
    }

    @Test
    void aSourcePausedWhileAForkCopiesItIsLeftAlone() {
        var source = row("source", BranchStatus.READY, "a", NOW.minus(Duration.ofHours(1)));
        var member = row("_pool-1", BranchStatus.POOLED, "b", NOW.minus(Duration.ofHours(1)));

        var rows = List.of(source, member);
        ReconcilePlan plan = ReconcilePlan.of(rows, List.of(container("a", source, "paused"),
                container("b", member, "paused")), rows, STALE_BEFORE);

        assertThat(plan.notRunning()).isEmpty();
        assertThat(plan.missing()).isEmpty();
        assertThat(plan.finishDeletes()).isEmpty();
    }

    @Test
    void staleTransitionsAreFinishedOrRolledBackAndFreshOnesLeftAlone() {
        Instant old = STALE_BEFORE.minusSeconds(1);
        var createNeverFinished = row("c1", BranchStatus.CREATING, null, old);
        var resetInterrupted = row("c2", BranchStatus.CREATING, "gone", old);
        var deleteInterrupted = row("d1", BranchStatus.DELETING, "e", old);
        var inFlight = row("c3", BranchStatus.CREATING, null, NOW);
        Observed halfCreated = container("h", createNeverFinished, "running");
        Observed inFlightContainer = container("i", inFlight, "running");

        var rows = List.of(createNeverFinished, resetInterrupted, deleteInterrupted, inFlight);
        ReconcilePlan plan = ReconcilePlan.of(rows, List.of(halfCreated, inFlightContainer), rows, STALE_BEFORE);

        assertThat(plan.rollBacks()).containsExactly(createNeverFinished);
        assertThat(plan.missing()).containsExactly(resetInterrupted);
        assertThat(plan.finishDeletes()).containsExactly(deleteInterrupted);
        assertThat(plan.orphans()).as("containers of rows in transition belong to those rows").isEmpty();
    }

    @Test
    void secondContainerOfAReadyBranchIsAnOrphan() {
        var ok = row("ok", BranchStatus.READY, "a", NOW.minus(Duration.ofHours(1)));
        Observed extra = container("z", ok, "running");
        assertThat(ReconcilePlan.of(List.of(ok), List.of(container("a", ok, "running"), extra), List.of(ok),
                STALE_BEFORE)
                .orphans()).containsExactly(extra);
    }

    /** A create finishing between the first row read and the container list is left alone. */
    @Test
    void aCreateThatFinishesWhileContainersAreListedIsNeitherMissingNorOrphan() {
        var creating = row("new", BranchStatus.CREATING, null, NOW);
        var ready = new BranchRecord(creating.id(), "new", BranchStatus.READY, "n", Map.of(), false, NOW, null,
                NOW, NOW);

        ReconcilePlan plan = ReconcilePlan.of(List.of(creating), List.of(container("n", ready, "running")),
                List.of(ready), STALE_BEFORE);

        assertThat(plan.isEmpty()).isTrue();
    }

    /** A container whose row was written after the first read is not an orphan: the reread knows it. */
    @Test
    void aContainerWhoseRowAppearedAfterTheFirstReadIsNoOrphan() {
        var ready = row("late", BranchStatus.READY, "l", NOW);

        ReconcilePlan plan = ReconcilePlan.of(List.of(), List.of(container("l", ready, "running")), List.of(ready),
                STALE_BEFORE);

        assertThat(plan.isEmpty()).isTrue();
    }

    /** A warm-pool member left without a running container (the engine restarted) is deleted, not repaired. */
    @Test
    void aPooledMemberWithoutARunningContainerIsDeleted() {
        var dead = row("_pool-dead", BranchStatus.POOLED, "d", NOW);
        var gone = row("_pool-gone", BranchStatus.POOLED, "g", NOW);
        var alive = row("_pool-alive", BranchStatus.POOLED, "a", NOW);

        ReconcilePlan plan = ReconcilePlan.of(List.of(dead, gone, alive), List.of(container("d", dead, "exited"),
                container("a", alive, "running")), List.of(dead, gone, alive), STALE_BEFORE);

        assertThat(plan.finishDeletes()).containsExactlyInAnyOrder(dead, gone);
        assertThat(plan.orphans()).isEmpty();
        assertThat(plan.missing()).isEmpty();
    }
}
