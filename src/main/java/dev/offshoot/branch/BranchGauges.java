package dev.offshoot.branch;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Live branches as gauges, read from the metadata store every 10 seconds: {@code offshoot.branches}
 * by status and template, and {@code offshoot.pool.members.ready} (parked warm-pool members) by
 * template. Every replica reads the one store, so every replica shows the same figures: a query
 * takes their {@code max}, not their sum. A status or template that no longer has a branch drops out.
 */
@Component
class BranchGauges {

    private static final Logger log = LoggerFactory.getLogger(BranchGauges.class);

    private final JdbcTemplate jdbc;
    private final MultiGauge branches;
    private final MultiGauge ready;

    BranchGauges(JdbcTemplate jdbc, MeterRegistry meters) {
        this.jdbc = jdbc;
        this.branches = MultiGauge.builder("offshoot.branches")
                .description("branches not deleted, by status and template").register(meters);
        this.ready = MultiGauge.builder("offshoot.pool.members.ready")
                .description("warm-pool members parked and ready to be claimed, by template").register(meters);
    }

    /** A count of branches in one status of one template. */
    record Count(String status, String template, long branches) {
    }

    @Scheduled(fixedDelayString = "10s", initialDelayString = "0s")
    void refresh() {
        try {
            publish(jdbc.query("SELECT b.status, t.name, count(*) FROM branch b JOIN template t ON t.id = b.template_id"
                    + " WHERE b.status <> 'DELETED' GROUP BY b.status, t.name",
                    (rs, row) -> new Count(rs.getString(1), rs.getString(2), rs.getLong(3))));
        } catch (RuntimeException e) {
            // the last figures stay; the store's own health check says why
            log.debug("branch gauges not refreshed: {}", e.getMessage());
        }
    }

    void publish(List<Count> counts) {
        List<MultiGauge.Row<?>> byStatus = new ArrayList<>();
        Map<String, Long> pooled = new HashMap<>();
        for (Count count : counts) {
            byStatus.add(MultiGauge.Row.of(Tags.of("status", count.status(), "template", count.template()),
                    count.branches()));
            if (count.status().equals(BranchStatus.POOLED.name())) {
                pooled.merge(count.template(), count.branches(), Long::sum);
            }
        }
        branches.register(byStatus, true);
        ready.register(pooled.entrySet().stream()
                .<MultiGauge.Row<?>>map(e -> MultiGauge.Row.of(Tags.of("template", e.getKey()), e.getValue()))
                .toList(), true);
    }
}
