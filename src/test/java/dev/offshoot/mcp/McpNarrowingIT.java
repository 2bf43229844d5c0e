package dev.offshoot.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.offshoot.Api;
import dev.offshoot.IntegrationTest;
import tools.jackson.databind.JsonNode;

/**
 * Narrowed MCP endpoints through the official Java SDK client, over sessions authenticated with
 * the same bearer tokens as REST: {@code ?readonly=true}, {@code ?category=}, {@code ?tools=} and a
 * token pinned to a set at issue time; tools/list shows the narrowed set, a call outside it is
 * refused as an unknown tool, and a URL never widens a token's pin.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class McpNarrowingIT extends IntegrationTest {

    @LocalServerPort
    int port;

    Api admin;
    String tuningToken;

    @BeforeAll
    void setUp() {
        admin = new Api(port, ADMIN_TOKEN);
        Api.Response issued = admin.post("/api/v1/tokens", Map.of("name", "tuner-" + McpIT.suffix(),
                "scopes", List.of("admin"), "mcp", Map.of("categories", List.of("tuning"))));
        assertThat(issued.status()).as(String.valueOf(issued.body())).isEqualTo(201);
        assertThat(issued.body().get("details").get("mcp").get("categories")).extracting(JsonNode::asString)
                .containsExactly("tuning");
        tuningToken = issued.body().get("token").asString();
    }

    List<String> names(McpTestClient mcp) {
        return mcp.client.listTools().tools().stream().map(McpSchema.Tool::name).toList();
    }

    @Test
    void readonlyOffersOnlyToolsAnnotatedReadOnlyAndRefusesTheOthersAsUnknown() {
        try (McpTestClient mcp = new McpTestClient(port, ADMIN_TOKEN, "/mcp?readonly=true")) {
            List<McpSchema.Tool> tools = mcp.client.listTools().tools();

            assertThat(tools).extracting(McpSchema.Tool::name).containsExactlyInAnyOrderElementsOf(
                    ServedTools.READ.stream().filter(t -> !t.equals("run_sql")).toList());
            assertThat(tools).allSatisfy(t -> assertThat(t.annotations().readOnlyHint()).as(t.name()).isTrue());
            assertThatThrownBy(() -> mcp.call("create_branch", Map.of("name", "nope-" + McpIT.suffix(),
                    "template", "whatever"))).isInstanceOf(McpError.class).hasMessageContaining("Unknown tool");
            assertThatThrownBy(() -> mcp.call("run_sql", Map.of("branch", "b", "sql", "SELECT 1")))
                    .isInstanceOf(McpError.class).hasMessageContaining("Unknown tool");
            assertThat(mcp.call("list_templates", Map.of()).isError()).isFalse();
        }
        assertThat(admin.get("/api/v1/branches").body().toString()).doesNotContain("nope-");
    }

    @Test
    void categoriesAndToolsNarrowFurther() {
        try (McpTestClient tuning = new McpTestClient(port, ADMIN_TOKEN, "/mcp?category=tuning");
                McpTestClient picked = new McpTestClient(port, ADMIN_TOKEN,
                        "/mcp?category=schema,sql&readonly=true&tools=list_tables,compare_schema,run_sql,list_branches")) {
            assertThat(names(tuning)).containsExactlyInAnyOrder("explain_sql_statement", "list_slow_queries",
                    "prepare_query_tuning", "complete_query_tuning");
            assertThat(names(picked)).containsExactlyInAnyOrder("list_tables", "compare_schema");
            assertThatThrownBy(() -> picked.call("list_branches", Map.of())).isInstanceOf(McpError.class)
                    .hasMessageContaining("Unknown tool");
        }
    }

    @Test
    void aTokensPinnedSetIsAllItEverSeesAndAUrlCanOnlyNarrowIt() {
        try (McpTestClient pinned = new McpTestClient(port, tuningToken);
                McpTestClient wider = new McpTestClient(port, tuningToken, "/mcp?category=branches,tuning");
                McpTestClient narrower = new McpTestClient(port, tuningToken, "/mcp?readonly=true")) {
            assertThat(names(pinned)).containsExactlyInAnyOrder("explain_sql_statement", "list_slow_queries",
                    "prepare_query_tuning", "complete_query_tuning");
            assertThat(names(wider)).as("branches is outside the pin").containsExactlyInAnyOrderElementsOf(
                    names(pinned));
            assertThat(names(narrower)).containsExactlyInAnyOrder("explain_sql_statement", "list_slow_queries");
            assertThatThrownBy(() -> wider.call("list_templates", Map.of())).isInstanceOf(McpError.class)
                    .hasMessageContaining("Unknown tool");
        }
    }

    @Test
    void aPinnedTokenIssuesOnlyTokensPinnedWithinItsSet() {
        Api tuner = new Api(port, tuningToken);

        Api.Response unpinned = tuner.post("/api/v1/tokens", Map.of("name", "free-" + McpIT.suffix(),
                "scopes", List.of("read")));
        Api.Response within = tuner.post("/api/v1/tokens", Map.of("name", "ro-" + McpIT.suffix(),
                "scopes", List.of("read"), "mcp", Map.of("readOnly", true, "categories", List.of("tuning"))));

        assertThat(unpinned.status()).isEqualTo(403);
        assertThat(unpinned.code()).isEqualTo("TOKEN_WIDER_THAN_ISSUER");
        assertThat(within.status()).as(String.valueOf(within.body())).isEqualTo(201);
        assertThat(within.body().get("details").get("mcp").get("readOnly").asBoolean()).isTrue();
    }

    @Test
    void aSelectionNamingNoToolOrCategoryIsRefusedBeforeAnyMessageIsRead() throws Exception {
        Api.Response token = admin.post("/api/v1/tokens", Map.of("name", "typo-" + McpIT.suffix(),
                "scopes", List.of("read"), "mcp", Map.of("tools", List.of("list_tablez"))));
        HttpResponse<String> badCategory = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://localhost:" + port + "/mcp?category=everything"))
                .header("Authorization", "Bearer " + ADMIN_TOKEN).header("Content-Type", "application/json")
                .header("Accept", "application/json, text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(token.status()).isEqualTo(400);
        assertThat(token.code()).isEqualTo("INVALID_TOOL_SELECTION");
        assertThat(badCategory.statusCode()).isEqualTo(400);
        assertThat(badCategory.body()).contains("INVALID_TOOL_SELECTION", "branches, migrations, schema, sql, tuning");
    }
}
