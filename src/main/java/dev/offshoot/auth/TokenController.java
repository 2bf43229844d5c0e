package dev.offshoot.auth;

import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.offshoot.error.OffshootException;
import dev.offshoot.paging.Page;
import dev.offshoot.paging.PageRequest;
import dev.offshoot.paging.Positions;

/** Token administration; every call here needs the admin scope (and a token issues only tokens no wider than itself, see {@link Tenancy}). */
@RestController
@PreAuthorize(Scopes.ADMIN)
@RequestMapping("/api/v1/tokens")
class TokenController {

    private final TokenService tokens;

    TokenController(TokenService tokens) {
        this.tokens = tokens;
    }

    /**
     * Body of POST /api/v1/tokens; {@code requiredLabels} holds at most one key.
     *
     * @param revealSecrets MCP results carry branch passwords for this token (default false; audited)
     * @param sqlReadOnly   the token's SQL (REST /sql, MCP run_sql) is read-only, whatever its scopes
     *                      (default false): the token for coding agents, which change schemas only
     *                      through checked migrations
     * @param mcp           the MCP tools the token's sessions offer at most (default: all its scopes allow)
     */
    record CreateTokenRequest(String name, List<String> scopes, Instant expiresAt, List<String> templates,
            Map<String, String> requiredLabels, Boolean revealSecrets, Boolean sqlReadOnly, McpTools mcp) {
    }

    /**
     * A token's MCP tool set, as {@code /mcp?readonly=&category=&tools=} narrows a session; a URL can
     * narrow it further, never widen it.
     *
     * @param readOnly   only tools annotated read-only
     * @param categories only tools of these categories (branches, schema, migrations, sql, tuning)
     * @param tools      only these tools
     */
    record McpTools(Boolean readOnly, List<String> categories, List<String> tools) {

        ToolNarrowing narrowing() {
            return ToolNarrowing.of(Boolean.TRUE.equals(readOnly), categories, tools);
        }

        static McpTools of(ToolNarrowing n) {
            return n.narrows() ? new McpTools(n.readOnly(), List.copyOf(new TreeSet<>(n.categories())),
                    List.copyOf(new TreeSet<>(n.tools()))) : null;
        }
    }

    /** A token as listed: never its secret, only the secret's first characters; {@code mcp} only when pinned. */
    record TokenView(String name, String prefix, List<String> scopes, List<String> templates,
            Map<String, String> requiredLabels, boolean revealSecrets, boolean sqlReadOnly,
            @JsonInclude(JsonInclude.Include.NON_NULL) McpTools mcp, Instant expiresAt,
            String createdBy, Instant createdAt, Instant lastUsedAt, Instant revokedAt) {

        static TokenView of(ApiToken t) {
            return new TokenView(t.name(), t.secretPrefix(), t.scopes().stream().map(Scope::wire).toList(),
                    List.copyOf(t.allowedTemplates()),
                    t.requiredLabelKey() == null ? Map.of() : Map.of(t.requiredLabelKey(), t.requiredLabelValue()),
                    t.revealSecrets(), t.sqlReadOnly(), McpTools.of(t.mcpTools()), t.expiresAt(), t.createdBy(),
                    t.createdAt(), t.lastUsedAt(), t.revokedAt());
        }
    }

    /** The answer to a create: the only time the secret is shown. */
    record IssuedToken(String token, TokenView details) {
    }

    /** A page of tokens; {@code nextCursor} only when there is a next page (only ever with {@code limit}). */
    record TokenList(List<TokenView> items, @JsonInclude(JsonInclude.Include.NON_NULL) String nextCursor) {
    }

    @PostMapping
    ResponseEntity<IssuedToken> create(@RequestBody CreateTokenRequest request) {
        TokenService.Issued issued = tokens.issue(new TokenService.NewToken(request.name(), scopes(request.scopes()),
                request.expiresAt(), request.templates() == null ? Set.of() : new TreeSet<>(request.templates()),
                request.requiredLabels(), Boolean.TRUE.equals(request.revealSecrets()),
                Boolean.TRUE.equals(request.sqlReadOnly()), request.mcp() == null ? null : request.mcp().narrowing()),
                CurrentPrincipal.get());
        return ResponseEntity.status(HttpStatus.CREATED)
                .body(new IssuedToken(issued.secret(), TokenView.of(issued.token())));
    }

    @GetMapping
    TokenList list(@RequestParam(required = false) Integer limit, @RequestParam(required = false) String cursor) {
        Page<TokenView> page = Page.of(tokens.list(CurrentPrincipal.get()), t -> Positions.of(t.createdAt(), t.id()),
                new PageRequest(limit, cursor)).map(TokenView::of);
        return new TokenList(page.items(), page.nextCursor());
    }

    @DeleteMapping("/{name}")
    ResponseEntity<Void> revoke(@PathVariable String name) {
        tokens.revoke(name, CurrentPrincipal.get());
        return ResponseEntity.noContent().build();
    }

    private static Set<Scope> scopes(List<String> names) {
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        for (String name : names == null ? List.<String>of() : names) {
            try {
                scopes.add(Scope.parse(name));
            } catch (IllegalArgumentException e) {
                throw OffshootException.invalid("INVALID_SCOPES", "unknown scope '" + name + "': use read, write, approve or admin");
            }
        }
        return scopes;
    }
}
