package dev.offshoot.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;

import org.junit.jupiter.api.Test;
import org.springframework.security.access.hierarchicalroles.RoleHierarchyImpl;

import tools.jackson.databind.json.JsonMapper;

import dev.offshoot.audit.AuditLog;
import dev.offshoot.auth.Principal;
import dev.offshoot.auth.Scope;
import dev.offshoot.auth.TokenAuthentication;
import dev.offshoot.auth.ToolNarrowing;

/**
 * A session offers the tools its token's scopes, its token's pin and its URL all allow; a call to
 * another tool is refused as the SDK refuses one that does not exist.
 */
class ToolNarrowingRegistryTest {

    final ToolRegistry registry = new ToolRegistry(JsonMapper.builder().build(), mock(AuditLog.class),
            new SimpleMeterRegistry(), RoleHierarchyImpl.fromHierarchy("SCOPE_admin > SCOPE_write\nSCOPE_write > SCOPE_read"));

    ToolNarrowingRegistryTest() {
        registry.add("list_tables", "t", "d", ToolRegistry.Kind.READ, ToolSchema.object(), null, args -> "tables");
        registry.add("run_sql", "t", "d", ToolRegistry.Kind.SQL, ToolSchema.object(), null, args -> "rows");
        registry.add("explain_sql_statement", "t", "d", ToolRegistry.Kind.READ, ToolSchema.object(), null,
                args -> "plan");
        registry.add("prepare_query_tuning", "t", "d", ToolRegistry.Kind.WRITE, ToolSchema.object(), null,
                args -> "tuned");
    }

    static McpTransportContext context(Principal caller, ToolNarrowing url) {
        Map<String, Object> values = new HashMap<>();
        values.put(ToolRegistry.CALLER_KEY, TokenAuthentication.authenticated(caller));
        values.put(ToolRegistry.NARROWING_KEY, url);
        return McpTransportContext.create(values);
    }

    List<String> offered(McpTransportContext context) {
        return registry.tools().stream().map(t -> t.tool().name()).filter(name -> registry.offers(context, name))
                .toList();
    }

    static Principal pinned(Set<Scope> scopes, ToolNarrowing pin) {
        return new Principal("agent", scopes, Set.of(), null, null, null, false, false, "id", pin);
    }

    @Test
    void readOnlyOffersOnlyToolsAnnotatedReadOnly() {
        assertThat(offered(context(Principal.admin("a"), ToolNarrowing.parse(true, null, null))))
                .containsExactly("list_tables", "explain_sql_statement");
    }

    @Test
    void categoriesAndToolsNarrowFurther() {
        assertThat(offered(context(Principal.admin("a"), ToolNarrowing.parse(false, "tuning", null))))
                .containsExactly("explain_sql_statement", "prepare_query_tuning");
        assertThat(offered(context(Principal.admin("a"), ToolNarrowing.parse(true, "tuning", null))))
                .containsExactly("explain_sql_statement");
        assertThat(offered(context(Principal.admin("a"), ToolNarrowing.parse(false, null, "run_sql,list_tables"))))
                .containsExactly("list_tables", "run_sql");
    }

    @Test
    void aUrlNarrowsATokensPinButNeverWidensIt() {
        Principal tuningOnly = pinned(EnumSet.of(Scope.WRITE), ToolNarrowing.parse(false, "tuning", null));

        assertThat(offered(context(tuningOnly, ToolNarrowing.NONE)))
                .containsExactly("explain_sql_statement", "prepare_query_tuning");
        assertThat(offered(context(tuningOnly, ToolNarrowing.parse(false, "schema,sql", null)))).isEmpty();
        assertThat(offered(context(tuningOnly, ToolNarrowing.parse(true, null, null))))
                .containsExactly("explain_sql_statement");
    }

    @Test
    void scopesStillDecideWithinTheNarrowing() {
        Principal reader = pinned(EnumSet.of(Scope.READ), ToolNarrowing.NONE);

        assertThat(offered(context(reader, ToolNarrowing.parse(false, "tuning", null))))
                .containsExactly("explain_sql_statement");
    }

    @Test
    void aCallOutsideTheNarrowingIsAnUnknownToolAndNeverRuns() {
        McpSyncServerExchange exchange = mock(McpSyncServerExchange.class);
        when(exchange.transportContext()).thenReturn(context(Principal.admin("a"), ToolNarrowing.parse(true, null,
                null)));
        var prepare = registry.tools().stream().filter(t -> t.tool().name().equals("prepare_query_tuning"))
                .findFirst().orElseThrow();
        var list = registry.tools().getFirst();

        assertThatThrownBy(() -> prepare.callHandler().apply(exchange,
                new McpSchema.CallToolRequest("prepare_query_tuning", Map.of())))
                .isInstanceOfSatisfying(McpError.class, e -> {
                    assertThat(e.getJsonRpcError().code()).isEqualTo(McpSchema.ErrorCodes.INVALID_PARAMS);
                    assertThat(e.getJsonRpcError().message()).isEqualTo("Unknown tool: invalid_tool_name");
                });
        assertThat(list.callHandler().apply(exchange, new McpSchema.CallToolRequest("list_tables", Map.of()))
                .isError()).isFalse();
    }

    @Test
    void everyToolTheServiceRegistersHasACategory() {
        // ServedTools.ALL: every tool the service lists (McpIT checks that list against the server)
        assertThat(ToolCategories.TOOLS.values().stream().flatMap(List::stream))
                .containsExactlyInAnyOrderElementsOf(ServedTools.ALL);
    }

    @Test
    void theUrlsQueryIsParsedFromTheQueryStringOnly() {
        Set<String> known = Set.of("list_tables", "run_sql");

        assertThat(ToolSelection.parse("readonly=true&category=schema%2Csql&category=tuning", known))
                .isEqualTo(ToolNarrowing.parse(true, "schema,sql,tuning", null));
        assertThat(ToolSelection.parse("tools=list_tables&tools=run_sql&other=1", known).tools())
                .containsExactlyInAnyOrder("list_tables", "run_sql");
        assertThat(ToolSelection.parse(null, known)).isEqualTo(ToolNarrowing.NONE);
        assertThat(ToolSelection.parse("readonly=true&readonly=false", known).readOnly()).as("narrows").isTrue();
        assertThatThrownBy(() -> ToolSelection.parse("tools=drop_everything", known))
                .hasFieldOrPropertyWithValue("code", "INVALID_TOOL_SELECTION");
        assertThatThrownBy(() -> ToolSelection.parse("readonly=yes", known))
                .hasFieldOrPropertyWithValue("code", "INVALID_TOOL_SELECTION");
    }
}
