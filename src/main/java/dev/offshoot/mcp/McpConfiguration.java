package dev.offshoot.mcp;

import java.util.Map;

import io.modelcontextprotocol.json.jackson3.JacksonMcpJsonMapper;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.server.transport.ServerTransportSecurityValidator;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.common.McpTransportContext;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.security.access.hierarchicalroles.RoleHierarchy;
import org.springframework.security.core.Authentication;

import tools.jackson.databind.json.JsonMapper;

import dev.offshoot.audit.AuditLog;
import dev.offshoot.auth.CurrentPrincipal;
import dev.offshoot.branch.BranchOperations;
import dev.offshoot.config.McpProperties;
import dev.offshoot.migration.MigrationOperations;
import dev.offshoot.template.TemplateService;
import dev.offshoot.tuning.TuningOperations;

/**
 * The MCP endpoint: the official SDK's streamable HTTP transport as a servlet at /mcp (sessions,
 * 202 for notifications, JSON or SSE answers, DELETE ends a session, Origin checked), behind the
 * same security chain as the REST API. The caller travels in the transport context to the tools.
 */
@Configuration(proxyBeanMethods = false)
class McpConfiguration {

    /** The skill's loop (skills/offshoot-migrations/SKILL.md) for agents that have no skill: the same tools and rules. */
    static final String INSTRUCTIONS = """
            Offshoot gives you disposable PostgreSQL branches: private copies of a template database, \
            ready in about a second. Never change a template directly. Workflow: list_templates; \
            create_branch (idempotent by name), work only there; inspect (list_tables, \
            describe_table); write the migration in the project; check_migrations (verdict pass, warn or \
            fail by the template's policy); fix each finding of a fail, check again; apply_migrations after \
            pass or warn; run the app's tests; compare_schema; delete_branch when done.

            Slow queries: after the application's tests or workload ran on the branch, list_slow_queries; \
            explain_sql_statement (analyze=true runs the statement on a throwaway copy, never on the branch); \
            prepare_query_tuning measures candidate changes (an index, ANALYZE, a setting, a rewrite) on a copy \
            and recommends one; complete_query_tuning (action check, then apply) lands it as a migration \
            through the same gate (an index as CREATE INDEX CONCURRENTLY); add that file to the project too.

            Safety: apply_migrations refuses a set that fails the policy (POLICY_VIOLATION) or fails on the \
            copy (TRIAL_FAILED); the verdict judges what the set does on a copy, however it is written. On \
            POLICY_VIOLATION stop: do not weaken or disguise the set and do not ask to change the policy; show \
            a person the findings and the checksum, ask them to approve that exact set, and pass the approval \
            id they give you. Change schemas only through check_migrations and apply_migrations, never through \
            run_sql: coding agents are meant to run with a token whose SQL is read-only (sqlReadOnly), where \
            run_sql answers DDL and DML with SQL_READ_ONLY_TOKEN. Passwords never appear in tool results: \
            get_connection_string gives user, host, port and database; run the app's tests with the branch in \
            their environment only (offshoot run NAME -- <test command>), or as passwordFrom says (offshoot \
            connection-string NAME --env-file .env), so the password never enters this conversation; never \
            print that file.

            Details: reset_branch discards every change but keeps the connection string. Tools that change \
            data need a token with the write scope; read-only tokens see only the read tools. A read-only \
            run_sql (read-only token, sqlReadOnly token or read_only=true) runs one statement per call in \
            a read-only transaction. Errors come back as tool results starting with a code (e.g. \
            BRANCH_NOT_FOUND, NAME_TAKEN, MIGRATION_FAILED) and say what to do next.
            """;

    /**
     * The caller is read from the security context on the request's thread and travels in the
     * transport context, because the SDK may run a tool on another thread; Origin is checked by
     * {@link OriginCheck} before the security chain, so the SDK's own check stays off.
     */
    @Bean
    HttpServletStreamableServerTransportProvider mcpTransport(JsonMapper json, McpProperties properties) {
        return HttpServletStreamableServerTransportProvider.builder()
                .jsonMapper(new JacksonMcpJsonMapper(json))
                .mcpEndpoint("/mcp")
                .keepAliveInterval(properties.keepAlive().isZero() ? null : properties.keepAlive())
                .securityValidator(ServerTransportSecurityValidator.NOOP)
                .contextExtractor(request -> {
                    Authentication caller = CurrentPrincipal.authentication();
                    return caller == null ? McpTransportContext.EMPTY
                            : McpTransportContext.create(Map.of(ToolRegistry.CALLER_KEY, caller,
                                    ToolRegistry.NARROWING_KEY, ToolSelection.of(request)));
                })
                .build();
    }

    @Bean
    FilterRegistrationBean<OriginCheck> mcpOriginCheck(McpProperties properties) {
        FilterRegistrationBean<OriginCheck> registration =
                new FilterRegistrationBean<>(new OriginCheck(properties.allowedOrigins()));
        registration.addUrlPatterns("/mcp", "/mcp/*");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 30);
        return registration;
    }

    @Bean
    FilterRegistrationBean<ToolSelection> mcpToolSelection(ToolRegistry registry) {
        FilterRegistrationBean<ToolSelection> registration = new FilterRegistrationBean<>(new ToolSelection(registry));
        registration.addUrlPatterns("/mcp", "/mcp/*");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 31);
        return registration;
    }

    @Bean
    ServletRegistrationBean<HttpServletStreamableServerTransportProvider> mcpServlet(
            HttpServletStreamableServerTransportProvider transport) {
        ServletRegistrationBean<HttpServletStreamableServerTransportProvider> registration =
                new ServletRegistrationBean<>(transport, "/mcp");
        registration.setAsyncSupported(true);
        registration.setName("mcp");
        return registration;
    }

    /** Every tool, registered once; also what tokens may be pinned to (a {@code ToolCatalog}). */
    @Bean
    ToolRegistry mcpTools(JsonMapper json, AuditLog audit, MeterRegistry meters, RoleHierarchy scopes,
            BranchOperations branches, TemplateService templates, MigrationOperations migrations,
            TuningOperations tunings) {
        ToolRegistry registry = new ToolRegistry(json, audit, meters, scopes);
        BranchTools.register(registry, branches, templates, new Credentials(audit));
        SchemaTools.register(registry, migrations);
        TuningTools.register(registry, tunings);
        return registry;
    }

    @Bean(destroyMethod = "closeGracefully")
    McpSyncServer mcpServer(HttpServletStreamableServerTransportProvider transport, McpProperties properties,
            ToolRegistry registry) {
        return McpServer.sync(transport)
                .serverInfo("offshoot", "0.1.0")
                .instructions(INSTRUCTIONS)
                .capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
                .requestTimeout(properties.requestTimeout())
                // a tool runs on the request's own thread, which waits for it anyway; a refusal as an
                // unknown tool then answers as the SDK's own does (thrown on another thread, its
                // answer was sometimes lost: the request's stream was found closed)
                .immediateExecution(true)
                .addToolFilter((context, tool) -> registry.offers(context, tool.name()))
                .tools(registry.tools())
                .build();
    }
}
