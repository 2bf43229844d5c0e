package dev.offshoot.migration;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

/** A check's phases are histograms: Prometheus takes percentiles of them across replicas. */
class CheckTimersTest {

    @Test
    void phasesArePublishedWithBuckets() {
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new CheckTimers(meters).copy.record(Duration.ofMillis(300));

        String text = meters.scrape();

        assertThat(text).contains("offshoot_check_seconds_bucket{phase=\"copy\",le=\"+Inf\"} 1")
                .contains("offshoot_check_seconds_bucket{phase=\"copy\",le=\"0.001\"} 0")
                .contains("offshoot_check_seconds_count{phase=\"copy\"} 1");
    }
}
