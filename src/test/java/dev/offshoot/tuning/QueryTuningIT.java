package dev.offshoot.tuning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.modelcontextprotocol.spec.McpSchema;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.test.web.server.LocalServerPort;

import tools.jackson.databind.JsonNode;

import dev.offshoot.Api;
import dev.offshoot.IntegrationTest;
import dev.offshoot.branch.BranchTestSupport;
import dev.offshoot.mcp.McpTestClient;

/**
 * Pagila, where rental has no index on customer_id, so a customer's rentals are a sequential scan.
 * An agent follows the skill (skills/offshoot-migrations) over MCP with the official SDK client,
 * step by step: its branch, inspection, a migration checked and applied, the application's
 * workload on the branch, then a tuning round: list_slow_queries finds the statement,
 * explain_sql_statement shows the scan, prepare_query_tuning measures two indexes on a kept copy
 * and recommends the one that helps, complete_query_tuning lands it through the migration gate
 * (check, then apply); compare_schema and delete_branch end it. The same over REST, and what
 * readers may and may not do.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QueryTuningIT extends IntegrationTest {

    static final String SLOW = "SELECT r.rental_id, r.rental_date FROM rental r WHERE r.customer_id = ?";
    static final String STATEMENT = "SELECT r.rental_id, r.rental_date FROM rental r WHERE r.customer_id = 42";
    static final List<String> CANDIDATES = List.of("CREATE INDEX rental_customer_id_idx ON rental (customer_id)",
            "CREATE INDEX rental_staff_id_idx ON rental (staff_id)");

    @LocalServerPort
    int port;

    Api admin;
    String template;
    String agentToken;
    String readToken;

    @BeforeAll
    void setUp() throws IOException {
        admin = new Api(port, ADMIN_TOKEN);
        template = "tune-" + suffix();
        Path samples = Path.of(System.getProperty("offshoot.test.samples", "samples"));
        Map<String, byte[]> pagila = new LinkedHashMap<>();
        pagila.put("pagila-schema.sql", Files.readAllBytes(samples.resolve("pagila/pagila-schema.sql")));
        pagila.put("pagila-data.sql", Files.readAllBytes(samples.resolve("pagila/pagila-data.sql")));
        Api.Response created = admin.postSql("/api/v1/templates", Map.of("name", template, "database", "pagila"),
                pagila);
        assertThat(created.status()).as(String.valueOf(created.body())).isEqualTo(201);
        // the token docs/agent-safety.md recommends for agents: write on its template, SQL read-only
        agentToken = token("agent", List.of("write"), true);
        readToken = token("reader", List.of("read"), false);
    }

    /** The skill's loop (skills/offshoot-migrations/SKILL.md), step by step, with a tuning round. */
    @Test
    void anAgentFollowsTheSkillFindsTheSlowQueryAndLandsTheIndexThroughTheGate() throws Exception {
        String branch = "tune-agent-" + suffix();
        List<String> results = new java.util.ArrayList<>();
        try (McpTestClient mcp = new McpTestClient(port, agentToken)) {
            // 1. branch
            assertThat(json(results, mcp, "list_templates", Map.of()).toString()).contains(template);
            json(results, mcp, "create_branch", Map.of("name", branch, "template", template));
            // 2. inspect
            assertThat(json(results, mcp, "list_tables", Map.of("branch", branch)).toString()).contains("public.rental");
            assertThat(indexes(mcp, branch)).doesNotContain("rental_customer_id_idx");
            // 3-5. a migration written in the project, checked until pass, applied
            List<Map<String, String>> migrations = List.of(Map.of("name", "V1__rental_note.sql",
                    "sql", "ALTER TABLE rental ADD COLUMN note text;"));
            assertThat(json(results, mcp, "check_migrations", Map.of("branch", branch, "migrations", migrations))
                    .get("verdict").asString()).isEqualTo("pass");
            json(results, mcp, "apply_migrations", Map.of("branch", branch, "migrations", migrations));
            // 6. the application's tests, on a connection whose password the shell gets, not the model
            assertThat(json(results, mcp, "get_connection_string", Map.of("name", branch)).get("passwordFrom")
                    .asString()).contains("--env-file .env");
            workload(branch);

            // the tuning round
            JsonNode slow = json(results, mcp, "list_slow_queries", Map.of("branch", branch));
            assertThat(statement(slow, "WHERE r.customer_id = $1").get("calls").asLong()).isGreaterThanOrEqualTo(20);
            assertThat(slow.toString()).doesNotContain("pg_catalog.", "flyway_schema_history");
            JsonNode plain = json(results, mcp, "explain_sql_statement", Map.of("branch", branch, "sql", STATEMENT));
            JsonNode analyzed = json(results, mcp, "explain_sql_statement", Map.of("branch", branch,
                    "sql", STATEMENT, "analyze", true));
            assertThat(plain.get("ranOn").asString()).isEqualTo("branch");
            assertThat(plain.get("summary").get("shape").asString()).isEqualTo("Seq Scan on rental");
            assertThat(plain.get("summary").has("actualRows")).isFalse();
            assertThat(plain.get("plan").get(0).get("Settings")).isNotNull();
            assertThat(analyzed.get("ranOn").asString()).isEqualTo("copy");
            assertThat(analyzed.get("summary").get("actualRows").asLong()).isEqualTo(rentals(branch, 42));
            assertThat(analyzed.get("summary").get("notes").toString()).contains("an index on the filter");

            JsonNode tuning = json(results, mcp, "prepare_query_tuning", Map.of("branch", branch,
                    "statement", STATEMENT, "candidates", CANDIDATES));
            assertRecommendsTheCustomerIndex(tuning);
            String copy = tuning.get("throwaway").asString();
            assertThat(admin.get("/api/v1/branches/" + copy).status()).as("the copy is kept").isEqualTo(200);
            assertThat(indexes(mcp, branch)).doesNotContain("rental_customer_id_idx", "rental_staff_id_idx");

            String id = tuning.get("tuningId").asString();
            JsonNode checked = json(results, mcp, "complete_query_tuning", Map.of("tuning_id", id));
            assertThat(checked.get("migration").get("name").asString())
                    .isEqualTo("V2__tune_rental_customer_id_idx.sql");
            assertThat(checked.get("migration").get("sql").asString())
                    .isEqualTo("CREATE INDEX CONCURRENTLY rental_customer_id_idx ON rental (customer_id);\n");
            assertThat(checked.get("check").get("verdict").asString()).isEqualTo("pass");
            assertThat(indexes(mcp, branch)).doesNotContain("rental_customer_id_idx");

            JsonNode applied = json(results, mcp, "complete_query_tuning", Map.of("tuning_id", id,
                    "action", "apply"));
            assertThat(applied.get("applied").get("applied")).extracting(a -> a.get("script").asString())
                    .containsExactly("V2__tune_rental_customer_id_idx.sql");
            assertThat(indexes(mcp, branch)).contains("rental_customer_id_idx").doesNotContain("rental_staff_id_idx");
            assertThat(json(results, mcp, "explain_sql_statement", Map.of("branch", branch, "sql", STATEMENT))
                    .get("summary").get("shape").asString()).contains("rental_customer_id_idx");
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(admin.get("/api/v1/branches/" + copy).status()).isEqualTo(404));
            assertThat(McpTestClient.text(mcp.call("complete_query_tuning", Map.of("tuning_id", id, "action",
                    "apply")))).startsWith("TUNING_ENDED");

            // 7. compare, 8. clean up
            assertThat(json(results, mcp, "compare_schema", Map.of("branch", branch)).get("diff").asString())
                    .contains("rental_customer_id_idx", "note");
            String password = admin.get("/api/v1/branches/" + branch).body().get("connection").get("password")
                    .asString();
            assertThat(mcp.call("delete_branch", Map.of("name", branch)).isError()).isFalse();
            assertThat(results).as("no result carries the password").noneMatch(r -> r.contains(password));

            assertThat(admin.get("/api/v1/audit?target=" + branch).body().get("items"))
                    .extracting(e -> e.get("action").asString()).contains("prepare_query_tuning", "apply_migrations");
            assertThat(admin.get("/api/v1/audit?target=" + id).body().get("items"))
                    .extracting(e -> e.get("action").asString() + " " + e.get("outcome").asString())
                    .contains("complete_query_tuning success", "complete_query_tuning failure");
        }
    }

    static JsonNode json(List<String> results, McpTestClient mcp, String tool, Map<String, Object> arguments) {
        McpSchema.CallToolResult result = mcp.call(tool, arguments);
        results.add(McpTestClient.text(result));
        return McpTestClient.json(result);
    }

    @Test
    void theSameOverRestAndWhatAReaderMayDo() throws Exception {
        String branch = "tune-rest-" + suffix();
        Api agent = new Api(port, agentToken);
        Api reader = new Api(port, readToken);
        assertThat(agent.post("/api/v1/branches", Map.of("name", branch, "template", template)).status())
                .isEqualTo(201);
        workload(branch);

        Api.Response writerStats = agent.get("/api/v1/branches/" + branch + "/slow-queries?limit=50");
        Api.Response readerStats = reader.get("/api/v1/branches/" + branch + "/slow-queries?limit=50");
        assertThat(statement(writerStats.body(), "WHERE r.customer_id = $1").get("role").asString())
                .isEqualTo(admin.get("/api/v1/branches/" + branch).body().get("connection").get("user").asString());
        // the reader's session is the read-only role's: the owner's statements come without their text
        JsonNode hidden = readerStats.body().get("statements");
        assertThat(hidden).isNotEmpty();
        assertThat(hidden).filteredOn(s -> s.has("textHidden")).isNotEmpty();
        assertThat(readerStats.body().toString()).doesNotContain("customer_id");

        Api.Response readerExplain = reader.post("/api/v1/branches/" + branch + "/explain", Map.of("sql", STATEMENT,
                "analyze", true));
        assertThat(readerExplain.status()).as(String.valueOf(readerExplain.body())).isEqualTo(200);
        assertThat(readerExplain.body().get("summary").get("shape").asString()).isEqualTo("Seq Scan on rental");
        Api.Response change = agent.post("/api/v1/branches/" + branch + "/explain", Map.of("sql",
                "DELETE FROM payment WHERE amount > 5", "analyze", true));
        assertThat(change.status()).as(String.valueOf(change.body())).isEqualTo(200);
        assertThat(BranchTestSupport.count(admin.get("/api/v1/branches/" + branch).body(),
                "SELECT count(*) FROM payment WHERE amount > 5")).as("analyzed on a copy").isPositive();
        Api.Response planOnly = agent.post("/api/v1/branches/" + branch + "/explain", Map.of("sql",
                "UPDATE rental SET return_date = now() WHERE customer_id = 42"));
        assertThat(planOnly.status()).as("a sqlReadOnly token plans a change").isEqualTo(200);
        assertThat(reader.post("/api/v1/branches/" + branch + "/tunings", Map.of("statement", STATEMENT,
                "candidates", CANDIDATES)).status()).isEqualTo(403);

        Api.Response prepared = agent.post("/api/v1/branches/" + branch + "/tunings", Map.of("statement", STATEMENT,
                "candidates", CANDIDATES, "runs", 3));
        assertThat(prepared.status()).as(String.valueOf(prepared.body())).isEqualTo(201);
        assertRecommendsTheCustomerIndex(prepared.body());
        String id = prepared.body().get("tuningId").asString();
        String copy = prepared.body().get("throwaway").asString();
        String path = "/api/v1/branches/" + branch + "/tunings/" + id;
        assertThat(reader.get(path).body().get("status").asString()).isEqualTo("KEPT");
        assertThat(agent.get("/api/v1/branches/another/tunings/" + id).code()).isEqualTo("TUNING_NOT_FOUND");

        Api.Response checked = agent.post(path + "/complete", Map.of("migrationName", "V7__customer_rentals.sql"));
        assertThat(checked.status()).as(String.valueOf(checked.body())).isEqualTo(200);
        assertThat(checked.body().get("check").get("verdict").asString()).isEqualTo("pass");
        assertThat(agent.delete(path).status()).isEqualTo(204);
        assertThat(agent.get(path).body().get("status").asString()).isEqualTo("DISCARDED");
        assertThat(agent.post(path + "/complete", Map.of("action", "apply")).code()).isEqualTo("TUNING_ENDED");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(admin.get("/api/v1/branches/" + copy).status()).isEqualTo(404));
        assertThat(admin.delete("/api/v1/branches/" + branch).status()).isEqualTo(204);
    }

    static void assertRecommendsTheCustomerIndex(JsonNode tuning) {
        JsonNode baseline = tuning.get("baseline");
        JsonNode customer = tuning.get("candidates").get(0);
        JsonNode staff = tuning.get("candidates").get(1);
        assertThat(tuning.get("recommendation").get("candidate").asInt()).as(tuning.toString()).isEqualTo(1);
        assertThat(tuning.get("recommendation").get("speedup").asDouble()).isGreaterThan(2);
        assertThat(tuning.get("recommendation").get("migration").asString()).startsWith("CREATE INDEX CONCURRENTLY");
        assertThat(baseline.get("plan").asString()).isEqualTo("Seq Scan on rental");
        assertThat(customer.get("plan").asString()).contains("rental_customer_id_idx");
        assertThat(customer.get("rows").asLong()).isEqualTo(baseline.get("rows").asLong());
        assertThat(customer.get("indexBytes").asLong()).isPositive();
        assertThat(customer.get("buildMs").asLong()).isNotNegative();
        assertThat(staff.get("plan").asString()).as("an index the filter cannot use").isEqualTo("Seq Scan on rental");
        assertThat(tuning.get("comparison").asString()).contains("| 1 | CREATE INDEX rental_customer_id_idx");
        assertThat(tuning.get("keptUntil").asString()).isNotBlank();
    }

    /** The application's own connection (the owner's) asks for customers' rentals, as its tests would. */
    void workload(String branch) throws Exception {
        try (Connection db = BranchTestSupport.connect(admin.get("/api/v1/branches/" + branch).body());
                PreparedStatement st = db.prepareStatement(SLOW)) {
            for (int customer = 1; customer <= 20; customer++) {
                st.setInt(1, customer);
                try (ResultSet rs = st.executeQuery()) {
                    while (rs.next()) {
                        rs.getInt(1);
                    }
                }
            }
        }
    }

    long rentals(String branch, int customer) throws Exception {
        return BranchTestSupport.count(admin.get("/api/v1/branches/" + branch).body(),
                "SELECT count(*) FROM rental WHERE customer_id = " + customer);
    }

    static JsonNode statement(JsonNode slow, String fragment) {
        return java.util.stream.StreamSupport.stream(slow.get("statements").spliterator(), false)
                .filter(s -> s.has("query") && s.get("query").asString().contains(fragment)).findFirst()
                .orElseThrow(() -> new AssertionError("no statement with " + fragment + " in " + slow));
    }

    static List<String> indexes(McpTestClient mcp, String branch) {
        JsonNode table = McpTestClient.json(mcp.call("describe_table", Map.of("branch", branch, "table", "rental")));
        return java.util.stream.StreamSupport.stream(table.get("indexes").spliterator(), false)
                .map(i -> i.get("name").asString()).toList();
    }

    String token(String name, List<String> scopes, boolean sqlReadOnly) {
        return admin.post("/api/v1/tokens", Map.of("name", name + "-" + suffix(), "scopes", scopes,
                "templates", List.of(template), "sqlReadOnly", sqlReadOnly)).body().get("token").asString();
    }

    static String suffix() {
        return UUID.randomUUID().toString().substring(0, 6);
    }
}
