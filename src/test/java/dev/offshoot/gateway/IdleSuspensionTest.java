package dev.offshoot.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import dev.offshoot.audit.AuditLog;
import dev.offshoot.branch.BranchMaintenance;
import dev.offshoot.branch.BranchMaintenance.BranchRecord;
import dev.offshoot.branch.BranchStatus;
import dev.offshoot.config.GatewayProperties;
import dev.offshoot.replica.Leadership;

/**
 * Of replicas, each records the activity of connections through its own gateway; only the leader
 * of the background jobs suspends.
 */
class IdleSuspensionTest {

    static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");

    final BranchMaintenance branches = mock(BranchMaintenance.class);
    final Connections connections = new Connections();
    final Leadership leadership = mock(Leadership.class);
    final IdleSuspension idle = new IdleSuspension(branches, connections,
            GatewayPropertiesFixture.with(GatewayProperties.PlainText.NONE), mock(AuditLog.class), leadership,
            new SimpleMeterRegistry());

    @Test
    void aReplicaThatDoesNotLeadRecordsItsConnectionsButSuspendsNothing() {
        BranchRecord idleOne = IdlePlanTest.branch(BranchStatus.READY, NOW.minus(Duration.ofHours(2)), null);
        BranchRecord usedHere = IdlePlanTest.branch(BranchStatus.READY, NOW.minus(Duration.ofHours(2)), null);
        when(branches.live()).thenReturn(List.of(idleOne, usedHere));
        connections.openBranch(usedHere.id().toString(), 10);

        assertThat(idle.passOnce(NOW, false)).isZero();

        verify(branches).recordActivity(usedHere, NOW);
        verify(branches, never()).suspendIdle(any());
    }

    @Test
    void theLeaderSuspendsTheIdleBranches() {
        BranchRecord idleOne = IdlePlanTest.branch(BranchStatus.READY, NOW.minus(Duration.ofHours(2)), null);
        when(branches.live()).thenReturn(List.of(idleOne));
        when(branches.suspendIdle(idleOne)).thenReturn(true);

        assertThat(idle.passOnce(NOW, true)).isEqualTo(1);

        verify(branches).suspendIdle(idleOne);
    }

    @Test
    void theScheduledPassAsksForTheLead() {
        BranchRecord idleOne = IdlePlanTest.branch(BranchStatus.READY, Instant.now().minus(Duration.ofHours(2)), null);
        when(branches.live()).thenReturn(List.of(idleOne));
        when(leadership.isLeader()).thenReturn(false);

        idle.tick();

        verify(leadership).isLeader();
        verify(branches, never()).suspendIdle(any());
    }
}
