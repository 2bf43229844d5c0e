package dev.offshoot.reaper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyMap;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import dev.offshoot.branch.BranchMaintenance.BranchRecord;
import dev.offshoot.branch.BranchMaintenance;
import dev.offshoot.branch.BranchStatus;
import dev.offshoot.config.ReaperProperties;
import dev.offshoot.config.RuntimeProperties;
import dev.offshoot.instance.InstanceState;
import dev.offshoot.provision.Inventory;
import dev.offshoot.replica.Leadership;
import dev.offshoot.runtime.ContainerRuntime.ContainerSummary;
import dev.offshoot.runtime.ContainerRuntime;
import dev.offshoot.runtime.Labels;
import dev.offshoot.storage.Storage;

class ReconcilerTest {

    final ContainerRuntime runtime = mock(ContainerRuntime.class);
    final BranchMaintenance branches = mock(BranchMaintenance.class);
    final Leadership leadership = mock(Leadership.class);
    final Instant old = Instant.now().minus(Duration.ofHours(1));

    Reconciler reconciler(ReaperProperties.MissingContainerAction action) {
        ReaperProperties reaper = new ReaperProperties("", "", ReaperProperties.ReapOn.MERGED, Duration.ofMinutes(1),
                Duration.ZERO, Duration.ZERO, Duration.ZERO, ReaperProperties.IdleAction.DELETE, 20,
                Duration.ofMinutes(2), action, 20, java.util.Map.of(), java.util.Map.of(), Duration.ofDays(7), Duration.ofDays(30));
        RuntimeProperties runtimeProperties = new RuntimeProperties("", "t1", "img", "", "/pg", "", "127.0.0.1", "",
                false, "n", 1, 2, Duration.ofSeconds(60), Duration.ofSeconds(60), Duration.ofMinutes(30));
        return new Reconciler(new Inventory(runtime, mock(Storage.class), runtimeProperties), branches,
                mock(ReapAudit.class), reaper, runtimeProperties, leadership, new SimpleMeterRegistry());
    }

    BranchRecord row(String name, BranchStatus status, String instanceHandle) {
        return new BranchRecord(UUID.randomUUID(), name, status, instanceHandle, Map.of(), false, old, null, old, old);
    }

    @Test
    void missingContainerIsMarkedFailedWhenConfiguredSo() {
        BranchRecord gone = row("gone", BranchStatus.READY, "c-gone");
        when(runtime.list(anyMap())).thenReturn(List.of());
        when(branches.live()).thenReturn(List.of(gone));

        reconciler(ReaperProperties.MissingContainerAction.FAIL).reconcileOnce(Instant.now());

        verify(branches).markFailed(eq(gone), any());
        verify(branches, never()).recreate(any(), any());
    }

    @Test
    void missingContainerIsRecreatedByDefaultAndOrphansRemoved() {
        BranchRecord gone = row("gone", BranchStatus.READY, "c-gone");
        ContainerSummary orphan = new ContainerSummary("c-orphan", "n", "img",
                Map.of(Labels.BRANCH_ID, UUID.randomUUID().toString()), "running");
        when(runtime.list(anyMap())).thenReturn(List.of(orphan));
        when(branches.live()).thenReturn(List.of(gone));

        reconciler(ReaperProperties.MissingContainerAction.RECREATE).reconcileOnce(Instant.now());

        verify(branches).recreate(eq(gone), any());
        verify(runtime).remove("c-orphan");
    }

    @Test
    void aContainerThatDoesNotStartAgainIsHandledAsMissing() {
        BranchRecord down = row("down", BranchStatus.READY, "c-down");
        when(runtime.list(anyMap())).thenReturn(List.of(new ContainerSummary("c-down", "n", "img",
                Map.of(Labels.BRANCH_ID, down.id().toString()), "exited")));
        when(branches.live()).thenReturn(List.of(down));
        when(branches.restart(down)).thenThrow(new IllegalStateException("exit 1"));

        reconciler(ReaperProperties.MissingContainerAction.FAIL).reconcileOnce(Instant.now());

        verify(branches).markFailed(eq(down), any());
    }

    @Test
    void anOutOfMemoryBranchIsMarkedFailedWithItsLimitInsteadOfRestarted() {
        BranchRecord oom = row("oom", BranchStatus.READY, "c-oom");
        when(runtime.list(anyMap())).thenReturn(List.of(new ContainerSummary("c-oom", "n", "img",
                Map.of(Labels.BRANCH_ID, oom.id().toString()), "exited")));
        when(runtime.state("c-oom")).thenReturn(java.util.Optional.of(
                new InstanceState(false, 137, true, "exited", 64L * 1024 * 1024)));
        when(branches.live()).thenReturn(List.of(oom));

        reconciler(ReaperProperties.MissingContainerAction.RECREATE).reconcileOnce(Instant.now());

        verify(branches).markFailed(eq(oom), org.mockito.ArgumentMatchers.contains("out of memory (limit 64 MiB)"));
        verify(branches, never()).restart(any());
        verify(branches, never()).recreate(any(), any());
    }

    @Test
    void aReadyBranchWhoseContainerHadAnOutOfMemoryKillIsMarkedFailedWithItsLimit() {
        BranchRecord hungry = row("hungry", BranchStatus.READY, "c-hungry");
        BranchRecord calm = row("calm", BranchStatus.READY, "c-calm");
        when(runtime.list(anyMap())).thenReturn(List.of(
                new ContainerSummary("c-hungry", "n", "img", Map.of(Labels.BRANCH_ID, hungry.id().toString()), "running"),
                new ContainerSummary("c-calm", "n", "img", Map.of(Labels.BRANCH_ID, calm.id().toString()), "running")));
        when(runtime.outOfMemorySince(anyMap(), any(), any())).thenReturn(java.util.Set.of("c-hungry"));
        when(runtime.state("c-hungry")).thenReturn(java.util.Optional.of(
                new InstanceState(true, 0, false, "running", 96L * 1024 * 1024)));
        when(branches.live()).thenReturn(List.of(hungry, calm));

        reconciler(ReaperProperties.MissingContainerAction.RECREATE).reconcileOnce(Instant.now());

        verify(branches).markFailed(eq(hungry), org.mockito.ArgumentMatchers.contains("out of memory (limit 96 MiB)"));
        verify(branches, never()).markFailed(eq(calm), any());
    }

    /**
     * The race: a create finishes while the reconciler lists containers. Listing first and reading
     * rows after made the new READY row look as if its container were missing, and it was recreated
     * from the parent, throwing the new data away.
     */
    @Test
    void aCreateFinishingWhileContainersAreListedIsNotRecreated() {
        Instant now = Instant.now();
        BranchRecord creating = new BranchRecord(UUID.randomUUID(), "new", BranchStatus.CREATING, null, Map.of(),
                false, now, null, now, now);
        BranchRecord ready = new BranchRecord(creating.id(), "new", BranchStatus.READY, "c-new", Map.of(), false,
                now, null, now, now);
        java.util.concurrent.atomic.AtomicBoolean finished = new java.util.concurrent.atomic.AtomicBoolean();
        // the engine answers with the list as it was before the create's container started...
        when(runtime.list(anyMap())).thenAnswer(call -> {
            finished.set(true);
            return List.of();
        });
        // ...and the create saves its READY row right after
        when(branches.live()).thenAnswer(call -> List.of(finished.get() ? ready : creating));

        ReconcilePlan plan = reconciler(ReaperProperties.MissingContainerAction.RECREATE)
                .reconcileOnce(Instant.now().minus(Duration.ofMinutes(2)));

        assertThat(plan.isEmpty()).isTrue();
        verify(branches, never()).recreate(any(), any());
        verify(branches, never()).markFailed(any(), any());
    }

    /** A reset finishing between the container list and the row reread: its new container is kept. */
    @Test
    void aContainerOfAResetFinishingMeanwhileIsNotRemovedAsAnOrphan() {
        Instant now = Instant.now();
        BranchRecord before = new BranchRecord(UUID.randomUUID(), "r", BranchStatus.CREATING, "c-old", Map.of(),
                false, now, null, now, now);
        BranchRecord after = new BranchRecord(before.id(), "r", BranchStatus.READY, "c-new", Map.of(), false, now,
                null, now, now);
        when(runtime.list(anyMap())).thenReturn(List.of(new ContainerSummary("c-new", "n", "img",
                Map.of(Labels.BRANCH_ID, before.id().toString()), "running")));
        Reconciler reconciler = reconciler(ReaperProperties.MissingContainerAction.RECREATE);
        java.util.concurrent.atomic.AtomicBoolean finished = new java.util.concurrent.atomic.AtomicBoolean();
        reconciler.beforeRowsReread = () -> finished.set(true);
        when(branches.live()).thenAnswer(call -> List.of(finished.get() ? after : before));

        reconciler.reconcileOnce(Instant.now().minus(Duration.ofMinutes(2)));

        verify(runtime, never()).remove("c-new");
        verify(branches, never()).recreate(any(), any());
    }

    @Test
    void aReplicaThatDoesNotLeadDoesNotReconcile() {
        when(leadership.isLeader()).thenReturn(false);

        reconciler(ReaperProperties.MissingContainerAction.RECREATE).tick();

        verify(runtime, never()).list(anyMap());
        verify(branches, never()).live();
    }

    /**
     * A replica that becomes the leader repairs at once what a dead one left in transition, however
     * fresh: the repair itself passes over names some replica still holds (BranchMaintenance.act).
     */
    @Test
    void aNewLeaderTakesEveryRowInTransitionAsStale() {
        Instant now = Instant.now();
        BranchRecord interrupted = new BranchRecord(UUID.randomUUID(), "half", BranchStatus.CREATING, null, Map.of(),
                false, now, null, now, now);
        when(runtime.list(anyMap())).thenReturn(List.of());
        when(branches.live()).thenReturn(List.of(interrupted));
        Reconciler reconciler = reconciler(ReaperProperties.MissingContainerAction.RECREATE);

        when(leadership.isLeader()).thenReturn(true);
        reconciler.tick();
        verify(branches, never()).rollBackCreate(any());

        reconciler.elected();
        verify(branches).rollBackCreate(interrupted);
    }
}
