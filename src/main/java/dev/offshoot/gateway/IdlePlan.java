package dev.offshoot.gateway;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import dev.offshoot.branch.BranchMaintenance.BranchRecord;
import dev.offshoot.branch.BranchStatus;

/**
 * What an idle pass does, from what it observed: the READY branches without a gateway connection
 * for their idle suspension (their own, their template's, else the service's) are suspended (those
 * idle longest first; never those whose setting is zero), and the branches used
 * through this gateway since their recorded activity get it recorded (now while connections are
 * open, else when the last one ended), at most once a minute each: the store is where a replica
 * learns of connections through the others'. A branch's last sign of use is the latest of its
 * gateway connections' end, its recorded activity and its last status change (a wake, a reset), so
 * a branch just woken or created is never due.
 */
record IdlePlan(List<BranchRecord> suspend, List<Activity> active) {

    /** A branch's use to record: at this time. */
    record Activity(BranchRecord branch, Instant at) {
    }

    /** How stale a busy branch's recorded activity may get before it is written again. */
    static final Duration ACTIVITY_WRITE = Duration.ofMinutes(1);

    /** @param fallback the idle suspension of records that carry none (the service's) */
    static IdlePlan of(List<BranchRecord> live, Map<String, Connections.Usage> usage, Instant now, Duration fallback) {
        List<BranchRecord> suspend = new ArrayList<>();
        List<Activity> active = new ArrayList<>();
        for (BranchRecord b : live) {
            if (b.status() != BranchStatus.READY) {
                continue;
            }
            Connections.Usage used = usage.get(b.id().toString());
            Instant usedAt = used == null ? null : used.open() > 0 ? now : used.lastActive();
            if (usedAt != null && (b.lastActivityAt() == null
                    || b.lastActivityAt().isBefore(usedAt.minus(ACTIVITY_WRITE)))) {
                active.add(new Activity(b, usedAt));
            }
            boolean open = used != null && used.open() > 0;
            Duration idle = b.idleSuspend() == null ? fallback : b.idleSuspend();
            if (!open && !idle.isZero() && lastSign(b, used).isBefore(now.minus(idle))) {
                suspend.add(b);
            }
        }
        suspend.sort(Comparator.comparing(b -> lastSign(b, usage.get(b.id().toString()))));
        return new IdlePlan(suspend, active);
    }

    static Instant lastSign(BranchRecord b, Connections.Usage used) {
        Instant last = b.statusSince() == null ? b.createdAt() : b.statusSince();
        if (b.lastActivityAt() != null && b.lastActivityAt().isAfter(last)) {
            last = b.lastActivityAt();
        }
        if (used != null && used.lastActive().isAfter(last)) {
            last = used.lastActive();
        }
        return last;
    }
}
