package dev.offshoot.mcp;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.offshoot.audit.AuditLog;
import dev.offshoot.auth.CurrentPrincipal;
import dev.offshoot.auth.Principal;
import dev.offshoot.branch.BranchView;
import dev.offshoot.instance.Endpoint;

/**
 * Keeps branch passwords out of the model's context: MCP results show user, host, port and
 * database, and say how the agent's shell gets the password without it passing through the model.
 * A token issued with {@code revealSecrets} (an admin's opt-in) gets the passwords back, and every
 * such answer is audited.
 */
final class Credentials {

    private final AuditLog audit;

    Credentials(AuditLog audit) {
        this.audit = audit;
    }

    /**
     * How a shell gets the secret of a branch; never contains the secret itself, and names only
     * commands that write it where the model does not read it (a file of mode 0600, a program's
     * environment), never one that prints it into the agent's transcript.
     */
    static String passwordFrom(String branch) {
        return "not shown to the model: in your shell run `offshoot connection-string " + branch
                + " --env-file .env` (writes DATABASE_URL with the password to .env, mode 0600, and prints"
                + " nothing of it), then run your program with it in its environment, e.g."
                + " `set -a; . ./.env; set +a; <your test command>`. Do not print .env or the variable.";
    }

    /** The branch as this caller may see it in an MCP result. */
    BranchView view(BranchView b, String tool) {
        if (reveals(b, tool)) {
            return b;
        }
        return new BranchView(b.id(), b.name(), b.status(), b.created(), b.template(), b.templateRevision(),
                b.parentBranch(), b.labels(), b.createdBy(), b.createdAt(), b.expiresAt(), b.lastActivityAt(),
                b.protectedBranch(), b.failureReason(), b.diskUsageBytes(), redact(b.connection()),
                redact(b.readOnlyConnection()), b.idleSuspend(), b.idleSuspendFrom());
    }

    /** A branch and, unless revealed, where its password is (describe_branch). */
    Described describe(BranchView b, String tool) {
        BranchView shown = view(b, tool);
        return new Described(shown, revealed(b) ? null : passwordFrom(b.name()));
    }

    /** The owner connection, without the password unless revealed, and where the password is. */
    Connection connection(BranchView b, String tool) {
        BranchView.Connection c = view(b, tool).connection();
        return new Connection(c.host(), c.port(), c.database(), c.user(), c.password(), c.uri(), c.jdbcUrl(),
                c.sslMode(), c.options(), c.sniHost(), c.sniUri(), c.password() == null ? passwordFrom(b.name()) : null);
    }

    /** @param passwordFrom how the shell gets the password; absent when the answer carries it */
    record Described(BranchView branch, @JsonInclude(JsonInclude.Include.NON_NULL) String passwordFrom) {
    }

    /**
     * What get_connection_string answers.
     *
     * @param password     null unless the caller's token reveals secrets (the field is always there)
     * @param sslMode      what the gateway asks of a client ({@code require}); null in the direct form
     * @param options      the startup options that name the branch at the gateway; null in the direct form
     * @param passwordFrom how the shell gets the password; absent when the answer carries it
     */
    record Connection(String host, int port, String database, String user, String password, String uri,
            String jdbcUrl, String sslMode, String options, String sniHost, String sniUri,
            @JsonInclude(JsonInclude.Include.NON_NULL) String passwordFrom) {
    }

    private boolean revealed(BranchView b) {
        return CurrentPrincipal.get().revealSecrets() && hasPassword(b);
    }

    private boolean reveals(BranchView b, String tool) {
        Principal caller = CurrentPrincipal.get();
        if (!caller.revealSecrets() || !hasPassword(b)) {
            return false;
        }
        audit.record(caller.name(), "mcp", "branch.reveal-secret", "branch", b.name(), true, null,
                "password in the result of " + tool + " (token opted in with revealSecrets)");
        return true;
    }

    private static boolean hasPassword(BranchView b) {
        return (b.connection() != null && b.connection().password() != null)
                || (b.readOnlyConnection() != null && b.readOnlyConnection().password() != null);
    }

    private static BranchView.Connection redact(BranchView.Connection c) {
        if (c == null) {
            return null;
        }
        return c.withoutPassword();
    }
}
