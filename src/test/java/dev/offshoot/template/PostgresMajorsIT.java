package dev.offshoot.template;

import static dev.offshoot.branch.BranchTestSupport.connect;
import static dev.offshoot.branch.BranchTestSupport.count;
import static dev.offshoot.branch.BranchTestSupport.sql;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.offshoot.Api;
import dev.offshoot.IntegrationTest;
import dev.offshoot.Scrape;
import dev.offshoot.TestDocker;
import dev.offshoot.runtime.Labels;
import tools.jackson.databind.JsonNode;

/**
 * Templates of two PostgreSQL majors side by side (the local builds of 15 and 17): each branch runs
 * its template's server, a fork, a reset or a warm-pool member never changes major, a migration check runs on the
 * branch's own major, a URL import uses the client tools of the template's major, and a major
 * without an image is refused before anything is made. One template of each major for the class.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PostgresMajorsIT extends IntegrationTest {

    /** A 17-only feature: PostgreSQL 15 has no JSON_TABLE. */
    static final String JSON_TABLE = "CREATE TABLE tags AS SELECT * FROM JSON_TABLE("
            + "'[{\"t\":\"a\"},{\"t\":\"b\"}]'::jsonb, '$[*]' COLUMNS (t text PATH '$.t'));";

    @LocalServerPort
    int port;

    Api api;
    String template15;
    String template17;
    JsonNode branch15;
    JsonNode branch17;

    @BeforeAll
    void oneTemplateOfEachMajor() {
        api = new Api(port, ADMIN_TOKEN);
        template15 = "pg15-" + TemplateIT.suffix();
        template17 = "pg17-" + TemplateIT.suffix();
        byte[] seed = "CREATE TABLE items (id int primary key); INSERT INTO items VALUES (1), (2);".getBytes();
        Api.Response on15 = api.postSql("/api/v1/templates", Map.of("name", template15, "postgresVersion", "15"),
                Map.of("seed.sql", seed));
        // no major named: the default, the newest supported
        Api.Response onDefault = api.postSql("/api/v1/templates", Map.of("name", template17), Map.of("seed.sql", seed));
        assertThat(on15.status()).as(String.valueOf(on15.body())).isEqualTo(201);
        assertThat(onDefault.status()).as(String.valueOf(onDefault.body())).isEqualTo(201);
        assertThat(on15.body().get("postgresVersion").asInt()).isEqualTo(15);
        assertThat(onDefault.body().get("postgresVersion").asInt()).isEqualTo(17);
        branch15 = branch("b15-" + TemplateIT.suffix(), Map.of("template", template15));
        branch17 = branch("b17-" + TemplateIT.suffix(), Map.of("template", template17));
    }

    @Test
    void eachBranchRunsItsTemplatesMajorThroughTheGateway() throws SQLException {
        assertThat(branch15.get("connection").get("jdbcUrl").asString()).doesNotContain(":5432/");

        assertThat(serverVersionNum(branch15)).isBetween(150000, 159999);
        assertThat(serverVersionNum(branch17)).isBetween(170000, 179999);
        assertThat(count(branch17, "SELECT count(*) FROM items")).isEqualTo(2);
    }

    @Test
    void theMajorIsShownInTheTemplateAndTheList() {
        JsonNode list = api.get("/api/v1/templates").body().get("items");

        assertThat(api.get("/api/v1/templates/" + template15).body().get("postgresVersion").asInt()).isEqualTo(15);
        assertThat(StreamSupport.stream(list.spliterator(), false)
                .filter(t -> t.get("name").asString().equals(template17)).findFirst().orElseThrow()
                .get("postgresVersion").asInt()).isEqualTo(17);
        JsonNode project = api.get("/api/v2/projects/" + template15).body().get("project");
        assertThat(project.get("pg_version").asInt()).isEqualTo(15);
    }

    @Test
    void aForkAndAResetOfASeventeenBranchStaySeventeen() throws SQLException {
        sql(branch17, "CREATE TABLE IF NOT EXISTS forked_from (x int)");
        JsonNode fork = branch("f17-" + TemplateIT.suffix(), Map.of("fromBranch", branch17.get("name").asString()));
        JsonNode reset = api.post("/api/v1/branches/" + fork.get("name").asString() + "/reset", null).body();

        assertThat(serverVersionNum(fork)).isBetween(170000, 179999);
        assertThat(serverVersionNum(reset)).isBetween(170000, 179999);
        assertThat(count(reset, "SELECT count(*) FROM pg_tables WHERE tablename = 'forked_from'")).isEqualTo(1);
    }

    @Test
    void aWarmPoolMemberOfAFifteenTemplateIsFifteen() throws SQLException {
        String claimed = "offshoot_pool_claim_seconds_count{outcome=\"claimed\"}";
        assertThat(api.patch("/api/v1/templates/" + template15, Map.of("poolSize", 1)).status()).isEqualTo(200);
        try {
            await().atMost(Duration.ofSeconds(60)).until(() ->
                    api.get("/api/v1/templates/" + template15).body().get("poolReady").asInt() == 1);
            double before = Scrape.of(port, ADMIN_TOKEN).value(claimed);

            JsonNode member = branch("p15-" + TemplateIT.suffix(), Map.of("template", template15));

            assertThat(Scrape.of(port, ADMIN_TOKEN).value(claimed)).as("taken from the pool").isEqualTo(before + 1);
            assertThat(serverVersionNum(member)).isBetween(150000, 159999);
        } finally {
            api.patch("/api/v1/templates/" + template15, Map.of("poolSize", 0));
        }
    }

    @Test
    void aMigrationCheckRunsOnTheBranchsOwnMajor() {
        Map<String, Object> set = Map.of("migrations", List.of(Map.of("name", "V1__tags.sql", "sql", JSON_TABLE)));

        Api.Response on17 = api.post(migrations(branch17) + "/check", set);
        Api.Response on15 = api.post(migrations(branch15) + "/check", set);

        assertThat(on17.status()).as(String.valueOf(on17.body())).isEqualTo(200);
        assertThat(on17.body().get("passed").asBoolean()).as(String.valueOf(on17.body())).isTrue();
        assertThat(on15.status()).as(String.valueOf(on15.body())).isEqualTo(200);
        assertThat(on15.body().get("passed").asBoolean()).isFalse();
        JsonNode failure = on15.body().get("failure").get("migration");
        assertThat(failure.get("sqlState").asString()).isEqualTo("42601");
        assertThat(failure.toString()).contains("syntax error");
    }

    @Test
    void aUrlImportUsesTheClientToolsOfTheTemplatesMajor() throws SQLException {
        sql(branch17, "CREATE TABLE IF NOT EXISTS exported (id int); INSERT INTO exported VALUES (7)");
        String source = TemplateIT.viaLocalhost(branch17);
        String onSeventeen = "imp17-" + TemplateIT.suffix();
        String onFifteen = "imp15-" + TemplateIT.suffix();

        // pg_dump 15 refuses a 17 server: a 17 template's import runs pg_dump 17
        Api.Response imported = api.post("/api/v1/templates", Map.of("name", onSeventeen, "sourceUrl", source,
                "postgresVersion", 17));
        Api.Response older = api.post("/api/v1/templates", Map.of("name", onFifteen, "sourceUrl", source,
                "postgresVersion", 15));

        assertThat(imported.status()).as(String.valueOf(imported.body())).isEqualTo(201);
        JsonNode copy = branch("ib-" + TemplateIT.suffix(), Map.of("template", onSeventeen));
        assertThat(count(copy, "SELECT count(*) FROM exported")).isEqualTo(1);
        assertThat(older.status()).as(String.valueOf(older.body())).isEqualTo(422);
        assertThat(older.code()).isEqualTo("SOURCE_DUMP_FAILED");
        assertThat(older.body().get("detail").asString()).contains("postgresVersion");
        assertThat(api.get("/api/v1/templates/" + onFifteen).status()).isEqualTo(404);
    }

    @Test
    void anUnsupportedMajorIsABadRequestNamingTheSupportedOnesAndMakesNothing() {
        String json = "pg16-" + TemplateIT.suffix();
        String multipart = "pg14-" + TemplateIT.suffix();

        Api.Response refused = api.post("/api/v1/templates", Map.of("name", json, "postgresVersion", 16));
        Api.Response refusedUpload = api.postSql("/api/v1/templates", Map.of("name", multipart,
                "postgresVersion", "14"), Map.of("seed.sql", "SELECT 1;".getBytes()));

        for (Api.Response r : List.of(refused, refusedUpload)) {
            assertThat(r.status()).as(String.valueOf(r.body())).isEqualTo(400);
            assertThat(r.code()).isEqualTo("UNSUPPORTED_POSTGRES_VERSION");
            assertThat(r.body().get("detail").asString()).contains("15, 17");
        }
        for (String name : List.of(json, multipart)) {
            assertThat(api.get("/api/v1/templates/" + name).status()).isEqualTo(404);
            assertThat(TestDocker.containersOf(INSTANCE_ID)).noneMatch(c -> name.equals(c.getLabels().get(Labels.TEMPLATE)));
        }
    }

    private JsonNode branch(String name, Map<String, String> parent) {
        Map<String, String> request = new java.util.HashMap<>(parent);
        request.put("name", name);
        Api.Response created = api.post("/api/v1/branches", request);
        assertThat(created.status()).as(String.valueOf(created.body())).isEqualTo(201);
        return created.body();
    }

    private static String migrations(JsonNode branch) {
        return "/api/v1/branches/" + branch.get("name").asString() + "/migrations";
    }

    private static int serverVersionNum(JsonNode branch) throws SQLException {
        try (Connection c = connect(branch); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SHOW server_version_num")) {
            rs.next();
            return Integer.parseInt(rs.getString(1));
        }
    }
}
