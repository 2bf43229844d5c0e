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
import dev.offshoot.config.ReaperProperties;
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
    final AuditLog audit = mock(AuditLog.class);
    final IdleSuspension idle = new IdleSuspension(branches, connections,
            GatewayPropertiesFixture.with(GatewayProperties.PlainText.NONE), reaper(Duration.ZERO,
                    ReaperProperties.IdleAction.DELETE), audit, leadership, new SimpleMeterRegistry());

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
    void theAuditSaysWhichIdleSuspensionApplied() {
        BranchRecord own = IdlePlanTest.withIdle(IdlePlanTest.branch(BranchStatus.READY,
                NOW.minus(Duration.ofMinutes(3)), null), Duration.ofMinutes(2));
        when(branches.live()).thenReturn(List.of(own));
        when(branches.suspendIdle(own)).thenReturn(true);

        assertThat(idle.passOnce(NOW, true)).isEqualTo(1);

        verify(audit).record("gateway", "system", "branch.suspend", "branch", own.name(), true, null,
                "no connection for PT2M");
    }

    /** offshoot.reaper.idle-action=stop, deprecated: its timeout suspends through the gateway when it is the shorter. */
    @Test
    void theReapersIdleStopBecomesTheGatewaysIdleSuspension() {
        BranchRecord sixMinutes = IdlePlanTest.branch(BranchStatus.READY, NOW.minus(Duration.ofMinutes(6)), null);
        BranchRecord threeMinutes = IdlePlanTest.branch(BranchStatus.READY, NOW.minus(Duration.ofMinutes(3)), null);
        when(branches.live()).thenReturn(List.of(sixMinutes, threeMinutes));
        when(branches.suspendIdle(any())).thenReturn(true);
        IdleSuspension aliased = new IdleSuspension(branches, connections,
                GatewayPropertiesFixture.with(GatewayProperties.PlainText.NONE),
                reaper(Duration.ofMinutes(2), ReaperProperties.IdleAction.STOP), audit, leadership,
                new SimpleMeterRegistry());

        assertThat(idle.passOnce(NOW, true)).as("offshoot.gateway.idle-suspend of 5 minutes").isEqualTo(1);
        assertThat(aliased.passOnce(NOW, true)).as("the reaper's 2 minutes").isEqualTo(2);
    }

    static ReaperProperties reaper(Duration idleTimeout, ReaperProperties.IdleAction action) {
        return new ReaperProperties("", "", ReaperProperties.ReapOn.MERGED, Duration.ofMinutes(1), Duration.ZERO,
                Duration.ZERO, idleTimeout, action, 20, Duration.ofMinutes(2),
                ReaperProperties.MissingContainerAction.RECREATE, 20, java.util.Map.of(), java.util.Map.of(),
                Duration.ofDays(7), Duration.ofDays(30));
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
