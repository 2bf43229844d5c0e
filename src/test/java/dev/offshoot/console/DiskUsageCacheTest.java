package dev.offshoot.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import dev.offshoot.branch.BranchStatus;
import dev.offshoot.branch.BranchView;

class DiskUsageCacheTest {

    static List<BranchView> branches(int count) {
        return IntStream.range(0, count).mapToObj(i -> CleanupSuggestionsTest.branch("b" + i, BranchStatus.READY, null,
                "ci", null, null, false, null)).toList();
    }

    static final class MovableClock extends Clock {
        Instant now = Instant.parse("2026-05-10T12:00:00Z");

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void eachCallMeasuresAtMostItsBudgetAndRemembersTheRest() {
        DiskUsageCache cache = new DiskUsageCache(new MovableClock());
        List<BranchView> all = branches(DiskUsageCache.BUDGET * 2 + 1);
        List<String> measured = new ArrayList<>();

        List<BranchView> first = cache.fill(all, b -> {
            measured.add(b.name());
            return 100L;
        });

        assertThat(measured).hasSize(DiskUsageCache.BUDGET);
        assertThat(first.stream().filter(b -> b.diskUsageBytes() != null)).hasSize(DiskUsageCache.BUDGET);
        cache.fill(all, b -> 100L);
        List<BranchView> third = cache.fill(all, b -> 100L);
        assertThat(third).allSatisfy(b -> assertThat(b.diskUsageBytes()).isEqualTo(100L));
    }

    @Test
    void aFigureOlderThanItsMaximumAgeIsMeasuredAgain() {
        MovableClock clock = new MovableClock();
        DiskUsageCache cache = new DiskUsageCache(clock);
        List<BranchView> one = branches(1);
        cache.fill(one, b -> 1L);

        assertThat(cache.fill(one, b -> 2L).getFirst().diskUsageBytes()).isEqualTo(1L);
        clock.now = clock.now.plus(DiskUsageCache.MAX_AGE).plus(Duration.ofSeconds(1));
        assertThat(cache.fill(one, b -> 2L).getFirst().diskUsageBytes()).isEqualTo(2L);
    }
}
