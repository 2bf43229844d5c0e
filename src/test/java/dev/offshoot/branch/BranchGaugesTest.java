package dev.offshoot.branch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

import java.util.List;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.offshoot.Scrape;

/** Branch counts from the store become gauges by status and template; gone ones drop out. */
class BranchGaugesTest {

    final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    final BranchGauges gauges = new BranchGauges(mock(JdbcTemplate.class), meters);

    @Test
    void countsByStatusAndTemplateAndPooledMembersAsReady() {
        gauges.publish(List.of(new BranchGauges.Count("READY", "shop", 3), new BranchGauges.Count("POOLED", "shop", 2),
                new BranchGauges.Count("FAILED", "crm", 1)));

        Scrape scrape = new Scrape(meters.scrape());
        assertThat(scrape.value("offshoot_branches{status=\"READY\",template=\"shop\"}")).isEqualTo(3);
        assertThat(scrape.value("offshoot_branches{status=\"FAILED\",template=\"crm\"}")).isEqualTo(1);
        assertThat(scrape.value("offshoot_pool_members_ready{template=\"shop\"}")).isEqualTo(2);
    }

    @Test
    void aStatusWithNoBranchLeftDropsOut() {
        gauges.publish(List.of(new BranchGauges.Count("READY", "shop", 3), new BranchGauges.Count("POOLED", "shop", 2)));
        gauges.publish(List.of(new BranchGauges.Count("READY", "shop", 4)));

        String text = meters.scrape();
        assertThat(new Scrape(text).value("offshoot_branches{status=\"READY\",template=\"shop\"}")).isEqualTo(4);
        assertThat(text).doesNotContain("status=\"POOLED\"").doesNotContain("offshoot_pool_members_ready{");
    }
}
