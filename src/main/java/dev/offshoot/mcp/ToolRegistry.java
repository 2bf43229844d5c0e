package dev.offshoot.mcp;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import io.micrometer.core.instrument.MeterRegistry;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.ToolAnnotations;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.security.access.hierarchicalroles.RoleHierarchy;
import org.springframework.security.core.Authentication;
import tools.jackson.databind.json.JsonMapper;

import dev.offshoot.audit.AuditLog;
import dev.offshoot.auth.CurrentPrincipal;
import dev.offshoot.auth.Principal;
import dev.offshoot.auth.Scope;
import dev.offshoot.auth.TokenAuthentication;
import dev.offshoot.auth.ToolCatalog;
import dev.offshoot.auth.ToolNarrowing;
import dev.offshoot.error.OffshootException;

/**
 * Turns plain functions into MCP tools: runs them as the calling token, refuses writes to read
 * tokens, audits writes, and reports failures as results with {@code isError} and an actionable
 * message (a protocol error would only tell the agent that something broke). A session offers the
 * tools its token's scopes allow, narrowed by the token's pinned set and the URL's (see
 * {@link ToolNarrowing}); a call to a tool the session does not offer is refused as the SDK refuses
 * a tool that does not exist.
 */
final class ToolRegistry implements ToolCatalog {

    static final String CALLER_KEY = "offshoot.caller";
    /** The narrowing the request's URL asked for, in the transport context ({@link ToolNarrowing#NONE} if none). */
    static final String NARROWING_KEY = "offshoot.narrowing";
    /**
     * The longest tool result, in characters: 256 KiB of text is already more than an agent's
     * context should take at once; past it the agent gets an error telling it to ask for less.
     */
    static final int MAX_RESULT_CHARS = 256 * 1024;
    private static final Logger log = LoggerFactory.getLogger(ToolRegistry.class);

    /** How a tool behaves, for the annotations clients use to decide on approvals. */
    enum Kind {
        READ(true, false, true), WRITE(false, false, true), DESTRUCTIVE(false, true, true),
        /** Arbitrary SQL: may write, so not read-only; read tokens may call it, in a read-only transaction. */
        SQL(false, true, false);

        final boolean readOnly;
        final boolean destructive;
        final boolean idempotent;

        Kind(boolean readOnly, boolean destructive, boolean idempotent) {
            this.readOnly = readOnly;
            this.destructive = destructive;
            this.idempotent = idempotent;
        }
    }

    private final JsonMapper json;
    private final AuditLog audit;
    private final MeterRegistry meters;
    private final RoleHierarchy scopes;
    private final List<SyncToolSpecification> tools = new ArrayList<>();
    private final Map<String, Kind> kinds = new HashMap<>();
    private final Map<String, String> categories = new HashMap<>();

    ToolRegistry(JsonMapper json, AuditLog audit, MeterRegistry meters, RoleHierarchy scopes) {
        this.scopes = scopes;
        this.json = json;
        this.audit = audit;
        this.meters = meters;
    }

    /** @param targetArgument the argument naming the branch or template touched, for the audit log */
    void add(String name, String title, String description, Kind kind, ToolSchema schema, String targetArgument,
            Function<ToolArguments, Object> body) {
        McpSchema.Tool tool = McpSchema.Tool.builder().name(name).title(title).description(description)
                .inputSchema(schema.build())
                .annotations(new ToolAnnotations(title, kind.readOnly, kind.destructive, kind.idempotent, false, null))
                .build();
        kinds.put(name, kind);
        String category = ToolCategories.of(name);
        if (category == null) {
            log.warn("MCP tool {} has no category (ToolCategories): only sessions not narrowed by category offer it",
                    name);
        } else {
            categories.put(name, category);
        }
        tools.add(new SyncToolSpecification(tool, (exchange, request) -> call(exchange, tool, kind, targetArgument,
                new ToolArguments(request.arguments()), body)));
    }

    /** The scope a tool needs: read tools and run_sql (read-only for readers) need read, the others write. */
    static Scope required(Kind kind) {
        return kind.readOnly || kind == Kind.SQL ? Scope.READ : Scope.WRITE;
    }

    /** The same rule as REST's method security: the caller's scopes, through the scope hierarchy. */
    boolean permits(Authentication caller, Kind kind) {
        if (caller == null || kind == null) {
            return false;
        }
        String needed = TokenAuthentication.authority(required(kind));
        return scopes.getReachableGrantedAuthorities(caller.getAuthorities()).stream()
                .anyMatch(a -> needed.equals(a.getAuthority()));
    }

    /**
     * Whether a session offers this tool: the caller's scopes allow it, and so do the caller's
     * pinned tool set and the narrowing its URL asked for.
     */
    boolean offers(McpTransportContext context, String tool) {
        Authentication caller = (Authentication) context.get(CALLER_KEY);
        Kind kind = kinds.get(tool);
        return permits(caller, kind) && narrowed(context, tool);
    }

    /** Whether the caller's pin and the URL's narrowing both allow the tool (scopes aside). */
    private boolean narrowed(McpTransportContext context, String tool) {
        Authentication caller = (Authentication) context.get(CALLER_KEY);
        Kind kind = kinds.get(tool);
        if (caller == null || kind == null) {
            return false;
        }
        ToolNarrowing url = context.get(NARROWING_KEY) instanceof ToolNarrowing n ? n : ToolNarrowing.NONE;
        ToolNarrowing pin = caller.getPrincipal() instanceof Principal p ? p.mcpTools() : ToolNarrowing.NONE;
        String category = categories.get(tool);
        return pin.allows(tool, category, kind.readOnly) && url.allows(tool, category, kind.readOnly);
    }

    List<SyncToolSpecification> tools() {
        return List.copyOf(tools);
    }

    @Override
    public Set<String> toolNames() {
        return Set.copyOf(kinds.keySet());
    }

    private CallToolResult call(McpSyncServerExchange exchange, McpSchema.Tool tool, Kind kind, String targetArgument,
            ToolArguments args, Function<ToolArguments, Object> body) {
        Authentication caller = (Authentication) exchange.transportContext().get(CALLER_KEY);
        if (caller == null) {
            return error("UNAUTHORIZED: no caller on this session");
        }
        if (!narrowed(exchange.transportContext(), tool.name())) {
            // the SDK's own answer to a tool it does not have: this session has no such tool
            throw McpError.builder(McpSchema.ErrorCodes.INVALID_PARAMS).message("Unknown tool: invalid_tool_name")
                    .data("Tool not found: " + tool.name()).build();
        }
        if (!permits(caller, kind)) {
            return error("INSUFFICIENT_SCOPE: token '" + caller.getName() + "' has read scope only, and " + tool.name()
                    + " changes data. Use the read-only tools, or ask for a token with the write scope.");
        }
        String target = targetArgument == null ? null : args.string(targetArgument);
        try {
            Object result = CurrentPrincipal.callAs(caller, () -> body.apply(args));
            auditWrite(kind, caller, tool, target, true, null);
            String text = result instanceof String s ? s : json.writerWithDefaultPrettyPrinter().writeValueAsString(result);
            if (text.length() > MAX_RESULT_CHARS) {
                return error("RESULT_TOO_LARGE: " + tool.name() + " ran, but its result has " + text.length()
                        + " characters, more than the " + MAX_RESULT_CHARS + " a tool returns. Ask for less: fewer"
                        + " rows (maxRows, LIMIT, a WHERE clause), one schema or table at a time.");
            }
            return CallToolResult.builder().addTextContent(text).isError(false).build();
        } catch (OffshootException e) {
            if (e.kind() == OffshootException.Kind.FAILED || e.kind() == OffshootException.Kind.UPSTREAM_FAILED) {
                log.error("tool {} failed: {} {}", tool.name(), e.code(), e.getMessage(), e);
            }
            auditWrite(kind, caller, tool, target, false, e.code());
            return error(e.code() + ": " + e.getMessage() + (e.retryable() ? " (retrying later may succeed)" : ""));
        } catch (DataAccessResourceFailureException | TransientDataAccessException e) {
            // the metadata store momentarily out of connections: the same convention as REST's 503
            log.warn("tool {}: metadata store busy: {}", tool.name(), e.getMessage());
            auditWrite(kind, caller, tool, target, false, "METADATA_STORE_BUSY");
            return error("METADATA_STORE_BUSY: the service is busy; retry in a few seconds (retrying later may"
                    + " succeed)");
        } catch (RuntimeException e) {
            log.error("tool {} failed", tool.name(), e);
            auditWrite(kind, caller, tool, target, false, "INTERNAL_ERROR");
            return error("INTERNAL_ERROR: " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private void auditWrite(Kind kind, Authentication caller, McpSchema.Tool tool, String target, boolean ok, String code) {
        meters.counter("offshoot.mcp.tool.calls", "tool", tool.name(), "outcome", ok ? "success" : "failure")
                .increment();
        if (kind != Kind.READ) {
            audit.record(caller.getName(), "mcp", tool.name(), null, target, ok, null, code);
        }
    }

    private static CallToolResult error(String message) {
        return CallToolResult.builder().addTextContent(message).isError(true).build();
    }
}
