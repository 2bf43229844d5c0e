package dev.offshoot.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
import dev.offshoot.branch.BranchTestSupport;
import tools.jackson.databind.JsonNode;

/** The MCP endpoint through the official Java SDK client and through raw HTTP for the transport rules. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class McpIT extends IntegrationTest {


    @LocalServerPort
    int port;

    Api api;
    String template;
    String readToken;
    String sharedBranch;

    @BeforeAll
    void setUp() {
        api = new Api(port, ADMIN_TOKEN);
        template = "mcp-" + suffix();
        assertThat(api.post("/api/v1/templates", Map.of("name", template)).status()).isEqualTo(201);
        sharedBranch = "shared-" + suffix();
        assertThat(api.post("/api/v1/branches", Map.of("name", sharedBranch, "template", template)).status())
                .isEqualTo(201);
        readToken = api.post("/api/v1/tokens", Map.of("name", "reader-" + suffix(), "scopes", List.of("read")))
                .body().get("token").asString();
    }

    @Test
    void toolsAreSnakeCaseDescribedAnnotatedAndFlat() {
        try (McpTestClient mcp = new McpTestClient(port, ADMIN_TOKEN)) {
            List<McpSchema.Tool> tools = mcp.client.listTools().tools();

            assertThat(tools).extracting(McpSchema.Tool::name).containsExactlyInAnyOrderElementsOf(ServedTools.ALL);
            assertThat(tools).allSatisfy(tool -> {
                assertThat(tool.name()).matches("[a-z][a-z0-9_]{0,39}");
                assertThat(tool.description()).isNotBlank();
                assertThat(tool.inputSchema()).containsEntry("type", "object");
                assertThat(tool.annotations().readOnlyHint()).isNotNull();
                ((Map<?, ?>) tool.inputSchema().get("properties")).values().forEach(p -> assertThat((Map<String, Object>) p)
                        .containsKey("description").doesNotContainEntry("type", "object"));
                assertThat(tool.annotations().readOnlyHint()).as(tool.name())
                        .isEqualTo(ServedTools.READ.contains(tool.name()) && !tool.name().equals("run_sql"));
            });
            assertThat(tools).filteredOn(t -> t.name().equals("delete_branch")).singleElement()
                    .satisfies(t -> assertThat(t.annotations().destructiveHint()).isTrue());
            // suspending ends sessions but keeps every byte: a change, not a destructive one
            assertThat(tools).filteredOn(t -> t.name().equals("suspend_branch") || t.name().equals("wake_branch"))
                    .hasSize(2).allSatisfy(t -> {
                        assertThat(t.annotations().readOnlyHint()).isFalse();
                        assertThat(t.annotations().destructiveHint()).isFalse();
                        assertThat(t.annotations().idempotentHint()).isTrue();
                    });
        }
    }

    @Test
    void anAgentCreatesUsesAndDeletesABranch() throws Exception {
        String name = "agent-" + suffix();
        try (McpTestClient mcp = new McpTestClient(port, ADMIN_TOKEN)) {
            JsonNode created = McpTestClient.json(mcp.call("create_branch", Map.of("name", name, "template", template,
                    "labels", "agent=codex,task=42", "idle_suspend", "45m")));
            JsonNode again = McpTestClient.json(mcp.call("create_branch", Map.of("name", name, "template", template)));
            JsonNode connection = McpTestClient.json(mcp.call("get_connection_string", Map.of("name", name)));
            assertThat(connection.get("password").isNull()).isTrue();
            assertThat(connection.get("passwordFrom").asString()).contains("offshoot connection-string " + name);
            // the agent's shell reads the password over REST, outside the model's context
            BranchTestSupport.sql(api.get("/api/v1/branches/" + name).body(), "CREATE TABLE t (x int)");
            List<Map<String, String>> migrations = List.of(
                    Map.of("name", "V1__tags.sql", "sql", "CREATE TABLE tags (id int primary key, label text);"),
                    Map.of("name", "V2__tag_color.sql", "sql", "ALTER TABLE tags ADD COLUMN color text;"));
            JsonNode checked = McpTestClient.json(mcp.call("check_migrations", Map.of("branch", name,
                    "migrations", migrations)));
            JsonNode applied = McpTestClient.json(mcp.call("apply_migrations", Map.of("branch", name,
                    "migrations", migrations)));
            JsonNode inserted = McpTestClient.json(mcp.call("run_sql", Map.of("branch", name,
                    "sql", "INSERT INTO tags VALUES (1, 'bug', 'red'); SELECT label, color FROM tags")));
            JsonNode tables = McpTestClient.json(mcp.call("list_tables", Map.of("branch", name)));
            JsonNode described = McpTestClient.json(mcp.call("describe_table", Map.of("branch", name, "table", "tags")));
            JsonNode compared = McpTestClient.json(mcp.call("compare_schema", Map.of("branch", name)));
            JsonNode listed = McpTestClient.json(mcp.call("list_branches", Map.of("label", "task=42")));
            McpSchema.CallToolResult deleted = mcp.call("delete_branch", Map.of("name", name));
            McpSchema.CallToolResult gone = mcp.call("describe_branch", Map.of("name", name));

            assertThat(checked.toString()).contains("V2");
            assertThat(applied.toString()).contains("\"2\"");
            assertThat(inserted.toString()).contains("bug", "red");
            assertThat(tables.toString()).contains("public.tags", "public.t");
            assertThat(described.get("columns")).extracting(c -> c.get("name").asString())
                    .containsExactly("id", "label", "color");
            assertThat(compared.get("identical").asBoolean()).isFalse();
            assertThat(compared.get("diff").asString()).contains("tags");
            assertThat(created.get("created").asBoolean()).isTrue();
            assertThat(created.get("branch").get("idleSuspend").asString()).as(created.toString()).isEqualTo("PT45M");
            assertThat(again.get("created").asBoolean()).isFalse();
            assertThat(listed.get("branches")).extracting(b -> b.get("name").asString()).containsExactly(name);
            assertThat(deleted.isError()).isFalse();
            assertThat(gone.isError()).isTrue();
            assertThat(McpTestClient.text(gone)).startsWith("BRANCH_NOT_FOUND");
        }
        JsonNode audit = api.get("/api/v1/audit?target=" + name).body().get("items");
        assertThat(audit).extracting(e -> e.get("action").asString()).contains("create_branch", "delete_branch");
        // the shell's REST read of the owner password is a reveal, recorded as such; the rest went over MCP
        assertThat(audit).filteredOn(e -> e.get("action").asString().equals("branch.reveal")).singleElement()
                .satisfies(e -> assertThat(e.get("channel").asString()).isEqualTo("rest"));
        assertThat(audit).filteredOn(e -> !e.get("action").asString().equals("branch.reveal"))
                .allSatisfy(e -> assertThat(e.get("channel").asString()).isEqualTo("mcp"));
    }

    @Test
    void aReadOnlyTokenSeesOnlyReadToolsAndItsWritesAreRefused() {
        try (McpTestClient mcp = new McpTestClient(port, readToken)) {
            List<String> names = mcp.client.listTools().tools().stream().map(McpSchema.Tool::name).toList();
            McpSchema.CallToolResult refused = mcp.call("create_branch", Map.of("name", "nope-" + suffix(),
                    "template", template));

            assertThat(names).containsAll(ServedTools.READ).doesNotContain("create_branch", "delete_branch", "reset_branch");
            assertThat(refused.isError()).isTrue();
            assertThat(McpTestClient.text(refused)).startsWith("INSUFFICIENT_SCOPE");
            assertThat(McpTestClient.json(mcp.call("list_templates", Map.of())).get("templates")).isNotEmpty();
            McpSchema.CallToolResult write = mcp.call("run_sql", Map.of("branch", sharedBranch,
                    "sql", "CREATE TABLE sneaky (x int)"));
            McpSchema.CallToolResult read = mcp.call("run_sql", Map.of("branch", sharedBranch, "sql", "SELECT 1 AS one"));
            assertThat(write.isError()).isTrue();
            assertThat(McpTestClient.text(write)).contains("25006");
            assertThat(McpTestClient.text(read)).contains("one");
        }
    }

    @Test
    void transportFollowsTheStreamableHttpRules() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String initialize = """
                {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18",
                 "capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}""";

        HttpResponse<String> noToken = http.send(post(initialize, null, null, null), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> init = http.send(post(initialize, ADMIN_TOKEN, null, null), HttpResponse.BodyHandlers.ofString());
        String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
        HttpResponse<String> initialized = http.send(post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}",
                ADMIN_TOKEN, session, null), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> unknown = http.send(post("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}",
                ADMIN_TOKEN, "no-such-session", null), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> foreignOrigin = http.send(post(initialize, ADMIN_TOKEN, null, "https://evil.example"),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> ended = http.send(request(session).header("Authorization", "Bearer " + ADMIN_TOKEN)
                .DELETE().build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> afterEnd = http.send(post("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/list\"}",
                ADMIN_TOKEN, session, null), HttpResponse.BodyHandlers.ofString());

        assertThat(noToken.statusCode()).isEqualTo(401);
        assertThat(noToken.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        assertThat(init.statusCode()).isEqualTo(200);
        assertThat(init.body()).contains("\"instructions\"");
        assertThat(initialized.statusCode()).isEqualTo(202);
        assertThat(initialized.body()).isEmpty();
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(foreignOrigin.statusCode()).isEqualTo(403);
        assertThat(ended.statusCode()).isBetween(200, 204);
        assertThat(afterEnd.statusCode()).isEqualTo(404);
    }

    @Test
    void instructionsStandAloneInTheirFirst512Characters() {
        String first = McpConfiguration.INSTRUCTIONS.substring(0, 512);
        assertThat(first).contains("create_branch", "delete_branch", "Never change a template directly");
    }

    @Test
    void foreignOriginsAreRefusedAndLoopbackOnesPass() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String initialize = """
                {"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18",
                 "capabilities":{},"clientInfo":{"name":"origin","version":"1"}}}""";

        for (String loopback : List.of("http://localhost:3000", "http://127.0.0.1:" + port, "http://[::1]:9")) {
            HttpResponse<String> passed = http.send(post(initialize, ADMIN_TOKEN, null, loopback),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(passed.statusCode()).as(loopback).isEqualTo(200);
        }
        for (String foreign : List.of("https://evil.example", "http://localhost.evil.example", "null")) {
            HttpResponse<String> refused = http.send(post(initialize, ADMIN_TOKEN, null, foreign),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).as(foreign).isEqualTo(403);
            assertThat(refused.headers().firstValue("Content-Type")).hasValueSatisfying(
                    t -> assertThat(t).startsWith("application/problem+json"));
            assertThat(refused.body()).contains("ORIGIN_NOT_ALLOWED");
        }
        HttpResponse<String> foreignWithoutToken = http.send(post(initialize, null, null, "https://evil.example"),
                HttpResponse.BodyHandlers.ofString());
        assertThat(foreignWithoutToken.statusCode()).as("the origin is checked before the token").isEqualTo(403);
    }

    private HttpRequest post(String body, String token, String session, String origin) {
        HttpRequest.Builder builder = request(session).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        if (origin != null) {
            builder.header("Origin", origin);
        }
        return builder.build();
    }

    private HttpRequest.Builder request(String session) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/mcp"))
                .header("Accept", "application/json, text/event-stream")
                .header("MCP-Protocol-Version", "2025-06-18");
        if (session != null) {
            builder.header("Mcp-Session-Id", session);
        }
        return builder;
    }

    static String suffix() {
        return UUID.randomUUID().toString().substring(0, 6);
    }
}
