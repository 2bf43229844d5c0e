package dev.offshoot.tuning;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The statement measured as it is (candidate 0) or after one candidate change, on the copy.
 *
 * @param runsMs     planning plus execution time of each measured run, in run order
 * @param medianMs   the median of runsMs: what variants are compared by
 * @param rows       rows the statement returned (or changed): a rewrite must return as many
 * @param plan       the plan's shape (see {@link PlanSummary#shape})
 * @param summary    the plan of the warm-up run (which had per-node timings), summarised
 * @param indexBytes the size of the indexes the candidate built
 * @param buildMs    how long the candidate itself took on the copy (an index's build)
 * @param error      why it was not measured (SQLSTATE and message, or the time limit)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record Measurement(int candidate, String kind, String change, List<Double> runsMs, Double medianMs, Double minMs,
        Double maxMs, Long rows, String plan, PlanSummary summary, Long indexBytes, Long buildMs, String error) {

    static Measurement failed(int candidate, String kind, String change, String error) {
        return new Measurement(candidate, kind, change, null, null, null, null, null, null, null, null, null, error);
    }

    static Measurement of(int candidate, String kind, String change, List<Double> runsMs, PlanSummary summary,
            Long indexBytes, Long buildMs) {
        List<Double> sorted = new ArrayList<>(runsMs);
        sorted.sort(Double::compare);
        return new Measurement(candidate, kind, change, List.copyOf(runsMs), PlanSummary.round(median(sorted)),
                sorted.getFirst(), sorted.getLast(), summary.actualRows(), summary.shape(), summary, indexBytes,
                buildMs, null);
    }

    boolean measured() {
        return error == null && medianMs != null;
    }

    static double median(List<Double> sorted) {
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
