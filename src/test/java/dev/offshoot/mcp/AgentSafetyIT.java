package dev.offshoot.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.modelcontextprotocol.spec.McpSchema;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.offshoot.Api;
import dev.offshoot.IntegrationTest;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * An agent on /mcp (official SDK client), on a branch of Pagila, held to its template's migration policy: a dropped column
 * fails the check and is refused on apply, a person's approval lets that exact set through once, a
 * staged rename to drop_... passes under an allowlist, and no result ever carries the password.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AgentSafetyIT extends IntegrationTest {

    private static final List<Map<String, String>> DROP = List.of(Map.of("name", "V1__drop_legacy.sql",
            "sql", "ALTER TABLE film DROP COLUMN special_features;"));
    private static final List<Map<String, String>> DROP_CHANGED = List.of(Map.of("name", "V1__drop_legacy.sql",
            "sql", "ALTER TABLE film DROP COLUMN special_features CASCADE;"));
    private static final List<Map<String, String>> STAGED = List.of(Map.of("name", "V1__stage_name_drop.sql",
            "sql", "ALTER TABLE film RENAME COLUMN special_features TO drop_special_features;"));

    @LocalServerPort
    int port;

    Api admin;
    String template;
    String agentToken;
    Api approver;

    @BeforeAll
    void setUp() throws java.io.IOException {
        admin = new Api(port, ADMIN_TOKEN);
        template = "safety-" + suffix();
        java.nio.file.Path samples = java.nio.file.Path.of(System.getProperty("offshoot.test.samples", "samples"));
        Map<String, byte[]> pagila = new java.util.LinkedHashMap<>();
        pagila.put("pagila-schema.sql", java.nio.file.Files.readAllBytes(samples.resolve("pagila/pagila-schema.sql")));
        pagila.put("pagila-data.sql", java.nio.file.Files.readAllBytes(samples.resolve("pagila/pagila-data.sql")));
        Api.Response created = admin.postSql("/api/v1/templates", Map.of("name", template, "database", "pagila"),
                pagila);
        assertThat(created.status()).as(String.valueOf(created.body())).isEqualTo(201);
        // an agent's token: write on its template only, no approve scope
        agentToken = admin.post("/api/v1/tokens", Map.of("name", "agent-" + suffix(), "scopes", List.of("write"),
                "templates", List.of(template))).body().get("token").asString();
        approver = new Api(port, admin.post("/api/v1/tokens", Map.of("name", "human-" + suffix(), "scopes",
                List.of("approve"))).body().get("token").asString());
    }

    @Test
    void anAgentIsHeldToThePolicyAndAHumanApprovesOneExactSetOnce() {
        String branch = "agent-" + suffix();
        List<String> results = new ArrayList<>();
        String password;
        try (McpTestClient mcp = new McpTestClient(port, agentToken)) {
            results.add(call(mcp, "create_branch", Map.of("name", branch, "template", template)));
            password = admin.get("/api/v1/branches/" + branch).body().get("connection").get("password").asString();
            assertThat(password).isNotBlank();
            results.add(call(mcp, "run_sql", Map.of("branch", branch, "sql", "SELECT count(*) FROM film")));
            results.add(call(mcp, "describe_table", Map.of("branch", branch, "table", "film")));
            results.add(call(mcp, "describe_branch", Map.of("name", branch)));
            results.add(call(mcp, "get_connection_string", Map.of("name", branch)));
            results.add(call(mcp, "list_branches", Map.of()));

            JsonNode checked = json(results, mcp, "check_migrations", Map.of("branch", branch, "migrations", DROP));
            assertThat(checked.get("verdict").asString()).isEqualTo("fail");
            assertThat(checked.get("findings")).extracting(f -> f.get("level").asString() + " "
                    + f.get("rule").asString() + " " + f.get("target").asString())
                    .containsExactly("error DROP_COLUMN film.special_features");

            McpSchema.CallToolResult refused = mcp.call("apply_migrations", Map.of("branch", branch, "migrations",
                    DROP));
            results.add(McpTestClient.text(refused));
            assertThat(refused.isError()).isTrue();
            assertThat(McpTestClient.text(refused)).startsWith("POLICY_VIOLATION")
                    .contains("/api/v1/branches/" + branch + "/migrations/approvals", checked.get("checksum").asString());

            JsonNode dryRun = json(results, mcp, "apply_migrations", Map.of("branch", branch, "migrations", DROP,
                    "dry_run", true));
            assertThat(dryRun.get("dryRun").asBoolean()).isTrue();
            assertThat(dryRun.get("verdict").asString()).isEqualTo("fail");
            assertThat(dryRun.get("plan")).extracting(s -> s.get("script").asString())
                    .containsExactly("V1__drop_legacy.sql");
            assertThat(columns(branch)).contains("special_features");

            // the agent's own token cannot approve; a person with the approve scope can, for this set only
            assertThat(new Api(port, agentToken).post("/api/v1/branches/" + branch + "/migrations/approvals",
                    Map.of("migrations", DROP)).status()).isEqualTo(403);
            Api.Response approval = approver.post("/api/v1/branches/" + branch + "/migrations/approvals",
                    Map.of("migrations", DROP));
            assertThat(approval.status()).as(String.valueOf(approval.body())).isEqualTo(201);
            String id = approval.body().get("id").asString();
            assertThat(approval.body().get("checksum").asString()).isEqualTo(checked.get("checksum").asString());

            McpSchema.CallToolResult changed = mcp.call("apply_migrations", Map.of("branch", branch, "migrations",
                    DROP_CHANGED, "approval", id));
            results.add(McpTestClient.text(changed));
            assertThat(McpTestClient.text(changed)).startsWith("POLICY_VIOLATION").contains("approval '" + id + "'");
            assertThat(columns(branch)).contains("special_features");

            JsonNode applied = json(results, mcp, "apply_migrations", Map.of("branch", branch, "migrations", DROP,
                    "approval", id));
            assertThat(applied.get("approval").asString()).isEqualTo(id);
            assertThat(applied.get("applied")).extracting(a -> a.get("script").asString())
                    .containsExactly("V1__drop_legacy.sql");
            assertThat(columns(branch)).doesNotContain("special_features");

            // a check now passes (the drop already ran); it must not answer for the branch after a reset
            assertThat(json(results, mcp, "check_migrations", Map.of("branch", branch, "migrations", DROP))
                    .get("verdict").asString()).isEqualTo("pass");
            // single use: after a reset the same set with the same approval is refused again
            results.add(call(mcp, "reset_branch", Map.of("name", branch)));
            McpSchema.CallToolResult reused = mcp.call("apply_migrations", Map.of("branch", branch, "migrations",
                    DROP, "approval", id));
            results.add(McpTestClient.text(reused));
            assertThat(McpTestClient.text(reused)).startsWith("POLICY_VIOLATION");
            assertThat(columns(branch)).contains("special_features");

            // a staged rename to drop_... passes once the template's policy allows it
            assertThat(json(results, mcp, "check_migrations", Map.of("branch", branch, "migrations", STAGED))
                    .get("verdict").asString()).isEqualTo("warn");
            Api.Response put = admin.put("/api/v1/templates/" + template + "/policy", Map.of("mode",
                    "warning-sensitive", "allow", List.of("^drop_")));
            assertThat(put.status()).as(String.valueOf(put.body())).isEqualTo(200);
            JsonNode staged = json(results, mcp, "check_migrations", Map.of("branch", branch, "migrations", STAGED));
            assertThat(staged.get("verdict").asString()).isEqualTo("pass");
            assertThat(staged.get("policy").get("source").asString()).isEqualTo("template");
            JsonNode stagedApplied = json(results, mcp, "apply_migrations", Map.of("branch", branch, "migrations",
                    STAGED));
            assertThat(stagedApplied.get("verdict").asString()).isEqualTo("pass");
            assertThat(columns(branch)).contains("drop_special_features");

            JsonNode compared = json(results, mcp, "compare_schema", Map.of("branch", branch));
            assertThat(compared.get("diff").asString()).contains("drop_special_features");
            results.add(call(mcp, "delete_branch", Map.of("name", branch)));
        } finally {
            admin.put("/api/v1/templates/" + template + "/policy", Map.of("mode", "error-only"));
        }
        assertThat(results).hasSizeGreaterThan(15).noneSatisfy(r -> assertThat(r).contains(password));
        assertThat(admin.get("/api/v1/audit?target=" + branch).body().get("items"))
                .extracting(e -> e.get("action").asString() + " " + e.get("outcome").asString())
                .contains("branch.migrations.approve success", "branch.migrations.approval-use success",
                        "branch.migrations.approval-use failure");
    }

    /**
     * The token for coding agents: it creates, migrates and deletes its branch, but its SQL only
     * reads, so a schema change cannot route around the gate through run_sql or /sql.
     */
    @Test
    void aSqlReadOnlyTokenBranchesAndMigratesButItsSqlOnlyReads() {
        Api.Response issued = admin.post("/api/v1/tokens", Map.of("name", "coder-" + suffix(), "scopes",
                List.of("write"), "templates", List.of(template), "sqlReadOnly", true));
        assertThat(issued.status()).as(String.valueOf(issued.body())).isEqualTo(201);
        assertThat(issued.body().get("details").get("sqlReadOnly").asBoolean()).isTrue();
        String secret = issued.body().get("token").asString();
        String branch = "coder-" + suffix();
        List<Map<String, String>> addColumn = List.of(Map.of("name", "V1__film_note.sql",
                "sql", "ALTER TABLE film ADD COLUMN note text;"));
        try (McpTestClient mcp = new McpTestClient(port, secret)) {
            call(mcp, "create_branch", Map.of("name", branch, "template", template));
            McpSchema.CallToolResult ddl = mcp.call("run_sql", Map.of("branch", branch, "sql",
                    "ALTER TABLE film ADD COLUMN note text"));
            McpSchema.CallToolResult dml = mcp.call("run_sql", Map.of("branch", branch, "sql", "DELETE FROM film"));
            JsonNode read = JsonMapper.shared().readTree(call(mcp, "run_sql", Map.of("branch", branch, "sql",
                    "SELECT count(*) FROM film")));
            Api.Response rest = new Api(port, secret).post("/api/v1/branches/" + branch + "/sql", Map.of("sql",
                    "CREATE TABLE side_door (id int)", "readOnly", false));

            assertThat(ddl.isError()).isTrue();
            assertThat(McpTestClient.text(ddl)).startsWith("SQL_READ_ONLY_TOKEN")
                    .contains("check_migrations", "apply_migrations");
            assertThat(McpTestClient.text(dml)).startsWith("SQL_READ_ONLY_TOKEN");
            assertThat(read.get("readOnly").asBoolean()).isTrue();
            assertThat(read.get("results").get(0).get("rows").get(0).get(0).asLong()).isEqualTo(1000);
            assertThat(rest.status()).as(String.valueOf(rest.body())).isEqualTo(403);
            assertThat(rest.code()).isEqualTo("SQL_READ_ONLY_TOKEN");
            assertThat(columns(branch)).doesNotContain("note");
            assertThat(admin.post("/api/v1/branches/" + branch + "/sql", Map.of("sql",
                    "SELECT count(*) FROM film")).body().toString()).contains("1000");

            assertThat(JsonMapper.shared().readTree(call(mcp, "check_migrations", Map.of("branch", branch,
                    "migrations", addColumn))).get("verdict").asString()).isIn("pass", "warn");
            call(mcp, "apply_migrations", Map.of("branch", branch, "migrations", addColumn));
            assertThat(columns(branch)).contains("note");
            call(mcp, "delete_branch", Map.of("name", branch));
        }
    }

    /** Attack: get a passing check while the drop is already applied, reset, and apply on the reused pass. */
    @Test
    void aPassingCheckFromBeforeAResetDoesNotLetTheDropThroughAgain() {
        Api agent = new Api(port, agentToken);
        String branch = "reuse-" + suffix();
        String migrations = "/api/v1/branches/" + branch + "/migrations";
        assertThat(agent.post("/api/v1/branches", Map.of("name", branch, "template", template)).status())
                .isEqualTo(201);
        // an approval is only for a set checked on the branch
        assertThat(agent.post(migrations + "/check", Map.of("migrations", DROP)).body().get("verdict").asString())
                .isEqualTo("fail");
        String id = approver.post(migrations + "/approvals", Map.of("migrations", DROP)).body().get("id").asString();
        assertThat(agent.post(migrations, Map.of("migrations", DROP, "approval", id)).status()).isEqualTo(200);
        assertThat(agent.post(migrations + "/check", Map.of("migrations", DROP)).body().get("verdict").asString())
                .isEqualTo("pass");

        assertThat(agent.post("/api/v1/branches/" + branch + "/reset", null).status()).isEqualTo(200);
        Api.Response again = agent.post(migrations, Map.of("migrations", DROP));

        assertThat(again.status()).as(String.valueOf(again.body())).isEqualTo(422);
        assertThat(again.code()).isEqualTo("POLICY_VIOLATION");
        assertThat(columns(branch)).contains("special_features");
        assertThat(admin.delete("/api/v1/branches/" + branch).status()).isEqualTo(204);
    }

    @Test
    void anAgentTokenCannotRelaxItsTemplatesPolicy() {
        Api agent = new Api(port, agentToken);
        Api.Response relaxed = agent.put("/api/v1/templates/" + template + "/policy", Map.of("mode", "error-only",
                "rules", Map.of("DROP_COLUMN", "off")));
        assertThat(relaxed.status()).isEqualTo(403);
        assertThat(relaxed.code()).isEqualTo("TEMPLATE_CHANGE_NOT_ALLOWED");
        assertThat(agent.get("/api/v1/templates/" + template + "/policy").body().get("policy").get("rules")
                .has("DROP_COLUMN")).isFalse();
    }

    @Test
    void aPolicyWithABadRegexIsRefused() {
        Api.Response bad = admin.put("/api/v1/templates/" + template + "/policy", Map.of("mode", "strict",
                "naming", Map.of("table", "([a-z")));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.code()).isEqualTo("INVALID_POLICY");
        assertThat(bad.body().get("detail").asString()).contains("naming.table");
    }

    private String columns(String branch) {
        return admin.post("/api/v1/branches/" + branch + "/sql", Map.of("sql", "SELECT string_agg(column_name, ',')"
                + " AS c FROM information_schema.columns WHERE table_name = 'film'")).body().toString();
    }

    private static String call(McpTestClient mcp, String tool, Map<String, Object> args) {
        McpSchema.CallToolResult result = mcp.call(tool, args);
        assertThat(result.isError()).as(tool + ": " + McpTestClient.text(result)).isFalse();
        return McpTestClient.text(result);
    }

    private static JsonNode json(List<String> results, McpTestClient mcp, String tool, Map<String, Object> args) {
        String text = call(mcp, tool, args);
        results.add(text);
        return tools.jackson.databind.json.JsonMapper.shared().readTree(text);
    }

    static String suffix() {
        return UUID.randomUUID().toString().substring(0, 6);
    }
}
