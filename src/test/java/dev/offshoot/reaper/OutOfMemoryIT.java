package dev.offshoot.reaper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.offshoot.Api;
import dev.offshoot.IntegrationTest;
import dev.offshoot.branch.BranchTestSupport;
import tools.jackson.databind.JsonNode;

/** A branch whose Postgres is killed for memory says so instead of just dropping every session. */
class OutOfMemoryIT extends IntegrationTest {

    @LocalServerPort
    int port;

    @Autowired
    Reconciler reconciler;

    @Test
    void aBranchWhosePostgresIsKilledForMemoryBecomesFailedNamingTheLimit() throws Exception {
        Api api = new Api(port, ADMIN_TOKEN);
        String template = "oom-" + suffix();
        String name = "oom-" + suffix();
        api.post("/api/v1/templates", Map.of("name", template));
        JsonNode branch = api.post("/api/v1/branches", Map.of("name", name, "template", template,
                "resources", Map.of("memory", "128MB"))).body();

        try (Connection c = BranchTestSupport.connect(branch); Statement st = c.createStatement()) {
            st.execute("SET work_mem = '2GB'");
            assertThatThrownBy(() -> st.executeQuery("SELECT count(*) FROM (SELECT md5(i::text) FROM"
                    + " generate_series(1, 5000000) i ORDER BY 1) s")).isInstanceOf(SQLException.class);
        }

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            reconciler.reconcileOnce(Instant.now().minus(Duration.ofHours(1)));
            JsonNode seen = api.get("/api/v1/branches/" + name).body();
            assertThat(seen.get("status").asString()).isEqualTo("FAILED");
            assertThat(seen.get("failureReason").asString()).contains("out of memory (limit 128 MiB)");
        });
    }

    static String suffix() {
        return UUID.randomUUID().toString().substring(0, 6);
    }
}
