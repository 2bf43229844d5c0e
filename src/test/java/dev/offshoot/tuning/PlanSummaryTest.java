package dev.offshoot.tuning;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Plans PostgreSQL 15 answered (the fixtures), summarised as a model should read them. */
class PlanSummaryTest {

    static JsonNode plan(String name) {
        try (InputStream in = PlanSummaryTest.class.getResourceAsStream("explain-" + name + ".json")) {
            return JsonMapper.shared().readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void anAnalyzedSequentialScanShowsItsRowsItsTimeAndThatAnIndexMayHelp() {
        PlanSummary summary = PlanSummary.of(plan("analyze"));

        assertThat(summary.nodeTypes()).containsExactly("Aggregate", "Seq Scan");
        assertThat(summary.shape()).isEqualTo("Aggregate(Seq Scan on rental)");
        assertThat(summary.estimatedRows()).isEqualTo(26);
        assertThat(summary.actualRows()).isEqualTo(1);
        assertThat(summary.executionMs()).isEqualTo(1.261);
        assertThat(summary.planningMs()).isEqualTo(0.271);
        assertThat(summary.costliest().getFirst().node()).isEqualTo("Seq Scan on rental");
        assertThat(summary.costliest().getFirst().actualRows()).isEqualTo(27);
        assertThat(summary.costliest().getFirst().share()).isGreaterThan(0.9);
        assertThat(summary.notes()).singleElement().asString()
                .contains("Seq Scan on rental discards 15973 rows", "(customer_id = 42)", "an index");
    }

    @Test
    void aPlainPlanIsSummarisedByCostWithoutActualRowsOrTimes() {
        PlanSummary summary = PlanSummary.of(plan("plain"));

        assertThat(summary.actualRows()).isNull();
        assertThat(summary.executionMs()).isNull();
        assertThat(summary.costliest().getFirst().node()).isEqualTo("Seq Scan on rental");
        assertThat(summary.costliest().getFirst().ownMs()).isNull();
        assertThat(summary.costliest().getFirst().ownCost()).isEqualTo(350.0);
        assertThat(summary.notes()).isEmpty();
    }

    @Test
    void runsWithoutTimingStillCountRowsAndHaveTheSameShapeAsWithTiming() {
        PlanSummary timed = PlanSummary.of(plan("analyze"));
        PlanSummary untimed = PlanSummary.of(plan("timingoff"));

        assertThat(untimed.shape()).isEqualTo(timed.shape());
        assertThat(untimed.actualRows()).isEqualTo(1);
        assertThat(untimed.executionMs()).isPositive();
    }

    @Test
    void anIndexChangesTheShapeAndNamesTheIndex() {
        PlanSummary indexed = PlanSummary.of(plan("indexed"));

        assertThat(indexed.shape()).isEqualTo("Aggregate(Bitmap Heap Scan on rental(Bitmap Index Scan using"
                + " rental_customer_idx))");
        assertThat(indexed.shape()).isNotEqualTo(PlanSummary.of(plan("analyze")).shape());
        assertThat(indexed.notes()).isEmpty();
    }

    @Test
    void timesOfInnerNodesCountOverAllTheirLoops() {
        PlanSummary summary = PlanSummary.of(plan("loops"));

        PlanSummary.Node heap = summary.costliest().stream()
                .filter(n -> n.node().equals("Bitmap Heap Scan on rental")).findFirst().orElseThrow();
        assertThat(heap.loops()).isEqualTo(12);
        assertThat(heap.actualRows()).isEqualTo(27 * 12);
        // 0.849 ms per loop over 12 loops, less its child's 0.532 ms per loop
        assertThat(heap.ownMs()).isCloseTo(12 * (0.849 - 0.532), org.assertj.core.data.Offset.offset(0.01));
        assertThat(summary.costliest().getFirst().node()).isEqualTo("Bitmap Index Scan using rental_customer_idx");
    }

    @Test
    void aMisestimateAndASortThatSpilledAreNoted() {
        assertThat(PlanSummary.of(plan("misestimate")).notes()).anySatisfy(n -> assertThat(n)
                .contains("Seq Scan on skew was estimated at 2 rows and returned 200", "extended statistics"));
        assertThat(PlanSummary.of(plan("sort")).notes()).anySatisfy(n -> assertThat(n)
                .contains("Sort spilled", "work_mem"));
    }

    @Test
    void misestimatesCountFromTenTimesEitherWay() {
        assertThat(PlanSummary.misestimated(10, 100)).isTrue();
        assertThat(PlanSummary.misestimated(100, 10)).isTrue();
        assertThat(PlanSummary.misestimated(10, 99)).isFalse();
        assertThat(PlanSummary.misestimated(0, 5)).isFalse();
    }
}
