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
import dev.offshoot.reaper.SweepSelection.Due;

class SweepSelectionTest {

    static final Instant NOW = Instant.parse("2026-05-01T12:00:00Z");

    static BranchRecord branch(String name, BranchStatus status, Instant expiresAt, Instant lastActivity,
            boolean isProtected) {
        return new BranchRecord(UUID.randomUUID(), name, status, "c-" + name, Map.of(), isProtected,
                NOW.minus(Duration.ofDays(1)), expiresAt, lastActivity, NOW.minus(Duration.ofDays(1)));
    }

    @Test
    void expiredFirstOldestExpiryFirstThenIdle() {
        var late = branch("late", BranchStatus.READY, NOW.minusSeconds(10), NOW, false);
        var early = branch("early", BranchStatus.FAILED, NOW.minusSeconds(100), NOW, false);
        var idle = branch("idle", BranchStatus.READY, null, NOW.minus(Duration.ofHours(2)), false);
        var busy = branch("busy", BranchStatus.READY, NOW.plusSeconds(60), NOW.minusSeconds(5), false);

        List<Due> due = SweepSelection.select(List.of(late, early, idle, busy), NOW, Duration.ofHours(1));

        assertThat(due).extracting(d -> d.branch().name() + ":" + d.reason())
                .containsExactly("early:TTL", "late:TTL", "idle:IDLE");
    }

    @Test
    void protectedAndInFlightBranchesAreNeverDue() {
        var prot = branch("prot", BranchStatus.READY, NOW.minusSeconds(10), NOW.minus(Duration.ofDays(1)), true);
        var creating = branch("creating", BranchStatus.CREATING, NOW.minusSeconds(10), null, false);
        var deleting = branch("deleting", BranchStatus.DELETING, NOW.minusSeconds(10), null, false);

        assertThat(SweepSelection.select(List.of(prot, creating, deleting), NOW, Duration.ofMinutes(1))).isEmpty();
    }

    /** With the gateway, an idle branch is suspended long before it is deleted: its recorded use decides. */
    @Test
    void idleReapingOffWithZeroTimeoutAndSuspendedBranchesAreDueByTheirRecordedActivity() {
        var idle = branch("idle", BranchStatus.READY, null, NOW.minus(Duration.ofDays(2)), false);
        var suspended = branch("suspended", BranchStatus.SUSPENDED, null, NOW.minus(Duration.ofDays(3)), false);
        var usedLately = branch("used", BranchStatus.SUSPENDED, null, NOW.minus(Duration.ofMinutes(30)), false);

        assertThat(SweepSelection.select(List.of(idle, suspended, usedLately), NOW, Duration.ZERO)).isEmpty();
        assertThat(SweepSelection.select(List.of(idle, suspended, usedLately), NOW, Duration.ofHours(1)))
                .extracting(d -> d.branch().name() + ":" + d.reason()).containsExactly("suspended:IDLE", "idle:IDLE");
    }

    @Test
    void notYetExpiredIsNotDue() {
        var fresh = branch("fresh", BranchStatus.READY, NOW.plusSeconds(1), NOW, false);
        assertThat(SweepSelection.select(List.of(fresh), NOW, Duration.ofHours(1))).isEmpty();
    }
}
