package dev.offshoot.paging;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import tools.jackson.databind.JsonNode;

import dev.offshoot.Api;
import dev.offshoot.IntegrationTest;
import dev.offshoot.branch.BranchMaintenance;

/**
 * Paging on the real service: a cursor walks every branch once, deleted branches page the same way,
 * and the purge forgets deleted rows past their retention and nothing else.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ListPagingIT extends IntegrationTest {

    @LocalServerPort
    int port;

    @Autowired
    BranchMaintenance maintenance;

    final String suffix = UUID.randomUUID().toString().substring(0, 6);
    final String template = "pg-tpl-" + suffix;
    final List<String> branches = List.of("pg-a-" + suffix, "pg-b-" + suffix, "pg-c-" + suffix);
    Api api;

    @BeforeAll
    void branches() {
        api = new Api(port, ADMIN_TOKEN);
        assertThat(api.post("/api/v1/templates", Map.of("name", template)).status()).isEqualTo(201);
        for (String name : branches) {
            assertThat(api.post("/api/v1/branches", Map.of("name", name, "template", template,
                    "labels", Map.of("paging", suffix))).status()).isEqualTo(201);
        }
    }

    @AfterAll
    void cleanUp() {
        api.delete("/api/v1/templates/" + template + "?force=true");
    }

    List<String> walk(String query, int limit) {
        List<String> names = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = api.get("/api/v1/branches?" + query + "&limit=" + limit
                    + (cursor == null ? "" : "&cursor=" + cursor)).body();
            page.get("items").forEach(b -> names.add(b.get("name").asString()));
            assertThat(page.get("items").size()).isLessThanOrEqualTo(limit);
            cursor = page.has("nextCursor") ? page.get("nextCursor").asString() : null;
        } while (cursor != null);
        return names;
    }

    @Test
    void liveAndDeletedBranchesPageOldestFirstAndDeletedRowsAreForgottenAfterTheirRetention() {
        assertThat(walk("label=paging=" + suffix, 2)).containsExactlyElementsOf(branches);
        JsonNode whole = api.get("/api/v1/branches?label=paging=" + suffix).body();
        assertThat(whole.get("items")).hasSize(3);
        assertThat(whole.has("nextCursor")).isFalse();

        branches.forEach(b -> assertThat(api.delete("/api/v1/branches/" + b).status()).isEqualTo(204));
        assertThat(walk("status=DELETED&label=paging=" + suffix, 1)).containsExactlyElementsOf(branches);
        assertThat(walk("label=paging=" + suffix, 5)).isEmpty();

        // a cutoff before the deletes forgets none of them; one after forgets them, in bounded batches
        maintenance.purgeDeleted(Instant.now().minusSeconds(3600), 1000);
        assertThat(walk("status=DELETED&label=paging=" + suffix, 10)).hasSize(3);
        Instant afterDeletes = Instant.now().plusMillis(1);
        int purged = 0;
        for (int batch; (batch = maintenance.purgeDeleted(afterDeletes, 2)) > 0; ) {
            assertThat(batch).isLessThanOrEqualTo(2);
            purged += batch;
        }
        assertThat(purged).isGreaterThanOrEqualTo(3);
        assertThat(walk("status=DELETED&label=paging=" + suffix, 10)).isEmpty();
    }
}
