package dev.offshoot.paging;

import java.time.Instant;

/** Positions that sort as text in the order of what they name. */
public final class Positions {

    private Positions() {
    }

    /** An instant (nanoseconds since the epoch, zero-padded so that text order is time order) and a tie-breaker. */
    public static String of(Instant at, Object tieBreaker) {
        long nanos = at.getEpochSecond() * 1_000_000_000L + at.getNano();
        return String.format("%020d", Math.max(0, nanos)) + "/" + tieBreaker;
    }
}
