package dev.offshoot.branch;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.offshoot.Api;
import dev.offshoot.IntegrationTest;
import dev.offshoot.Scrape;
import dev.offshoot.mcp.McpTestClient;

/**
 * Creates are timed in the service, so a REST create and an MCP create both count and an
 * idempotent repeat does not; live branches show as gauges by status and template.
 */
class BranchMetricsIT extends IntegrationTest {

    @LocalServerPort
    int port;

    @Test
    void restAndMcpCreatesCountOnceEachAndLiveBranchesShowByTemplate() {
        Api api = new Api(port, ADMIN_TOKEN);
        String suffix = UUID.randomUUID().toString().substring(0, 6);
        String template = "metrics-" + suffix;
        assertThat(api.post("/api/v1/templates", Map.of("name", template)).status()).isEqualTo(201);
        String created = "offshoot_branch_create_seconds_count{outcome=\"success\",source=\"template\"}";
        double before = scrape().value(created);

        assertThat(api.post("/api/v1/branches", Map.of("name", "rest-" + suffix, "template", template)).status())
                .isEqualTo(201);
        try (McpTestClient mcp = new McpTestClient(port, ADMIN_TOKEN)) {
            var answer = mcp.call("create_branch", Map.of("name", "mcp-" + suffix, "template", template));
            assertThat(answer.isError()).as(McpTestClient.text(answer)).isNotEqualTo(Boolean.TRUE);
        }
        assertThat(api.post("/api/v1/branches", Map.of("name", "rest-" + suffix, "template", template)).status())
                .as("the idempotent repeat").isEqualTo(200);

        Scrape after = scrape();
        assertThat(after.value(created)).isEqualTo(before + 2);
        assertThat(after.text()).contains(
                "offshoot_branch_create_seconds_bucket{outcome=\"success\",source=\"template\",le=\"+Inf\"}",
                "offshoot_storage_free_bytes", "offshoot_storage_used_bytes");
        String ready = "offshoot_branches{status=\"READY\",template=\"" + template + "\"}";
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(scrape().value(ready)).isEqualTo(2));

        api.delete("/api/v1/templates/" + template + "?force=true");
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(scrape().text()).doesNotContain("template=\"" + template + "\""));
    }

    private Scrape scrape() {
        return Scrape.of(port, ADMIN_TOKEN);
    }
}
