package dev.offshoot.migration;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

import tools.jackson.databind.JsonNode;

import dev.offshoot.Api;
import dev.offshoot.IntegrationTest;

/** A few huge values no longer make an answer of gigabytes: SQL results are cut at a byte budget. */
class SqlResultBytesIT extends IntegrationTest {

    @LocalServerPort
    int port;

    @Test
    void hugeValuesAreCutAtTheByteBudgetAndMarkedTruncated() {
        Api api = new Api(port, ADMIN_TOKEN);
        String suffix = UUID.randomUUID().toString().substring(0, 6);
        assertThat(api.post("/api/v1/templates", Map.of("name", "bytes-" + suffix)).status()).isEqualTo(201);
        String branch = "bytes-" + suffix;
        assertThat(api.post("/api/v1/branches", Map.of("name", branch, "template", "bytes-" + suffix)).status())
                .isEqualTo(201);
        try {
            // 40 rows of 1 MB each: well within the row limit, five times the byte budget (a writable run:
            // a read-only one is a single statement)
            Api.Response r = api.post("/api/v1/branches/" + branch + "/sql",
                    Map.of("sql", "SELECT repeat('x', 1000000) FROM generate_series(1, 40); SELECT 1"));

            assertThat(r.status()).isEqualTo(200);
            JsonNode big = r.body().get("results").get(0);
            assertThat(big.get("truncated").asBoolean()).isTrue();
            long kept = big.get("rows").size();
            assertThat(kept * 1_000_000).isBetween(SqlRunner.MAX_RESULT_BYTES, SqlRunner.MAX_RESULT_BYTES + 1_000_000);
            // the budget is per run: a later statement of the same run gets nothing more
            assertThat(r.body().get("results").get(1).get("rows")).isEmpty();
            assertThat(r.body().get("results").get(1).get("truncated").asBoolean()).isTrue();
        } finally {
            api.delete("/api/v1/branches/" + branch);
        }
    }
}
