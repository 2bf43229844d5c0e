package dev.offshoot.tuning;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

/** Which change is recommended, from the measurements alone. */
class ComparisonTest {

    static final List<Candidate> CANDIDATES = List.of(Candidate.of(1, "CREATE INDEX a ON rental (customer_id)"),
            Candidate.of(2, "CREATE INDEX b ON rental (customer_id, rental_date)"),
            Candidate.of(3, "SELECT customer_id, count(*) FROM rental WHERE customer_id = 42 GROUP BY 1"),
            Candidate.of(4, "SET work_mem = '64MB'"));

    static Measurement measured(int candidate, String kind, long rows, String plan, Long indexBytes, double... ms) {
        PlanSummary summary = new PlanSummary(List.of(), 1, 1, rows, 0.0, 0.0, List.of(), List.of(), plan);
        return Measurement.of(candidate, kind, CANDIDATES.get(Math.max(0, candidate - 1)).sql(),
                java.util.Arrays.stream(ms).boxed().toList(), summary, indexBytes, indexBytes == null ? null : 30L);
    }

    static final Measurement BASELINE = measured(0, "as it is", 1, "Aggregate(Seq Scan on rental)", null,
            1.9, 2.0, 2.1, 1.8, 2.2);

    @Test
    void theFastestChangeIsRecommendedWithItsMigration() {
        Comparison.Recommendation r = Comparison.recommend(BASELINE, List.of(
                measured(1, "index", 1, "Aggregate(Index Scan using a on rental)", 400_000L, 0.1, 0.1, 0.12),
                measured(4, "setting", 1, "Aggregate(Seq Scan on rental)", null, 1.9, 2.0, 2.0)),
                CANDIDATES, 1.2);

        assertThat(r.candidate()).isEqualTo(1);
        assertThat(r.speedup()).isEqualTo(20.0);
        assertThat(r.migration()).isEqualTo("CREATE INDEX CONCURRENTLY a ON rental (customer_id);\n");
        assertThat(r.reason()).contains("20.0 times faster", "plan changes from Aggregate(Seq Scan on rental)",
                "390 kB", "complete_query_tuning");
    }

    @Test
    void amongChangesAlmostAsFastTheSmallerIndexWins() {
        Comparison.Recommendation r = Comparison.recommend(BASELINE, List.of(
                measured(1, "index", 1, "x", 400_000L, 0.100, 0.100, 0.100),
                measured(2, "index", 1, "y", 900_000L, 0.097, 0.097, 0.097)), CANDIDATES, 1.2);

        assertThat(r.candidate()).isEqualTo(1);
    }

    @Test
    void aGainWithinTheSpreadOfTheRunsOrBelowTheThresholdIsNone() {
        Comparison.Recommendation small = Comparison.recommend(BASELINE, List.of(
                measured(1, "index", 1, "x", 1000L, 1.8, 1.85, 1.9)), CANDIDATES, 1.2);
        Comparison.Recommendation noisy = Comparison.recommend(BASELINE, List.of(
                measured(1, "index", 1, "x", 1000L, 0.5, 0.5, 2.5)), CANDIDATES, 1.2);

        assertThat(small.candidate()).isNull();
        assertThat(small.reason()).startsWith("keep the statement as it is");
        assertThat(noisy.candidate()).isNull();
    }

    @Test
    void aRewriteThatReturnsOtherRowsIsNotComparable() {
        Comparison.Recommendation r = Comparison.recommend(BASELINE, List.of(
                measured(3, "rewrite", 0, "Result", null, 0.01, 0.01, 0.01)), CANDIDATES, 1.2);

        assertThat(r.candidate()).isNull();
        assertThat(r.reason()).contains("other rows");
    }

    @Test
    void aFailedCandidateIsNeverRecommendedAndShowsInTheTable() {
        Measurement failed = Measurement.failed(1, "index", CANDIDATES.getFirst().sql(), "SQLSTATE 42P07: exists");
        Comparison.Recommendation r = Comparison.recommend(BASELINE, List.of(failed), CANDIDATES, 1.2);
        String table = Comparison.table(BASELINE, List.of(failed,
                measured(2, "index", 1, "y", 500_000L, 0.1, 0.1, 0.1)));

        assertThat(r.candidate()).isNull();
        assertThat(table).contains("| 0 | (as it is) | 2.000 | 1.800-2.200 | 1.00 |")
                .contains("| 1 | CREATE INDEX a ON rental (customer_id) | not measured: SQLSTATE 42P07: exists")
                .contains("| 2 | CREATE INDEX b ON rental (customer_id, rental_date) | 0.100 | 0.100-0.100 | 20.00 | yes"
                        + " | 1 | 488 kB | 30 |");
    }

    @Test
    void theMedianOfAnEvenNumberOfRunsIsTheMeanOfTheMiddleTwo() {
        assertThat(Measurement.median(List.of(1.0, 2.0, 3.0, 10.0))).isEqualTo(2.5);
        assertThat(Measurement.median(List.of(1.0, 2.0, 30.0))).isEqualTo(2.0);
    }
}
