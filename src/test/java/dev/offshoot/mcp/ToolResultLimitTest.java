package dev.offshoot.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.util.Map;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;

import org.junit.jupiter.api.Test;
import org.springframework.security.access.hierarchicalroles.RoleHierarchyImpl;

import tools.jackson.databind.json.JsonMapper;

import dev.offshoot.audit.AuditLog;
import dev.offshoot.auth.Principal;
import dev.offshoot.auth.TokenAuthentication;

/** An agent asking for a huge result gets a clear error, not megabytes in its context. */
class ToolResultLimitTest {

    final ToolRegistry registry = new ToolRegistry(JsonMapper.builder().build(), mock(AuditLog.class),
            new SimpleMeterRegistry(), RoleHierarchyImpl.fromHierarchy("SCOPE_admin > SCOPE_write\nSCOPE_write > SCOPE_read"));
    final McpSyncServerExchange exchange = mock(McpSyncServerExchange.class);

    ToolResultLimitTest() {
        McpTransportContext context = McpTransportContext.create(Map.of(ToolRegistry.CALLER_KEY,
                TokenAuthentication.authenticated(Principal.admin("agent"))));
        when(exchange.transportContext()).thenReturn(context);
    }

    CallToolResult call(int size) {
        registry.add("big", "Big", "returns a big text", ToolRegistry.Kind.READ, ToolSchema.object(), null,
                args -> Map.of("text", "x".repeat(size)));
        return registry.tools().getLast().callHandler().apply(exchange,
                new McpSchema.CallToolRequest("big", Map.of()));
    }

    @Test
    void aResultPastTheCapIsAnErrorThatSaysToAskForLess() {
        CallToolResult result = call(ToolRegistry.MAX_RESULT_CHARS + 1);

        assertThat(result.isError()).isTrue();
        assertThat(((McpSchema.TextContent) result.content().getFirst()).text()).startsWith("RESULT_TOO_LARGE")
                .hasSizeLessThan(1000);
    }

    @Test
    void aResultWithinTheCapIsReturned() {
        CallToolResult result = call(1000);

        assertThat(result.isError()).isFalse();
        assertThat(((McpSchema.TextContent) result.content().getFirst()).text()).contains("xxxx");
    }

    @Test
    void anExhaustedMetadataPoolIsARetryableErrorNotAnInternalOne() {
        registry.add("busy", "Busy", "fails", ToolRegistry.Kind.READ, ToolSchema.object(), null, args -> {
            throw new org.springframework.jdbc.CannotGetJdbcConnectionException("Failed to obtain JDBC Connection");
        });
        CallToolResult result = registry.tools().getLast().callHandler().apply(exchange,
                new McpSchema.CallToolRequest("busy", Map.of()));

        assertThat(result.isError()).isTrue();
        assertThat(((McpSchema.TextContent) result.content().getFirst()).text()).startsWith("METADATA_STORE_BUSY")
                .contains("retry");
    }
}
