package dev.offshoot.template;

import static dev.offshoot.branch.BranchTestSupport.count;
import static dev.offshoot.branch.BranchTestSupport.sql;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.offshoot.Api;
import dev.offshoot.IntegrationTest;
import dev.offshoot.TestDocker;
import dev.offshoot.runtime.Labels;
import tools.jackson.databind.JsonNode;

/** URL imports: credentials stay out of process arguments, Offshoot's own endpoints are no sources. */
class UrlImportIT extends IntegrationTest {

    @LocalServerPort
    int port;

    Api api;

    @BeforeEach
    void client() {
        api = new Api(port, ADMIN_TOKEN);
    }

    @Test
    void anImportsPasswordNeverAppearsInProcessArgumentsOnTheHost() throws Exception {
        JsonNode source = sourceBranchWithRows(300_000);
        String password = source.get("connection").get("password").asString();
        AtomicBoolean importing = new AtomicBoolean(true);
        AtomicInteger samples = new AtomicInteger();
        AtomicInteger sawPgDump = new AtomicInteger();
        StringBuilder leaks = new StringBuilder();
        Thread sampler = Thread.ofPlatform().daemon().start(() -> {
            while (importing.get()) {
                String processes = processArguments();
                samples.incrementAndGet();
                if (processes.contains("pg_dump")) {
                    sawPgDump.incrementAndGet();
                }
                processes.lines().filter(l -> l.contains(password)).forEach(l -> leaks.append(l).append('\n'));
                // ~50 ms between samples: a wait for the next sample, not for a result
                java.util.concurrent.locks.LockSupport.parkNanos(50_000_000L);
            }
        });

        Api.Response imported = api.post("/api/v1/templates", Map.of("name", "ps-" + TemplateIT.suffix(),
                "sourceUrl", TemplateIT.viaLocalhost(source)));
        importing.set(false);
        sampler.join();

        assertThat(imported.status()).as(String.valueOf(imported.body())).isEqualTo(201);
        assertThat(samples.get()).isGreaterThan(5);
        assertThat(sawPgDump.get()).as("the sampler saw pg_dump running").isPositive();
        assertThat(leaks).as("process arguments holding the source's password").isEmpty();
    }

    @Test
    void anImportFromAnOffshootBranchPortIsRefusedUnlessItsHostIsAllowed() throws Exception {
        JsonNode source = sourceBranchWithRows(2);
        String refusedName = "own-" + TemplateIT.suffix();
        String allowedName = "allowed-" + TemplateIT.suffix();

        Api.Response refused = api.post("/api/v1/templates", Map.of("name", refusedName,
                "sourceUrl", source.get("connection").get("uri").asString()));
        Api.Response allowed = api.post("/api/v1/templates", Map.of("name", allowedName,
                "sourceUrl", TemplateIT.viaLocalhost(source)));

        assertThat(refused.status()).as(String.valueOf(refused.body())).isEqualTo(422);
        assertThat(refused.code()).isEqualTo("SOURCE_NOT_ALLOWED");
        assertThat(refused.body().toString()).doesNotContain(source.get("connection").get("password").asString());
        assertThat(api.get("/api/v1/templates/" + refusedName).status()).isEqualTo(404);
        assertThat(TestDocker.containersOf(INSTANCE_ID))
                .noneMatch(c -> refusedName.equals(c.getLabels().get(Labels.TEMPLATE)));
        assertThat(allowed.status()).as(String.valueOf(allowed.body())).isEqualTo(201);
        JsonNode branch = api.post("/api/v1/branches", Map.of("name", "al-" + TemplateIT.suffix(),
                "template", allowedName)).body();
        assertThat(count(branch, "SELECT count(*) FROM things")).isEqualTo(2);
    }

    @Test
    void theMetadataStoreIsRefusedAsASource() {
        String uri = METADATA.getJdbcUrl().replaceFirst("\\?.*$", "").replaceFirst("^jdbc:postgresql://[^:/]+", "postgresql://"
                + METADATA.getUsername() + ":" + METADATA.getPassword() + "@127.0.0.1");

        Api.Response refused = api.post("/api/v1/templates", Map.of("name", "meta-" + TemplateIT.suffix(),
                "sourceUrl", uri));

        assertThat(refused.status()).as(String.valueOf(refused.body())).isEqualTo(422);
        assertThat(refused.code()).isEqualTo("SOURCE_NOT_ALLOWED");
        assertThat(refused.body().get("detail").asString()).contains("metadata store");
    }

    private JsonNode sourceBranchWithRows(int rows) {
        String template = "src-" + TemplateIT.suffix();
        api.post("/api/v1/templates", Map.of("name", template));
        JsonNode source = api.post("/api/v1/branches", Map.of("name", "src-" + TemplateIT.suffix(),
                "template", template)).body();
        sql(source, "CREATE TABLE things (id int primary key, label text); INSERT INTO things"
                + " SELECT i, md5(i::text) FROM generate_series(1, " + rows + ") i");
        return source;
    }

    private static String processArguments() {
        try {
            Process ps = new ProcessBuilder("ps", "-eo", "args").redirectErrorStream(true).start();
            String out = new String(ps.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            ps.waitFor();
            return out;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}
