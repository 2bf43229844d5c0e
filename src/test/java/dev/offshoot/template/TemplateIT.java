package dev.offshoot.template;

import static dev.offshoot.branch.BranchTestSupport.count;
import static dev.offshoot.branch.BranchTestSupport.sql;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.offshoot.Api;
import dev.offshoot.IntegrationTest;
import dev.offshoot.TestDocker;
import tools.jackson.databind.JsonNode;

class TemplateIT extends IntegrationTest {

    static final Path PAGILA = Path.of(System.getProperty("offshoot.test.samples", "samples"), "pagila");

    @LocalServerPort
    int port;

    Api api;

    @BeforeEach
    void client() {
        api = new Api(port, ADMIN_TOKEN);
    }

    @Test
    void pagilaLoadsFromUploadedSqlFilesAndBranchesCanWriteIt() throws Exception {
        String name = "pagila-" + suffix();
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("pagila-schema.sql", Files.readAllBytes(PAGILA.resolve("pagila-schema.sql")));
        files.put("pagila-data.sql", Files.readAllBytes(PAGILA.resolve("pagila-data.sql")));

        Api.Response template = api.postSql("/api/v1/templates", Map.of("name", name, "database", "pagila"), files);

        assertThat(template.status()).as(String.valueOf(template.body())).isEqualTo(201);
        assertThat(template.body().get("revisions").get(0).get("source").asString())
                .isEqualTo("SQL files pagila-schema.sql, pagila-data.sql");
        JsonNode branch = api.post("/api/v1/branches", Map.of("name", "pg-" + suffix(), "template", name)).body();
        assertThat(branch.get("connection").get("user").asString()).isEqualTo("pagila");
        assertThat(count(branch, "SELECT count(*) FROM film")).isEqualTo(1000);
        assertThat(count(branch, "SELECT count(*) FROM rental")).isGreaterThan(16000);
        sql(branch, "UPDATE film SET title = 'CHANGED' WHERE film_id = 1");
        assertThat(count(branch, "SELECT count(*) FROM film WHERE title = 'CHANGED'")).isEqualTo(1);
    }

    @Test
    void importsFromASourceDatabaseUrl() throws Exception {
        JsonNode source = sourceBranchWithRows(3);
        String name = "imported-" + suffix();

        Api.Response imported = api.post("/api/v1/templates", Map.of("name", name, "sourceUrl", viaLocalhost(source)));

        assertThat(imported.status()).as(String.valueOf(imported.body())).isEqualTo(201);
        assertThat(imported.body().get("source").get("url").asString()).contains(":***@")
                .doesNotContain(source.get("connection").get("password").asString());
        JsonNode branch = api.post("/api/v1/branches", Map.of("name", "imp-" + suffix(), "template", name)).body();
        assertThat(count(branch, "SELECT count(*) FROM things")).isEqualTo(3);
        sql(branch, "INSERT INTO things VALUES (100)");
    }

    @Test
    void refreshMakesANewRevisionAndExistingBranchesKeepTheirs() throws Exception {
        JsonNode source = sourceBranchWithRows(1);
        String name = "refreshed-" + suffix();
        api.post("/api/v1/templates", Map.of("name", name, "sourceUrl", viaLocalhost(source)));
        JsonNode onFirst = api.post("/api/v1/branches", Map.of("name", "r1-" + suffix(), "template", name)).body();
        sql(source, "INSERT INTO things VALUES (2)");

        Api.Response refreshed = api.post("/api/v1/templates/" + name + "/refresh", null);

        assertThat(refreshed.status()).as(String.valueOf(refreshed.body())).isEqualTo(200);
        assertThat(refreshed.body().get("latestRevision").asInt()).isEqualTo(2);
        JsonNode onSecond = api.post("/api/v1/branches", Map.of("name", "r2-" + suffix(), "template", name)).body();
        assertThat(count(onSecond, "SELECT count(*) FROM things")).isEqualTo(2);
        assertThat(onSecond.get("templateRevision").asInt()).isEqualTo(2);
        assertThat(count(onFirst, "SELECT count(*) FROM things")).isEqualTo(1);
        JsonNode described = api.get("/api/v1/templates/" + name).body();
        assertThat(described.get("branchCount").asInt()).isEqualTo(2);
        assertThat(described.get("revisions").get(0).get("branchCount").asInt()).isEqualTo(1);
        assertThat(described.get("revisions").get(1).get("imageSizeBytes").asLong()).isPositive();
    }

    @Test
    void deleteIsRefusedWhileBranchesUseItUnlessForced() {
        String name = "doomed-" + suffix();
        api.post("/api/v1/templates", Map.of("name", name));
        String branch = "uses-" + suffix();
        api.post("/api/v1/branches", Map.of("name", branch, "template", name));

        Api.Response refused = api.delete("/api/v1/templates/" + name);
        Api.Response forced = api.delete("/api/v1/templates/" + name + "?force=true");

        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.code()).isEqualTo("TEMPLATE_IN_USE");
        assertThat(forced.status()).isEqualTo(204);
        assertThat(api.get("/api/v1/templates/" + name).code()).isEqualTo("TEMPLATE_NOT_FOUND");
        assertThat(api.get("/api/v1/branches/" + branch).code()).isEqualTo("BRANCH_NOT_FOUND");
        assertThat(TestDocker.containersOf(INSTANCE_ID))
                .noneMatch(c -> name.equals(c.getLabels().get("offshoot.template")));
        assertThat(TestDocker.client().listImagesCmd().withLabelFilter(Map.of("offshoot.instance", INSTANCE_ID,
                "offshoot.template", name)).exec()).isEmpty();
    }

    @Test
    void aFailingSqlFileLeavesNoTemplateNoContainerNoImage() {
        String name = "broken-" + suffix();

        Api.Response response = api.postSql("/api/v1/templates", Map.of("name", name), Map.of("bad.sql",
                "CREATE TABLE ok (x int);\nSELECT no_such_function();\n".getBytes()));

        assertThat(response.status()).isEqualTo(422);
        assertThat(response.code()).isEqualTo("TEMPLATE_SOURCE_FAILED");
        assertThat(response.body().get("detail").asString()).contains("no_such_function");
        assertThat(api.get("/api/v1/templates/" + name).status()).isEqualTo(404);
        assertThat(TestDocker.containersOf(INSTANCE_ID))
                .noneMatch(c -> name.equals(c.getLabels().get("offshoot.template")));
    }

    /**
     * A branch's URI with the host the tests allow as a source ({@code offshoot.templates.allowed-source-hosts}):
     * Offshoot refuses its own branch ports as sources otherwise.
     */
    static String viaLocalhost(JsonNode branch) {
        String uri = branch.get("connection").get("uri").asString();
        assertThat(uri).contains("@127.0.0.1:");
        return uri.replace("@127.0.0.1:", "@localhost:");
    }

    /** A branch is a real Postgres with a URI: a handy source database for imports. */
    private JsonNode sourceBranchWithRows(int rows) {
        String template = "src-" + suffix();
        api.post("/api/v1/templates", Map.of("name", template));
        JsonNode source = api.post("/api/v1/branches", Map.of("name", "src-" + suffix(), "template", template)).body();
        sql(source, "CREATE TABLE things (id int primary key); INSERT INTO things SELECT generate_series(1, " + rows + ")");
        return source;
    }

    static String suffix() {
        return UUID.randomUUID().toString().substring(0, 6);
    }
}
