package dev.offshoot.auth;

import java.time.Instant;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Who is calling, and within which limits.
 *
 * @param name             the token's name, recorded as creator and in the audit log
 * @param scopes           granted scopes; admin implies write, write implies read
 * @param allowedTemplates templates this caller may use and see; empty means all
 * @param requiredLabelKey a label every branch of this caller carries, or null
 * @param expiresAt        when the caller's token stops working, or null if never
 * @param revealSecrets    whether MCP results may carry branch passwords for this caller (an admin's
 *                         opt-in at issue time; every reveal is audited)
 * @param sqlReadOnly      whether this caller's SQL (REST /sql, MCP run_sql) is read-only whatever its
 *                         scopes: it may still create, reset and delete branches and check and apply
 *                         migrations, so schema changes go through the migration gate
 * @param tokenId          the issued token's id; null for a token configured in the environment (the
 *                         admin token) and for Offshoot itself
 * @param mcpTools         the MCP tools this caller's sessions offer at most (pinned at issue time; a
 *                         URL may narrow them further); {@link ToolNarrowing#NONE} for all
 */
public record Principal(String name, Set<Scope> scopes, Set<String> allowedTemplates, String requiredLabelKey,
        String requiredLabelValue, Instant expiresAt, boolean revealSecrets, boolean sqlReadOnly, String tokenId,
        ToolNarrowing mcpTools) {

    public Principal {
        mcpTools = mcpTools == null ? ToolNarrowing.NONE : mcpTools;
    }

    /** A caller whose MCP sessions are not pinned to some tools. */
    public Principal(String name, Set<Scope> scopes, Set<String> allowedTemplates, String requiredLabelKey,
            String requiredLabelValue, Instant expiresAt, boolean revealSecrets, boolean sqlReadOnly, String tokenId) {
        this(name, scopes, allowedTemplates, requiredLabelKey, requiredLabelValue, expiresAt, revealSecrets,
                sqlReadOnly, tokenId, ToolNarrowing.NONE);
    }

    /** The name of the admin token configured in the environment (offshoot.auth.admin-token). */
    public static final String CONFIGURED_ADMIN = "admin";

    /** An issued token whose SQL may write. */
    public Principal(String name, Set<Scope> scopes, Set<String> allowedTemplates, String requiredLabelKey,
            String requiredLabelValue, Instant expiresAt, boolean revealSecrets) {
        this(name, scopes, allowedTemplates, requiredLabelKey, requiredLabelValue, expiresAt, revealSecrets, false,
                null);
    }

    /** A caller whose MCP results keep passwords out (the default). */
    public Principal(String name, Set<Scope> scopes, Set<String> allowedTemplates, String requiredLabelKey,
            String requiredLabelValue, Instant expiresAt) {
        this(name, scopes, allowedTemplates, requiredLabelKey, requiredLabelValue, expiresAt, false);
    }

    /** A caller whose token does not expire. */
    public Principal(String name, Set<Scope> scopes, Set<String> allowedTemplates, String requiredLabelKey,
            String requiredLabelValue) {
        this(name, scopes, allowedTemplates, requiredLabelKey, requiredLabelValue, null);
    }

    public static Principal admin(String name) {
        return new Principal(name, EnumSet.allOf(Scope.class), Set.of(), null, null);
    }

    /**
     * Whether this caller may issue tokens that reveal secrets: a token that reveals them itself,
     * or the admin token configured in the environment (the operator's, the root of every issued
     * token), which does not reveal them in its own MCP results.
     */
    public boolean mayGrantRevealSecrets() {
        return revealSecrets || (tokenId == null && has(Scope.ADMIN));
    }

    /**
     * Who this caller is for the branch reader roles: one role per issued token (by id, so a token
     * issued again under a revoked token's name gets a role of its own), one for a configured token.
     */
    public String readerKey() {
        return tokenId != null ? tokenId : "name:" + name;
    }

    public boolean has(Scope scope) {
        return switch (scope) {
            case READ -> !scopes.isEmpty();
            case WRITE -> scopes.contains(Scope.WRITE) || scopes.contains(Scope.ADMIN);
            case ADMIN -> scopes.contains(Scope.ADMIN);
            case APPROVE -> scopes.contains(Scope.APPROVE) || scopes.contains(Scope.ADMIN);
        };
    }

    /** Whether this caller has no limits at all: neither templates nor a label. */
    public boolean unlimited() {
        return allowedTemplates.isEmpty() && requiredLabelKey == null;
    }

    public boolean mayUseTemplate(String template) {
        return allowedTemplates.isEmpty() || allowedTemplates.contains(template);
    }

    /**
     * Whether a branch of that template with those labels is within this caller's limits; the
     * template may be null for a caller not limited to some templates.
     */
    public boolean maySee(String template, Map<String, String> labels) {
        return mayUseTemplate(template)
                && (requiredLabelKey == null || requiredLabelValue.equals(labels.get(requiredLabelKey)));
    }
}
