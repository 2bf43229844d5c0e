package dev.offshoot.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.offshoot.Api;
import dev.offshoot.IntegrationTest;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A client that is not ours: the official MCP TypeScript SDK (from npm, installed by
 * scripts/test.sh into src/test/mcp-interop) connects, lists the tools and calls one.
 */
class McpInteropIT extends IntegrationTest {

    static final Path CLIENT_DIR = Path.of("src/test/mcp-interop");

    @LocalServerPort
    int port;

    @Test
    void theTypeScriptSdkClientListsToolsAndCallsOne() throws Exception {
        assertThat(CLIENT_DIR.resolve("node_modules/@modelcontextprotocol/sdk")).as(
                "run scripts/test.sh (or npm ci --prefix src/test/mcp-interop) first").exists();
        String template = "interop-" + UUID.randomUUID().toString().substring(0, 6);
        new Api(port, ADMIN_TOKEN).post("/api/v1/templates", Map.of("name", template));

        JsonNode seen = run("list_templates");

        assertThat(seen.has("error")).as(seen.toString()).isFalse();
        assertThat(seen.get("server").get("name").asString()).isEqualTo("offshoot");
        assertThat(seen.get("instructions").asString()).contains("create_branch");
        assertThat(seen.get("tools")).extracting(t -> t.get("name").asString())
                .contains("list_templates", "create_branch", "delete_branch");
        assertThat(seen.get("call").get("isError").asBoolean()).isFalse();
        assertThat(seen.get("call").get("text").asString()).contains(template);
    }

    private JsonNode run(String tool) throws Exception {
        Process node = new ProcessBuilder("node", "client.mjs", "http://localhost:" + port + "/mcp", ADMIN_TOKEN, tool)
                .directory(CLIENT_DIR.toFile()).redirectErrorStream(true).start();
        assertThat(node.waitFor(60, TimeUnit.SECONDS)).as("node client finished").isTrue();
        String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        String lastLine = output.substring(output.lastIndexOf('\n') + 1);
        assertThat(Files.exists(CLIENT_DIR.resolve("client.mjs"))).isTrue();
        return JsonMapper.shared().readTree(lastLine);
    }
}
