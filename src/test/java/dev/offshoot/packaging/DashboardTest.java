package dev.offshoot.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The Grafana dashboard reads only metrics the service exports: Offshoot's own meters as declared in
 * src/main (counters and timers appear in a scrape only once used, so a scrape alone cannot tell), and
 * Spring Boot's / Micrometer's standard ones (checked against a live scrape by ComposeIT).
 */
class DashboardTest {

    /** Framework meters the dashboard may use; ComposeIT finds each in a real scrape. */
    static final Set<String> FRAMEWORK_METRICS = Set.of(
            "http_server_requests_seconds_count", "http_server_requests_seconds_sum",
            "hikaricp_connections_active", "hikaricp_connections_pending", "hikaricp_connections_max",
            "jvm_memory_used_bytes", "jvm_memory_max_bytes", "process_cpu_usage", "process_uptime_seconds");

    private static final Pattern METER = Pattern.compile(
            "(Counter|Timer|Gauge|MultiGauge)\\.builder\\(\\s*\"([a-z0-9_.]+)\"|\\.(counter|timer|gauge)\\(\\s*\"([a-z0-9_.]+)\"");

    @Test
    void everyPanelQueriesSomething() {
        Dashboard dashboard = Dashboard.load();
        assertThat(dashboard.json().path("panels")).isNotEmpty();
        for (var panel : dashboard.json().path("panels")) {
            assertThat(panel.path("targets")).as(panel.path("title").asString()).isNotEmpty();
        }
        assertThat(dashboard.json().path("uid").asString()).isEqualTo("offshoot");
    }

    @Test
    void everyMetricItReadsIsExported() throws IOException {
        Set<String> exported = new TreeSet<>(FRAMEWORK_METRICS);
        exported.addAll(offshootMetersInSources());
        assertThat(offshootMetersInSources()).contains("offshoot_reaper_reaped_total", "offshoot_reconciler_engine_up",
                "offshoot_reconciler_duration_seconds_count", "offshoot_branches", "offshoot_branch_create_seconds_bucket")
                .doesNotContain("offshoot_reconciler_duration_seconds_bucket");
        assertThat(Dashboard.load().metricNames()).isNotEmpty().isSubsetOf(exported);
    }

    @Test
    void metricNamesAreReadFromPromQl() {
        assertThat(Dashboard.metricNames(
                "sum by (method, uri) (rate(http_server_requests_seconds_sum{instance=~\"$instance\",uri=~\"/api/v1/.*\"}[5m]))"
                        + " / on (uri) offshoot_typo_total offset 5m"))
                .containsExactly("http_server_requests_seconds_sum", "offshoot_typo_total");
        assertThat(Dashboard.metricNames("label_values(offshoot_reconciler_engine_up, instance)"))
                .containsExactly("offshoot_reconciler_engine_up");
    }

    /**
     * Prometheus names of the meters registered in src/main/java (Micrometer's naming convention);
     * a timer's buckets when its file publishes a percentile histogram.
     */
    static Set<String> offshootMetersInSources() throws IOException {
        Set<String> names = new TreeSet<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String source = Files.readString(file);
                boolean histograms = source.contains("publishPercentileHistogram()");
                Matcher m = METER.matcher(source);
                while (m.find()) {
                    String type = (m.group(1) != null ? m.group(1) : m.group(3)).toLowerCase();
                    String base = (m.group(2) != null ? m.group(2) : m.group(4)).replace('.', '_');
                    switch (type) {
                        case "counter" -> names.add(base + "_total");
                        case "timer" -> {
                            names.addAll(Set.of(base + "_seconds_count", base + "_seconds_sum", base + "_seconds_max"));
                            if (histograms) {
                                names.add(base + "_seconds_bucket");
                            }
                        }
                        default -> names.add(base);
                    }
                }
            }
        }
        return names;
    }
}
