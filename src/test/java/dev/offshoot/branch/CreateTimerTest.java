package dev.offshoot.branch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import dev.offshoot.Scrape;
import dev.offshoot.error.OffshootException;

/** Creates are timed by source and outcome, as a histogram Prometheus can take percentiles of. */
class CreateTimerTest {

    final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    final CreateTimer timer = new CreateTimer(meters);

    @Test
    void aCreateServedByThePoolCountsAsPoolWithBuckets() {
        timer.time("template", source -> {
            source.set("pool");
            return "made";
        });

        Scrape scrape = new Scrape(meters.scrape());
        assertThat(scrape.value("offshoot_branch_create_seconds_count{outcome=\"success\",source=\"pool\"}")).isEqualTo(1);
        assertThat(scrape.value("offshoot_branch_create_seconds_count{outcome=\"success\",source=\"template\"}")).isZero();
        assertThat(scrape.text()).contains("offshoot_branch_create_seconds_bucket{outcome=\"success\",source=\"pool\",le=\"+Inf\"} 1");
    }

    @Test
    void theCallersMistakesAreRefusalsNotFailures() {
        assertThatThrownBy(() -> timer.time("template", source -> {
            throw new OffshootException(OffshootException.Kind.RATE_LIMITED, "QUOTA_EXCEEDED", "quota");
        })).hasMessage("quota");
        assertThatThrownBy(() -> timer.time("branch", source -> {
            throw new OffshootException(OffshootException.Kind.FAILED, "CONTAINER_FAILED", "oom");
        })).hasMessage("oom");
        assertThatThrownBy(() -> timer.time("branch", source -> {
            throw new IllegalStateException("bug");
        })).hasMessage("bug");

        Scrape scrape = new Scrape(meters.scrape());
        assertThat(scrape.value("offshoot_branch_create_seconds_count{outcome=\"refused\",source=\"template\"}")).isEqualTo(1);
        assertThat(scrape.value("offshoot_branch_create_seconds_count{outcome=\"failure\",source=\"branch\"}")).isEqualTo(2);
    }
}
