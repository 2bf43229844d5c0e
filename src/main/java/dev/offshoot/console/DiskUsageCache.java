package dev.offshoot.console;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import org.springframework.stereotype.Component;

import dev.offshoot.branch.BranchView;

/**
 * The own disk of each branch for the console's table. Measuring one costs the engine a walk of the
 * container's layer, so a list of 500 cannot measure them all on every poll: each request measures
 * at most {@link #BUDGET} branches whose figure is missing or older than {@link #MAX_AGE} (missing
 * first, then oldest), and shows the last known figure for the rest.
 */
@Component
class DiskUsageCache {

    static final int BUDGET = 6;
    static final Duration MAX_AGE = Duration.ofMinutes(2);

    private record Measured(Long bytes, Instant at) {
    }

    private final Map<String, Measured> byId = new ConcurrentHashMap<>();
    private final Clock clock;

    DiskUsageCache() {
        this(Clock.systemUTC());
    }

    DiskUsageCache(Clock clock) {
        this.clock = clock;
    }

    /** The branches with their own disk filled in where known; {@code measure} asks the engine for one. */
    List<BranchView> fill(List<BranchView> branches, Function<BranchView, Long> measure) {
        Instant now = clock.instant();
        List<BranchView> stale = new ArrayList<>(branches.stream().filter(b -> isStale(b, now)).toList());
        stale.sort(Comparator.comparing(b -> byId.containsKey(b.id()) ? byId.get(b.id()).at() : Instant.MIN));
        for (BranchView b : stale.subList(0, Math.min(BUDGET, stale.size()))) {
            byId.put(b.id(), new Measured(measure.apply(b), now));
        }
        byId.keySet().retainAll(branches.stream().map(BranchView::id).collect(java.util.stream.Collectors.toSet()));
        return branches.stream().map(b -> {
            Measured m = byId.get(b.id());
            return m == null || m.bytes() == null ? b : withDisk(b, m.bytes());
        }).toList();
    }

    private boolean isStale(BranchView b, Instant now) {
        Measured m = byId.get(b.id());
        return m == null || m.at().isBefore(now.minus(MAX_AGE));
    }

    static BranchView withDisk(BranchView b, Long bytes) {
        return new BranchView(b.id(), b.name(), b.status(), b.created(), b.template(), b.templateRevision(),
                b.parentBranch(), b.labels(), b.createdBy(), b.createdAt(), b.expiresAt(), b.lastActivityAt(),
                b.protectedBranch(), b.failureReason(), bytes, b.connection(), b.readOnlyConnection(),
                b.idleSuspend(), b.idleSuspendFrom());
    }
}
