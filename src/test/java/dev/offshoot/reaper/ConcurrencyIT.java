package dev.offshoot.reaper;

import static dev.offshoot.IntegrationTest.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.scheduling.annotation.ScheduledAnnotationBeanPostProcessor;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import com.github.dockerjava.api.model.Container;

import dev.offshoot.Api;
import dev.offshoot.IntegrationTest;
import dev.offshoot.TestDocker;

/**
 * Parallel creates and deletes end with exactly the right branches, distinct ports and no orphan;
 * a quota refuses the branch past it. A store and an instance id of its own, so counts are exact.
 */
@TestPropertySource(properties = {"offshoot.runtime.port-range-start=23600", "offshoot.runtime.port-range-end=23699",
        "offshoot.quota.max-live-branches=25"})
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConcurrencyIT {

    static final String INSTANCE = "cc" + UUID.randomUUID().toString().substring(0, 8);

    @DynamicPropertySource
    static void isolated(DynamicPropertyRegistry registry) {
        IntegrationTest.isolated(registry, "concurrency", INSTANCE);
    }

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    /** Cancelled first, so no sweep or reconcile recreates what the cleanup removes. */
    @Autowired
    ScheduledAnnotationBeanPostProcessor scheduling;

    Api api;
    final String template = "conc-" + suffix();
    final ExecutorService pool = Executors.newFixedThreadPool(8);

    @BeforeAll
    void template() {
        api = new Api(port, ADMIN_TOKEN);
        assertThat(api.post("/api/v1/templates", Map.of("name", template)).status()).isEqualTo(201);
    }

    @AfterAll
    void removeInstance() {
        pool.shutdownNow();
        scheduling.destroy();
        TestDocker.removeEverythingOf(INSTANCE);
    }

    @Test
    @Order(1)
    void parallelCreatesAndDeletesOfDistinctNamesEndExactlyRight() throws Exception {
        List<String> first = IntStream.range(0, 10).mapToObj(i -> "p1-" + i + "-" + suffix()).toList();
        List<String> second = IntStream.range(0, 10).mapToObj(i -> "p2-" + i + "-" + suffix()).toList();
        long start = System.nanoTime();
        assertThat(all(first.stream().map(n -> (Callable<Integer>) () -> create(n).status()).toList()))
                .containsOnly(201);

        // 10 deletes of the first batch race 10 creates of the second
        List<Callable<Integer>> mixed = new ArrayList<>();
        first.forEach(n -> mixed.add(() -> api.delete("/api/v1/branches/" + n).status()));
        second.forEach(n -> mixed.add(() -> create(n).status()));
        List<Integer> statuses = all(mixed);
        System.out.printf("10 creates, then 10 deletes racing 10 creates: %d ms%n", (System.nanoTime() - start) / 1_000_000);

        assertThat(statuses.subList(0, 10)).containsOnly(204);
        assertThat(statuses.subList(10, 20)).containsOnly(201);
        assertThat(liveNames()).containsExactlyInAnyOrderElementsOf(second);
        assertConsistent();
    }

    @Test
    @Order(2)
    void parallelCreatesOfOneNameMakeOneBranch() throws Exception {
        String name = "same-" + suffix();
        List<Api.Response> responses = allResponses(IntStream.range(0, 10)
                .mapToObj(i -> (Callable<Api.Response>) () -> create(name)).toList());

        assertThat(responses).extracting(Api.Response::status).containsOnly(200, 201);
        assertThat(responses).filteredOn(r -> r.status() == 201).hasSize(1);
        assertThat(responses).extracting(r -> r.body().get("connection").toString()).containsOnly(
                responses.getFirst().body().get("connection").toString());
        assertThat(jdbc.queryForObject("SELECT count(*) FROM branch WHERE name = ?", Long.class, name)).isEqualTo(1);
        assertConsistent();
    }

    @Test
    @Order(3)
    void pastTheQuotaACreateIsA429() {
        long live = jdbc.queryForObject("SELECT count(*) FROM branch WHERE status <> 'DELETED'", Long.class);
        for (long i = live; i < 25; i++) {
            assertThat(create("q-" + i + "-" + suffix()).status()).isEqualTo(201);
        }
        String refused = "q-over-" + suffix();

        Api.Response over = create(refused);

        assertThat(over.status()).isEqualTo(429);
        assertThat(over.code()).isEqualTo("QUOTA_EXCEEDED");
        assertThat(over.body().get("retryable").asBoolean()).isFalse();
        assertThat(api.get("/api/v1/branches/" + refused).status()).isEqualTo(404);
        assertConsistent();
    }

    private Api.Response create(String name) {
        return api.post("/api/v1/branches", Map.of("name", name, "template", template));
    }

    private List<String> liveNames() {
        return jdbc.queryForList("SELECT name FROM branch WHERE status <> 'DELETED'", String.class);
    }

    /**
     * Every live row is READY with its own running container, which publishes no host port and sits
     * on the branch network at an address of its own; no other container exists and no key holds a
     * host port.
     */
    private void assertConsistent() {
        List<Map<String, Object>> rows = jdbc.queryForList(
                "SELECT b.id::text AS id, b.status, b.instance_handle FROM branch b WHERE b.status <> 'DELETED'");
        assertThat(rows).extracting(r -> r.get("status")).containsOnly("READY");
        List<Container> containers = TestDocker.containersOf(INSTANCE).stream()
                .filter(c -> "branch".equals(c.getLabels().get("offshoot.kind"))).toList();
        assertThat(containers).extracting(Container::getId)
                .containsExactlyInAnyOrderElementsOf(rows.stream().map(r -> (String) r.get("instance_handle")).toList());
        assertThat(containers).extracting(Container::getState).containsOnly("running");
        TestDocker.assertOnTheBranchNetwork(containers, rows.stream().collect(java.util.stream.Collectors.toMap(
                r -> (String) r.get("instance_handle"), r -> (String) r.get("id"))));
        assertThat(jdbc.queryForObject("SELECT count(*) FROM instance_port WHERE released_at IS NULL", Long.class))
                .as("host ports held").isZero();
    }

    private List<Integer> all(List<Callable<Integer>> tasks) throws Exception {
        List<Integer> out = new ArrayList<>();
        for (Future<Integer> f : pool.invokeAll(tasks)) {
            out.add(f.get());
        }
        return out;
    }

    private List<Api.Response> allResponses(List<Callable<Api.Response>> tasks) throws Exception {
        List<Api.Response> out = new ArrayList<>();
        for (Future<Api.Response> f : pool.invokeAll(tasks)) {
            out.add(f.get());
        }
        return out;
    }

    static String suffix() {
        return UUID.randomUUID().toString().substring(0, 6);
    }
}
