package dev.offshoot.branch;

import static dev.offshoot.branch.BranchTestSupport.count;
import static dev.offshoot.branch.BranchTestSupport.sql;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.offshoot.Api;
import dev.offshoot.IntegrationTest;
import tools.jackson.databind.JsonNode;

/**
 * A template of several hundred MB: its branches share the data files and add only megabytes.
 * Prints the figures; the assertions are on disk usage, not on time.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CopyOnWriteIT extends IntegrationTest {

    private static final long MB = 1024 * 1024;

    @LocalServerPort
    int port;

    Api api;
    String template;
    long databaseSize;

    @BeforeAll
    void bigTemplate() {
        api = new Api(port, ADMIN_TOKEN);
        template = "big-" + suffix();
        long start = System.nanoTime();
        Api.Response created = api.postSql("/api/v1/templates", Map.of("name", template), Map.of("big.sql", """
                CREATE TABLE big (id bigint primary key, payload text);
                INSERT INTO big SELECT g, repeat(md5(g::text), 8) FROM generate_series(1, 1200000) g;
                """.getBytes()));
        assertThat(created.status()).as(String.valueOf(created.body())).isEqualTo(201);
        databaseSize = created.body().get("databaseSizeBytes").asLong();
        System.out.printf("[cow] template of %d MB built in %.1f s (image %d MB)%n", databaseSize / MB,
                (System.nanoTime() - start) / 1e9, created.body().get("imageSizeBytes").asLong() / MB);
    }

    @Test
    void aBranchOfABigTemplateAddsOnlyMegabytes() throws Exception {
        assertThat(databaseSize).isGreaterThan(300 * MB);
        String name = "cow-" + suffix();

        long start = System.nanoTime();
        JsonNode branch = api.post("/api/v1/branches", Map.of("name", name, "template", template)).body();
        double seconds = (System.nanoTime() - start) / 1e9;
        assertThat(count(branch, "SELECT count(*) FROM pg_class")).isPositive();
        long afterCreate = diskUsage(name);
        // overlayfs copies a file up when it is opened for writing, and Postgres opens relation
        // files read-write: the first access of a relation copies its segment files
        assertThat(count(branch, "SELECT count(*) FROM big")).isEqualTo(1_200_000);
        long afterRead = diskUsage(name);
        sql(branch, "UPDATE big SET payload = 'changed' WHERE id = 1");
        long afterWrite = diskUsage(name);

        System.out.printf("[cow] branch ready in %.2f s; layer %.1f MB after create, %.1f MB after a full scan of"
                + " the big table, %.1f MB after an update (template data %d MB)%n", seconds,
                afterCreate / (double) MB, afterRead / (double) MB, afterWrite / (double) MB, databaseSize / MB);
        assertThat(afterCreate).isLessThan(40 * MB);
    }

    @Test
    void parallelRetriesOfOneCreateGetTheSameBranch() throws Exception {
        String name = "race-" + suffix();
        Callable<Api.Response> create = () -> api.post("/api/v1/branches", Map.of("name", name, "template", template));
        List<Future<Api.Response>> futures = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(5)) {
            for (int i = 0; i < 5; i++) {
                futures.add(pool.submit(create));
            }
        }
        List<Api.Response> responses = new ArrayList<>();
        for (Future<Api.Response> f : futures) {
            responses.add(f.get());
        }

        assertThat(responses).extracting(Api.Response::status).containsOnly(200, 201).filteredOn(s -> s == 201)
                .hasSize(1);
        assertThat(responses).extracting(r -> r.body().get("connection")).containsOnly(responses.get(0).body()
                .get("connection"));
        assertThat(api.get("/api/v1/branches?template=" + template).body().get("items"))
                .filteredOn(b -> b.get("name").asString().equals(name)).hasSize(1);
    }

    private long diskUsage(String name) {
        return api.get("/api/v1/branches/" + name).body().get("diskUsageBytes").asLong();
    }

    static String suffix() {
        return UUID.randomUUID().toString().substring(0, 6);
    }
}
