package dev.offshoot.mcp;

import java.time.Duration;
import java.util.Map;

import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.spec.McpSchema;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The official Java SDK client over streamable HTTP, with a bearer token on every request. */
public final class McpTestClient implements AutoCloseable {

    public final McpSyncClient client;

    public McpTestClient(int port, String token) {
        this(port, token, "/mcp");
    }

    /** @param endpoint the path, with a query that narrows the tools (e.g. /mcp?readonly=true) */
    public McpTestClient(int port, String token, String endpoint) {
        HttpClientStreamableHttpTransport transport = HttpClientStreamableHttpTransport
                .builder("http://localhost:" + port).endpoint(endpoint)
                .httpRequestCustomizer((builder, method, uri, body, context) ->
                        builder.header("Authorization", "Bearer " + token))
                .build();
        client = McpClient.sync(transport).requestTimeout(Duration.ofMinutes(3))
                .clientInfo(new McpSchema.Implementation("offshoot-it", "1")).build();
        client.initialize();
    }

    public McpSchema.CallToolResult call(String tool, Map<String, Object> arguments) {
        return client.callTool(new McpSchema.CallToolRequest(tool, arguments));
    }

    public static String text(McpSchema.CallToolResult result) {
        return ((McpSchema.TextContent) result.content().getFirst()).text();
    }

    /** The JSON a successful tool returned. */
    public static JsonNode json(McpSchema.CallToolResult result) {
        if (Boolean.TRUE.equals(result.isError())) {
            throw new AssertionError("tool failed: " + text(result));
        }
        return JsonMapper.shared().readTree(text(result));
    }

    @Override
    public void close() {
        client.closeGracefully();
    }
}
