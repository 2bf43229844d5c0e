package dev.offshoot.reaper;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import dev.offshoot.branch.BranchMaintenance.BranchRecord;
import dev.offshoot.branch.BranchStatus;

/** Which live branches a sweep reaps, and in which order: expired first (oldest expiry first), then idle. */
final class SweepSelection {

    record Due(BranchRecord branch, ReapAudit.Reason reason) {
    }

    private SweepSelection() {
    }

    /**
     * Expired: READY, SUSPENDED or FAILED past expiresAt (a FAILED branch still holds its name and endpoint).
     * Idle: READY or SUSPENDED with no recorded activity (the gateway records its connections, a wake
     * counts as one) for idleTimeout (zero disables); the caller confirms with a running branch
     * itself before acting. Protected branches are never due.
     */
    static List<Due> select(List<BranchRecord> live, Instant now, Duration idleTimeout) {
        List<Due> due = new ArrayList<>();
        live.stream()
                .filter(b -> !b.protectedBranch() && settled(b.status()))
                .filter(b -> b.expiresAt() != null && !b.expiresAt().isAfter(now))
                .sorted(Comparator.comparing(BranchRecord::expiresAt))
                .forEach(b -> due.add(new Due(b, ReapAudit.Reason.TTL)));
        if (!idleTimeout.isZero()) {
            Instant idleBefore = now.minus(idleTimeout);
            live.stream()
                    .filter(b -> !b.protectedBranch()
                            && (b.status() == BranchStatus.READY || b.status() == BranchStatus.SUSPENDED))
                    .filter(b -> b.expiresAt() == null || b.expiresAt().isAfter(now))
                    .filter(b -> lastSign(b).isBefore(idleBefore))
                    .sorted(Comparator.comparing(SweepSelection::lastSign))
                    .forEach(b -> due.add(new Due(b, ReapAudit.Reason.IDLE)));
        }
        return due;
    }

    private static boolean settled(BranchStatus status) {
        return status == BranchStatus.READY || status == BranchStatus.SUSPENDED || status == BranchStatus.FAILED;
    }

    private static Instant lastSign(BranchRecord b) {
        return b.lastActivityAt() != null ? b.lastActivityAt() : b.createdAt();
    }
}
