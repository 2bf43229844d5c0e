package dev.offshoot.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/** Durations of repeated runs of one measurement, in milliseconds; nearest-rank percentiles. */
final class Stats {

    private final List<Double> millis = new ArrayList<>();

    void add(long nanos) {
        millis.add(nanos / 1e6);
    }

    double percentile(int p) {
        List<Double> sorted = new ArrayList<>(millis);
        Collections.sort(sorted);
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }

    int count() {
        return millis.size();
    }

    boolean isEmpty() {
        return millis.isEmpty();
    }

    String p(int p) {
        return isEmpty() ? "n/a" : duration(percentile(p) * 1e6);
    }

    static String duration(double nanos) {
        double ms = nanos / 1e6;
        return ms < 1000 ? String.format(Locale.ROOT, "%.0f ms", ms) : String.format(Locale.ROOT, "%.2f s", ms / 1000);
    }

    /** Milliseconds with two decimals: connection setups take a few. */
    static String precise(double millis) {
        return String.format(Locale.ROOT, "%.2f ms", millis);
    }

    static String bytes(long bytes) {
        if (bytes < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.0f KB", bytes / 1024.0);
        }
        return bytes < 1024L * 1024 * 1024 ? String.format(Locale.ROOT, "%.1f MB", bytes / 1048576.0)
                : String.format(Locale.ROOT, "%.2f GB", bytes / 1073741824.0);
    }
}
