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
 */
public record Principal(String name, Set<Scope> scopes, Set<String> allowedTemplates, String requiredLabelKey,
        String requiredLabelValue, Instant expiresAt, boolean revealSecrets) {

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
