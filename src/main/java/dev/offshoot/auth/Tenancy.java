package dev.offshoot.auth;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import dev.offshoot.error.OffshootException.Kind;
import dev.offshoot.error.OffshootException;

/**
 * The limits of a token, applied the same way by every feature and channel. A token may be
 * limited to some templates and/or to one label (key=value):
 * <ul>
 * <li>it sees, copies (branch of a branch, diff against), resets, migrates and deletes only branches
 * of its templates that carry its label; others are reported as not found;</li>
 * <li>its new branches carry its label (asking for another value is refused);</li>
 * <li>changing a template (create, URL import, refresh, new revision, delete) needs a token without
 * any limit, because a template is shared by every owner's branches;</li>
 * <li>it issues, lists and revokes only tokens it could have issued: the same or fewer scopes, the
 * same or narrower limits, an expiry no later than its own, secrets revealed only if it may grant
 * that, SQL read-only where its own is, and MCP tools within its own pinned set;</li>
 * <li>it does not read the audit log, which spans every owner.</li>
 * </ul>
 * Background work running as system has no limits.
 */
public final class Tenancy {

    private Tenancy() {
    }

    /** Whether the current caller may use (see, branch from) this template. */
    public static boolean mayUseTemplate(String template) {
        return CurrentPrincipal.get().mayUseTemplate(template);
    }

    /** Whether the current caller needs a branch's template name to decide on it (costs a query). */
    public static boolean limitedToTemplates() {
        return !CurrentPrincipal.get().allowedTemplates().isEmpty();
    }

    /** Whether a branch of that template with those labels is within the current caller's limits. */
    public static boolean maySeeBranch(String template, Map<String, String> labels) {
        return CurrentPrincipal.get().maySee(template, labels);
    }

    /** The labels of a new branch: the caller's required label stamped on; another value is refused. */
    public static Map<String, String> stampLabels(Map<String, String> labels) {
        Principal caller = CurrentPrincipal.get();
        if (caller.requiredLabelKey() == null) {
            return labels;
        }
        String asked = labels.get(caller.requiredLabelKey());
        if (asked != null && !asked.equals(caller.requiredLabelValue())) {
            throw new OffshootException(Kind.FORBIDDEN, "LABEL_NOT_ALLOWED", "this token's branches carry "
                    + caller.requiredLabelKey() + "=" + caller.requiredLabelValue());
        }
        Map<String, String> stamped = new HashMap<>(labels);
        stamped.put(caller.requiredLabelKey(), caller.requiredLabelValue());
        return Map.copyOf(stamped);
    }

    /**
     * Refuses a change to a template (create, import, refresh, new revision, delete) by a caller with
     * limits: a template is shared by branches of every owner.
     */
    public static void requireTemplateChange(String template, String what) {
        requireTemplateChange(CurrentPrincipal.get(), template, what);
    }

    static void requireTemplateChange(Principal caller, String template, String what) {
        if (!caller.unlimited()) {
            throw new OffshootException(Kind.FORBIDDEN, "TEMPLATE_CHANGE_NOT_ALLOWED", "token '" + caller.name()
                    + "' is limited to some templates or a label, and may not " + what + " template '" + template
                    + "': templates are shared by every owner's branches; use a token without limits");
        }
    }

    /**
     * Refuses a new token that could do more than its issuer: a scope the issuer lacks, access to a
     * template outside the issuer's, or no label (or another label) where the issuer has one.
     */
    static void requireNoWider(Principal issuer, Set<Scope> scopes, Set<String> templates, Map<String, String> label) {
        for (Scope scope : scopes) {
            if (!issuer.has(scope)) {
                throw widening("scope '" + scope.wire() + "', which the issuing token lacks");
            }
        }
        if (!issuer.allowedTemplates().isEmpty()) {
            if (templates.isEmpty()) {
                throw widening("all templates, while the issuing token is limited to "
                        + String.join(", ", issuer.allowedTemplates()));
            }
            if (!issuer.allowedTemplates().containsAll(templates)) {
                throw widening("templates outside " + String.join(", ", issuer.allowedTemplates()));
            }
        }
        if (issuer.requiredLabelKey() != null
                && !Map.of(issuer.requiredLabelKey(), issuer.requiredLabelValue()).equals(label)) {
            throw widening("branches without the label " + issuer.requiredLabelKey() + "="
                    + issuer.requiredLabelValue() + " the issuing token is limited to");
        }
    }

    /**
     * Refuses a new token that would outlive its issuer: a token that expires can only issue tokens
     * that expire no later than itself (otherwise a short-lived token could mint a permanent one).
     */
    static void requireNoLater(Principal issuer, Instant expiresAt) {
        if (issuer.expiresAt() == null) {
            return;
        }
        if (expiresAt == null || expiresAt.isAfter(issuer.expiresAt())) {
            throw widening("beyond " + issuer.expiresAt() + ", when the issuing token expires; give an expiresAt"
                    + " no later than that");
        }
    }

    /**
     * Refuses a token its issuer could not have issued: wider scopes or limits
     * ({@link #requireNoWider}), a later expiry ({@link #requireNoLater}), secrets revealed by an
     * issuer that may not grant that ({@link Principal#mayGrantRevealSecrets}), SQL that writes
     * from an issuer whose SQL is read-only, or MCP tools beyond the issuer's pinned set.
     */
    static void requireCovered(Principal issuer, Principal token) {
        requireNoWider(issuer, token.scopes(), token.allowedTemplates(), token.requiredLabelKey() == null
                ? Map.of() : Map.of(token.requiredLabelKey(), token.requiredLabelValue()));
        requireNoLater(issuer, token.expiresAt());
        if (token.revealSecrets() && !issuer.mayGrantRevealSecrets()) {
            throw widening("passwords in MCP results (revealSecrets), which the issuing token does not reveal");
        }
        if (issuer.sqlReadOnly() && !token.sqlReadOnly()) {
            throw widening("SQL that writes, while the issuing token's SQL is read-only (sqlReadOnly)");
        }
        if (!token.mcpTools().within(issuer.mcpTools())) {
            throw widening("MCP tools beyond the issuing token's pinned set (mcp: " + describe(issuer.mcpTools())
                    + "); pin the new token within it");
        }
    }

    private static String describe(ToolNarrowing pin) {
        return "readOnly=" + pin.readOnly() + ", categories=" + new java.util.TreeSet<>(pin.categories())
                + ", tools=" + new java.util.TreeSet<>(pin.tools());
    }

    /** Whether {@code issuer} could have issued {@code other} (see {@link #requireCovered}). */
    static boolean covers(Principal issuer, Principal other) {
        try {
            requireCovered(issuer, other);
            return true;
        } catch (OffshootException wider) {
            return false;
        }
    }

    /** Refuses an operation that spans every owner (e.g. the whole audit log) to a caller with limits. */
    public static void requireUnlimited(String what) {
        Principal caller = CurrentPrincipal.get();
        if (!caller.unlimited()) {
            throw new OffshootException(Kind.FORBIDDEN, "UNLIMITED_TOKEN_REQUIRED", "token '" + caller.name()
                    + "' is limited to some templates or a label, and may not " + what
                    + ": it spans every owner; use a token without limits");
        }
    }

    private static OffshootException widening(String what) {
        return new OffshootException(Kind.FORBIDDEN, "TOKEN_WIDER_THAN_ISSUER",
                "a token cannot issue a token wider than itself: the new token would reach " + what);
    }
}
