package dev.offshoot.load;

import static dev.offshoot.IntegrationTest.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.ScheduledAnnotationBeanPostProcessor;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import com.github.dockerjava.api.model.Container;

import dev.offshoot.Api;
import dev.offshoot.IntegrationTest;
import dev.offshoot.TestDocker;
import dev.offshoot.runtime.Labels;

/**
 * ~50 concurrent clients, a fixed number of mixed operations over ~20 names (forks from other
 * names' snapshots among them, so snapshot images are made and pruned), with the sweeper and
 * the reconciler running every few seconds: no 5xx, every name ends as its last successful change
 * left it (data included: a branch wrongly recreated by the reconciler would lose its migration),
 * and nothing is left behind. Bounded in count (offshoot.load.ops, default 400) and loopback only.
 * scripts/load.sh runs it with more operations and prints the latency table.
 */
@TestPropertySource(properties = {"offshoot.runtime.port-range-start=24200", "offshoot.runtime.port-range-end=24299",
        "offshoot.reaper.reconcile-interval=3s", "offshoot.reaper.sweep-interval=3s"})
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LoadIT {

    static final String INSTANCE = "ld" + UUID.randomUUID().toString().substring(0, 8);
    static final int OPERATIONS = Integer.getInteger("offshoot.load.ops", 400);
    static final int CLIENTS = Integer.getInteger("offshoot.load.clients", 50);
    static final int NAMES = Integer.getInteger("offshoot.load.names", 20);

    @DynamicPropertySource
    static void isolated(DynamicPropertyRegistry registry) {
        IntegrationTest.isolated(registry, "load", INSTANCE);
    }

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    ScheduledAnnotationBeanPostProcessor scheduling;

    @AfterAll
    void removeInstance() {
        scheduling.destroy();
        TestDocker.removeEverythingOf(INSTANCE);
    }

    @Test
    void mixedLoadAnswersNo5xxLosesNothingAndLeavesNothing() throws Exception {
        Api api = Api.concurrent(port, ADMIN_TOKEN);
        String template = "load-" + UUID.randomUUID().toString().substring(0, 6);
        assertThat(api.post("/api/v1/templates", Map.of("name", template)).status()).isEqualTo(201);
        List<String> names = IntStream.range(0, NAMES).mapToObj(i -> "ld-" + i).toList();
        LoadRun load = new LoadRun(api, template, names);

        List<LoadRun.Call> calls = load.run(OPERATIONS, CLIENTS, 42);
        System.out.println(load.report());

        assertThat(calls).hasSize(OPERATIONS);
        assertThat(calls).filteredOn(c -> c.status() >= 500).as("5xx answers").isEmpty();
        // a name may be absent when a call comes; SQL may also meet its branch in the middle of a
        // create, reset or delete (changes of one name are serialised by the clients, reads are not);
        // a name taken by a branch of another parent (template or fork) is NAME_TAKEN
        assertThat(calls).filteredOn(c -> c.status() / 100 == 4).allSatisfy(c -> assertThat(c.code())
                .as(c.toString()).isIn(switch (c.op()) {
                    case SQL -> List.of("BRANCH_NOT_FOUND", "BRANCH_NOT_READY");
                    case CREATE, FORK -> List.of("BRANCH_NOT_FOUND", "NAME_TAKEN");
                    default -> List.of("BRANCH_NOT_FOUND");
                }));
        load.expected().forEach((name, expected) -> assertEndsAsExpected(api, name, expected));

        for (String name : names) {
            assertThat(api.delete("/api/v1/branches/" + name).status()).isIn(204, 404);
        }
        assertNothingLeft();
    }

    private void assertEndsAsExpected(Api api, String name, LoadRun.Expected expected) {
        Api.Response branch = api.get("/api/v1/branches/" + name);
        assertThat(branch.status()).as(name + " exists").isEqualTo(expected.exists() ? 200 : 404);
        if (!expected.exists()) {
            return;
        }
        assertThat(branch.body().get("status").asString()).as(name).isEqualTo("READY");
        Api.Response migrated = api.post("/api/v1/branches/" + name + "/sql",
                Map.of("sql", "SELECT to_regclass('public.load_t') IS NOT NULL", "readOnly", true));
        assertThat(migrated.body().get("results").get(0).get("rows").get(0).get(0).asBoolean())
                .as(name + " keeps its migration").isEqualTo(expected.migrated());
    }

    /** No live row (so no port held), no branch container, no snapshot image of this instance. */
    private void assertNothingLeft() {
        assertThat(jdbc.queryForList("SELECT name FROM branch WHERE status <> 'DELETED'", String.class)).isEmpty();
        assertThat(TestDocker.containersOf(INSTANCE)).extracting(Container::getLabels)
                .noneMatch(l -> Labels.KIND_BRANCH.equals(l.get(Labels.KIND)));
        assertThat(TestDocker.client().listImagesCmd().withLabelFilter(Map.of(Labels.INSTANCE, INSTANCE,
                Labels.KIND, Labels.KIND_SNAPSHOT)).exec()).isEmpty();
    }
}
