package dev.offshoot.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.offshoot.branch.BranchMaintenance.BranchRecord;
import dev.offshoot.branch.BranchStatus;

class IdlePlanTest {

    static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
    static final Duration IDLE = Duration.ofMinutes(5);

    @Test
    void aReadyBranchWithoutConnectionsForTheIdleTimeIsSuspendedLongestIdleFirst() {
        BranchRecord older = branch(BranchStatus.READY, NOW.minus(Duration.ofHours(2)), null);
        BranchRecord old = branch(BranchStatus.READY, NOW.minus(Duration.ofMinutes(10)), null);
        BranchRecord fresh = branch(BranchStatus.READY, NOW.minus(Duration.ofMinutes(2)), null);

        IdlePlan plan = IdlePlan.of(List.of(old, fresh, older), Map.of(), NOW, IDLE);

        assertThat(plan.suspend()).containsExactly(older, old);
        assertThat(plan.active()).isEmpty();
    }

    @Test
    void openConnectionsKeepABranchAwakeAndRecordItsActivityAtMostOncePerMinute() {
        BranchRecord stale = branch(BranchStatus.READY, NOW.minus(Duration.ofHours(1)), NOW.minus(Duration.ofMinutes(3)));
        BranchRecord recent = branch(BranchStatus.READY, NOW.minus(Duration.ofHours(1)), NOW.minusSeconds(20));
        Map<String, Connections.Usage> usage = Map.of(
                stale.id().toString(), new Connections.Usage(2, NOW.minus(Duration.ofHours(1))),
                recent.id().toString(), new Connections.Usage(1, NOW.minus(Duration.ofHours(1))));

        IdlePlan plan = IdlePlan.of(List.of(stale, recent), usage, NOW, IDLE);

        assertThat(plan.suspend()).isEmpty();
        assertThat(plan.active()).containsExactly(new IdlePlan.Activity(stale, NOW));
    }

    /** Another replica's leader learns of this gateway's use from the store: a closed connection's end is recorded. */
    @Test
    void aConnectionClosedSinceTheRecordedActivityIsRecordedAtItsEnd() {
        BranchRecord usedHere = branch(BranchStatus.READY, NOW.minus(Duration.ofHours(1)), NOW.minus(Duration.ofMinutes(30)));
        BranchRecord recorded = branch(BranchStatus.READY, NOW.minus(Duration.ofHours(1)), NOW.minus(Duration.ofMinutes(2)));
        Instant closed = NOW.minus(Duration.ofMinutes(2));
        Map<String, Connections.Usage> usage = Map.of(usedHere.id().toString(), new Connections.Usage(0, closed),
                recorded.id().toString(), new Connections.Usage(0, closed));

        IdlePlan plan = IdlePlan.of(List.of(usedHere, recorded), usage, NOW, IDLE);

        assertThat(plan.active()).containsExactly(new IdlePlan.Activity(usedHere, closed));
        assertThat(plan.suspend()).isEmpty();
    }

    @Test
    void aRecentlyClosedConnectionOrWakeCountsAsUse() {
        BranchRecord closedLately = branch(BranchStatus.READY, NOW.minus(Duration.ofHours(1)), null);
        BranchRecord wokenLately = branch(BranchStatus.READY, NOW.minus(Duration.ofMinutes(1)), null);

        IdlePlan plan = IdlePlan.of(List.of(closedLately, wokenLately), Map.of(closedLately.id().toString(),
                new Connections.Usage(0, NOW.minus(Duration.ofMinutes(1)))), NOW, IDLE);

        assertThat(plan.suspend()).isEmpty();
    }

    @Test
    void onlyReadyBranchesAreSuspendedAndZeroTurnsItOff() {
        List<BranchRecord> others = List.of(branch(BranchStatus.SUSPENDED, NOW.minus(Duration.ofDays(1)), null),
                branch(BranchStatus.CREATING, NOW.minus(Duration.ofDays(1)), null),
                branch(BranchStatus.FAILED, NOW.minus(Duration.ofDays(1)), null),
                branch(BranchStatus.POOLED, NOW.minus(Duration.ofDays(1)), null));
        BranchRecord ready = branch(BranchStatus.READY, NOW.minus(Duration.ofDays(1)), null);

        assertThat(IdlePlan.of(others, Map.of(), NOW, IDLE).suspend()).isEmpty();
        assertThat(IdlePlan.of(List.of(ready), Map.of(), NOW, Duration.ZERO).suspend()).isEmpty();
    }

    @Test
    void aBranchsOwnOrItsTemplatesIdleSuspensionReplacesTheServicesAndZeroKeepsItRunning() {
        Instant tenMinutesAgo = NOW.minus(Duration.ofMinutes(10));
        BranchRecord never = withIdle(branch(BranchStatus.READY, tenMinutesAgo, null), Duration.ZERO);
        BranchRecord patient = withIdle(branch(BranchStatus.READY, tenMinutesAgo, null), Duration.ofHours(1));
        BranchRecord eager = withIdle(branch(BranchStatus.READY, NOW.minus(Duration.ofMinutes(2)), null),
                Duration.ofMinutes(1));
        BranchRecord byService = branch(BranchStatus.READY, tenMinutesAgo, null);

        IdlePlan plan = IdlePlan.of(List.of(never, patient, eager, byService), Map.of(), NOW, IDLE);

        assertThat(plan.suspend()).containsExactly(byService, eager);
    }

    static BranchRecord withIdle(BranchRecord b, Duration idle) {
        return new BranchRecord(b.id(), b.name(), b.status(), b.instanceHandle(), b.labels(), b.protectedBranch(),
                b.createdAt(), b.expiresAt(), b.lastActivityAt(), b.statusSince(), idle);
    }

    static BranchRecord branch(BranchStatus status, Instant statusSince, Instant lastActivity) {
        return new BranchRecord(UUID.randomUUID(), "b-" + UUID.randomUUID().toString().substring(0, 4), status, "h",
                Map.of(), false, statusSince.minus(Duration.ofDays(1)), null, lastActivity, statusSince);
    }
}
