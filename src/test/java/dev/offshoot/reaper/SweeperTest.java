package dev.offshoot.reaper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import dev.offshoot.branch.BranchMaintenance;
import dev.offshoot.branch.BranchMaintenance.BranchRecord;
import dev.offshoot.branch.BranchStatus;
import dev.offshoot.config.ReaperProperties;
import dev.offshoot.replica.Leadership;

class SweeperTest {

    final BranchMaintenance branches = mock(BranchMaintenance.class);
    final ReapAudit audit = mock(ReapAudit.class);
    final WebhookDeliveries deliveries = mock(WebhookDeliveries.class);
    final Leadership leadership = mock(Leadership.class);

    static ReaperProperties properties(Duration idleTimeout, ReaperProperties.IdleAction action, int budget) {
        return new ReaperProperties("", "", ReaperProperties.ReapOn.MERGED, Duration.ofMinutes(1), Duration.ZERO,
                Duration.ZERO, idleTimeout, action, budget, Duration.ofMinutes(2),
                ReaperProperties.MissingContainerAction.RECREATE, 20, java.util.Map.of(), java.util.Map.of(),
                Duration.ofDays(7), Duration.ofDays(30));
    }

    static BranchRecord expired(int i) {
        Instant past = Instant.now().minus(Duration.ofHours(1));
        return new BranchRecord(UUID.randomUUID(), "b" + i, BranchStatus.READY, "c" + i, Map.of(), false, past,
                past.plusSeconds(i), Instant.now(), past);
    }

    @Test
    void aTickForgetsBranchesDeletedLongerAgoThanTheRetentionInABoundedBatch() {
        when(leadership.isLeader()).thenReturn(true);
        Instant before = Instant.now();
        new Sweeper(branches, audit, properties(Duration.ZERO, ReaperProperties.IdleAction.DELETE, 2), deliveries,
                leadership).tick();

        var cutoff = org.mockito.ArgumentCaptor.forClass(Instant.class);
        verify(branches).purgeDeleted(cutoff.capture(), eq(Sweeper.PURGES_PER_SWEEP));
        assertThat(cutoff.getValue()).isBetween(before.minus(Duration.ofDays(30)), Instant.now().minus(Duration.ofDays(30)));
    }

    @Test
    void aReplicaThatDoesNotLeadNeitherSweepsNorPrunesDeliveries() {
        when(leadership.isLeader()).thenReturn(false);
        when(branches.live()).thenReturn(List.of(expired(1)));

        new Sweeper(branches, audit, properties(Duration.ZERO, ReaperProperties.IdleAction.DELETE, 2), deliveries,
                leadership).tick();

        verify(branches, never()).live();
        verify(branches, never()).reapDelete(any());
        verify(deliveries, never()).prune(any());
    }

    @Test
    void theLeaderSweepsAndPrunesDeliveries() {
        when(leadership.isLeader()).thenReturn(true);
        BranchRecord due = expired(1);
        when(branches.live()).thenReturn(List.of(due));
        when(branches.reapDelete(any())).thenReturn(true);

        new Sweeper(branches, audit, properties(Duration.ZERO, ReaperProperties.IdleAction.DELETE, 2), deliveries,
                leadership).tick();

        verify(branches).reapDelete(due);
        verify(deliveries).prune(any());
    }

    @Test
    void aSweepReapsNoMoreThanItsBudget() {
        List<BranchRecord> five = IntStream.range(0, 5).mapToObj(SweeperTest::expired).toList();
        when(branches.live()).thenReturn(five);
        when(branches.reapDelete(any())).thenReturn(true);

        int reaped = new Sweeper(branches, audit, properties(Duration.ZERO, ReaperProperties.IdleAction.DELETE, 2), deliveries,
                leadership).sweepOnce();

        assertThat(reaped).isEqualTo(2);
        verify(branches).reapDelete(five.get(0));
        verify(branches).reapDelete(five.get(1));
        verify(branches, times(2)).reapDelete(any());
        verify(audit, times(2)).reaped(any(), eq(ReapAudit.Reason.TTL), eq("delete"), any());
    }

    /** The sweep reads recorded activity only; the branch itself is asked (by reapIdle) only when it is due. */
    @Test
    void idleBranchesAreDeletedByTheirRecordedActivityAndOnlyCandidatesAreAsked() {
        Instant old = Instant.now().minus(Duration.ofHours(3));
        BranchRecord suspended = new BranchRecord(UUID.randomUUID(), "asleep", BranchStatus.SUSPENDED, "c1", Map.of(),
                false, old, null, old, old);
        BranchRecord busy = new BranchRecord(UUID.randomUUID(), "busy", BranchStatus.READY, "c2", Map.of(), false,
                old, null, old, old);
        BranchRecord used = new BranchRecord(UUID.randomUUID(), "used", BranchStatus.READY, "c3", Map.of(), false,
                old, null, Instant.now().minusSeconds(30), old);
        when(branches.live()).thenReturn(List.of(suspended, busy, used));
        when(branches.reapIdle(suspended)).thenReturn(true);
        when(branches.reapIdle(busy)).thenReturn(false);

        int reaped = new Sweeper(branches, audit, properties(Duration.ofHours(1), ReaperProperties.IdleAction.DELETE, 10),
                deliveries, leadership).sweepOnce();

        assertThat(reaped).isEqualTo(1);
        verify(branches, never()).reapIdle(used);
        verify(branches, never()).suspendIdle(any());
        verify(audit).reaped(eq(suspended), eq(ReapAudit.Reason.IDLE), eq("delete"), any());
        verify(audit, never()).reaped(eq(busy), any(), any(), any());
    }

    /** offshoot.reaper.idle-action=stop is the gateway's idle suspension now (IdleSuspend.service). */
    @Test
    void withIdleActionStopTheSweepLeavesIdleBranchesToTheGateway() {
        Instant old = Instant.now().minus(Duration.ofHours(3));
        BranchRecord idle = new BranchRecord(UUID.randomUUID(), "idle", BranchStatus.READY, "c1", Map.of(), false,
                old, null, old, old);
        when(branches.live()).thenReturn(List.of(idle));

        int reaped = new Sweeper(branches, audit, properties(Duration.ofHours(1), ReaperProperties.IdleAction.STOP, 10),
                deliveries, leadership).sweepOnce();

        assertThat(reaped).isZero();
        verify(branches, never()).suspendIdle(any());
        verify(branches, never()).reapIdle(any());
        verify(branches, never()).reapDelete(any());
    }
}
