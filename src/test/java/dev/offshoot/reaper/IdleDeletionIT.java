package dev.offshoot.reaper;

import static dev.offshoot.IntegrationTest.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.scheduling.annotation.ScheduledAnnotationBeanPostProcessor;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import dev.offshoot.Api;
import dev.offshoot.IntegrationTest;
import dev.offshoot.TestDocker;
import dev.offshoot.branch.BranchTestSupport;
import tools.jackson.databind.JsonNode;

/**
 * Idle deletion reads the activity the gateway records: a branch the gateway suspended is deleted
 * once it has been unused for the timeout (before, only running branches were), while a branch
 * with a session open is asked, kept and marked active. A store and an instance id of its own, so
 * the sweep sees only this class's branches.
 */
@TestPropertySource(properties = {"offshoot.reaper.idle-timeout=5s", "offshoot.reaper.idle-action=delete",
        "offshoot.reaper.sweep-interval=500ms", "offshoot.reaper.reconcile-interval=1h"})
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IdleDeletionIT {

    static final String INSTANCE = "id" + UUID.randomUUID().toString().substring(0, 8);
    static final Duration DEADLINE = Duration.ofSeconds(40);

    @DynamicPropertySource
    static void isolated(DynamicPropertyRegistry registry) {
        IntegrationTest.isolated(registry, "idledel", INSTANCE);
    }

    /** Cancelled first, so no sweep runs while the cleanup removes what is left. */
    @Autowired
    ScheduledAnnotationBeanPostProcessor scheduling;

    @LocalServerPort
    int port;

    @AfterAll
    void removeInstance() {
        scheduling.destroy();
        TestDocker.removeEverythingOf(INSTANCE);
    }

    @Test
    void aSuspendedBranchUnusedForTheTimeoutIsDeletedAndOneWithASessionIsKept() throws Exception {
        Api api = new Api(port, ADMIN_TOKEN);
        String template = "idl-" + suffix();
        assertThat(api.post("/api/v1/templates", Map.of("name", template)).status()).isEqualTo(201);
        JsonNode asleep = create(api, template);
        JsonNode busy = create(api, template);
        assertThat(api.post("/api/v1/branches/" + name(asleep) + "/suspend", null).status()).isEqualTo(200);

        try (Connection held = BranchTestSupport.connect(busy); Statement st = held.createStatement();
                ResultSet rs = st.executeQuery("SELECT 1")) {
            await().atMost(DEADLINE).until(() -> api.get("/api/v1/branches/" + name(asleep)).status() == 404);
            await().during(Duration.ofSeconds(7)).atMost(Duration.ofSeconds(9))
                    .until(() -> status(api, busy).equals("READY"));
            Instant active = Instant.parse(api.get("/api/v1/branches/" + name(busy)).body().get("lastActivityAt")
                    .asString());
            assertThat(active).as("marked active by the sweep").isAfter(Instant.parse(busy.get("createdAt").asString()));
        }
        assertThat(TestDocker.containersOf(INSTANCE)).noneMatch(c -> c.getLabels().containsValue(name(asleep)));
        await().atMost(DEADLINE).until(() -> api.get("/api/v1/branches/" + name(busy)).status() == 404);
        JsonNode reaps = api.get("/api/v1/audit?action=branch.reap.idle").body().get("items");
        assertThat(reaps).extracting(e -> e.get("target").asString()).containsExactlyInAnyOrder(name(asleep), name(busy));
    }

    private static JsonNode create(Api api, String template) {
        Api.Response created = api.post("/api/v1/branches", Map.of("name", "idl-" + suffix(), "template", template));
        assertThat(created.status()).as(String.valueOf(created.body())).isEqualTo(201);
        return created.body();
    }

    private static String status(Api api, JsonNode branch) {
        return api.get("/api/v1/branches/" + name(branch)).body().get("status").asString();
    }

    private static String name(JsonNode branch) {
        return branch.get("name").asString();
    }

    private static String suffix() {
        return UUID.randomUUID().toString().substring(0, 6);
    }
}
