package dev.offshoot.auth;

import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import org.springframework.data.annotation.Id;
import org.springframework.data.annotation.Version;
import org.springframework.data.relational.core.mapping.Table;

/** A bearer token: its hash, scopes and limits. The secret itself is never stored. */
@Table("api_token")
class ApiToken {

    @Id
    private UUID id;
    private String name;
    private String secretHash;
    private String secretPrefix;
    private String scopes;
    private String allowedTemplates;
    private String requiredLabelKey;
    private String requiredLabelValue;
    private Instant expiresAt;
    private String createdBy;
    private Instant createdAt;
    private Instant revokedAt;
    private Instant lastUsedAt;
    private boolean revealSecrets;
    private boolean sqlReadOnly;
    private boolean mcpReadOnly;
    private String mcpCategories;
    private String mcpTools;
    @Version
    private Long version;

    protected ApiToken() {
    }

    ApiToken(String name, String secretHash, String secretPrefix, Set<Scope> scopes, Set<String> allowedTemplates,
            String requiredLabelKey, String requiredLabelValue, Instant expiresAt, String createdBy,
            boolean revealSecrets, boolean sqlReadOnly, ToolNarrowing mcp) {
        this.revealSecrets = revealSecrets;
        this.sqlReadOnly = sqlReadOnly;
        this.mcpReadOnly = mcp.readOnly();
        this.mcpCategories = ToolNarrowing.join(mcp.categories());
        this.mcpTools = ToolNarrowing.join(mcp.tools());
        this.id = UUID.randomUUID();
        this.name = name;
        this.secretHash = secretHash;
        this.secretPrefix = secretPrefix;
        this.scopes = scopes.stream().map(Scope::wire).sorted().collect(Collectors.joining(","));
        this.allowedTemplates = allowedTemplates.isEmpty() ? null : String.join(",", allowedTemplates);
        this.requiredLabelKey = requiredLabelKey;
        this.requiredLabelValue = requiredLabelValue;
        this.expiresAt = expiresAt;
        this.createdBy = createdBy;
        this.createdAt = Instant.now();
    }

    Principal principal() {
        return new Principal(name, scopes(), allowedTemplates(), requiredLabelKey, requiredLabelValue, expiresAt,
                revealSecrets, sqlReadOnly, id.toString(), mcpTools());
    }

    boolean usableAt(Instant now) {
        return revokedAt == null && (expiresAt == null || expiresAt.isAfter(now));
    }

    void revoke() {
        this.revokedAt = Instant.now();
    }

    Set<Scope> scopes() {
        Set<Scope> out = EnumSet.noneOf(Scope.class);
        Arrays.stream(scopes.split(",")).filter(s -> !s.isBlank()).map(Scope::parse).forEach(out::add);
        return out;
    }

    Set<String> allowedTemplates() {
        return allowedTemplates == null ? Set.of()
                : new LinkedHashSet<>(Arrays.asList(allowedTemplates.split(",")));
    }

    UUID id() {
        return id;
    }

    String name() {
        return name;
    }

    String secretPrefix() {
        return secretPrefix;
    }

    String requiredLabelKey() {
        return requiredLabelKey;
    }

    String requiredLabelValue() {
        return requiredLabelValue;
    }

    Instant expiresAt() {
        return expiresAt;
    }

    String createdBy() {
        return createdBy;
    }

    Instant createdAt() {
        return createdAt;
    }

    Instant revokedAt() {
        return revokedAt;
    }

    boolean revealSecrets() {
        return revealSecrets;
    }

    boolean sqlReadOnly() {
        return sqlReadOnly;
    }

    /** The MCP tools this token's sessions offer at most. */
    ToolNarrowing mcpTools() {
        return ToolNarrowing.parse(mcpReadOnly, mcpCategories, mcpTools);
    }

    Instant lastUsedAt() {
        return lastUsedAt;
    }
}
