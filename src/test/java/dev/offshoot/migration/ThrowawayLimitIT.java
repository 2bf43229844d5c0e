package dev.offshoot.migration;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.test.context.TestPropertySource;

import io.modelcontextprotocol.spec.McpSchema;

import dev.offshoot.Api;
import dev.offshoot.IntegrationTest;
import dev.offshoot.mcp.McpTestClient;

/**
 * A diff against a template revision starts a throwaway container, also for a read token: each
 * read token may start only so many per window, and is told when to come back.
 */
@TestPropertySource(properties = {"offshoot.quota.throwaways.max-started=2", "offshoot.quota.throwaways.window=10m"})
class ThrowawayLimitIT extends IntegrationTest {

    @LocalServerPort
    int port;

    @Test
    void aReadTokenStartsThrowawaysOnlyWithinItsRateOverRestAndMcp() {
        Api admin = new Api(port, ADMIN_TOKEN);
        String template = "tl-" + suffix();
        String branch = "tl-" + suffix();
        assertThat(admin.post("/api/v1/templates", Map.of("name", template)).status()).isEqualTo(201);
        assertThat(admin.post("/api/v1/branches", Map.of("name", branch, "template", template)).status())
                .isEqualTo(201);
        // the JDK's client: Apache HttpClient's default would itself wait out Retry-After and retry
        Api reader = Api.concurrent(port, token("read"));
        String diff = "/api/v1/branches/" + branch + "/diff?template=" + template;

        Api.Response first = reader.get(diff);
        Api.Response second = reader.get("/api/v1/branches/" + branch + "/diff");
        Api.Response third = reader.get(diff);

        assertThat(first.status()).as(String.valueOf(first.body())).isEqualTo(200);
        assertThat(second.status()).as(String.valueOf(second.body())).isEqualTo(200);
        assertThat(third.status()).as(String.valueOf(third.body())).isEqualTo(429);
        assertThat(third.code()).isEqualTo("THROWAWAY_RATE_LIMITED");
        assertThat(third.body().get("retryable").asBoolean()).isTrue();
        assertThat(Long.parseLong(third.headers().getFirst(HttpHeaders.RETRY_AFTER))).isBetween(1L, 600L);
        assertThat(reader.get("/api/v1/branches/" + branch + "/diff?against=" + branch).status())
                .as("a diff against a live branch starts no container").isEqualTo(200);
        assertThat(Api.concurrent(port, token("read")).get(diff).status()).as("another token has its own budget")
                .isEqualTo(200);
    }

    /** A writer starts branches of its own anyway: its throwaways count against the live-branch quotas. */
    @Test
    void aWriteTokensThrowawaysAreBoundByTheQuotasAlone() {
        Api admin = new Api(port, ADMIN_TOKEN);
        String template = "tw-" + suffix();
        String branch = "tw-" + suffix();
        assertThat(admin.post("/api/v1/templates", Map.of("name", template)).status()).isEqualTo(201);
        assertThat(admin.post("/api/v1/branches", Map.of("name", branch, "template", template)).status())
                .isEqualTo(201);
        Api writer = Api.concurrent(port, token("write"));

        for (int i = 0; i < 3; i++) {
            assertThat(writer.get("/api/v1/branches/" + branch + "/diff?template=" + template).status())
                    .isEqualTo(200);
        }
    }

    @Test
    void compareSchemaOverMcpCountsAgainstTheSameBudget() {
        Api admin = new Api(port, ADMIN_TOKEN);
        String template = "tm-" + suffix();
        String branch = "tm-" + suffix();
        assertThat(admin.post("/api/v1/templates", Map.of("name", template)).status()).isEqualTo(201);
        assertThat(admin.post("/api/v1/branches", Map.of("name", branch, "template", template)).status())
                .isEqualTo(201);
        String secret = token("read");
        assertThat(Api.concurrent(port, secret).get("/api/v1/branches/" + branch + "/diff?template=" + template)
                .status())
                .isEqualTo(200);

        try (McpTestClient mcp = new McpTestClient(port, secret)) {
            McpSchema.CallToolResult allowed = mcp.call("compare_schema", Map.of("branch", branch, "template",
                    template));
            McpSchema.CallToolResult refused = mcp.call("compare_schema", Map.of("branch", branch, "template",
                    template));

            assertThat(allowed.isError()).as(McpTestClient.text(allowed)).isFalse();
            assertThat(refused.isError()).isTrue();
            assertThat(McpTestClient.text(refused)).startsWith("THROWAWAY_RATE_LIMITED");
        }
    }

    private String token(String scope) {
        return new Api(port, ADMIN_TOKEN).post("/api/v1/tokens", Map.of("name", "tl-" + suffix(), "scopes",
                List.of(scope))).body().get("token").asString();
    }

    private static String suffix() {
        return UUID.randomUUID().toString().substring(0, 6);
    }
}
