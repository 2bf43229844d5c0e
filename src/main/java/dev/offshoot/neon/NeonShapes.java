package dev.offshoot.neon;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.offshoot.branch.BranchStatus;
import dev.offshoot.branch.BranchView;
import dev.offshoot.template.Template;
import dev.offshoot.template.TemplateRevision;

/**
 * Offshoot's branches in Neon's shapes. A branch has one read-write endpoint, its Postgres server;
 * the endpoint's host is where the branch answers, with its port ({@code host:port}), because each
 * branch has a port of its own. There is no pooler: the pooled host is the same host. The default
 * branch has no server, so no endpoint; its database and role are the template's.
 */
final class NeonShapes {

    private NeonShapes() {
    }

    static NeonModel.Branch branch(NeonBranches.Entry entry, Template template) {
        if (entry.isDefault()) {
            Instant latest = template.latestRevision().map(TemplateRevision::createdAt).orElse(template.createdAt());
            return new NeonModel.Branch(entry.id(), template.name(), null, NeonBranches.DEFAULT_NAME, "ready", latest,
                    NeonModel.OFFSHOOT, true, true, true, template.createdAt(), latest, null, null,
                    new NeonModel.CreatedBy(template.createdBy()));
        }
        BranchView v = entry.view();
        return new NeonModel.Branch(entry.id(), template.name(), entry.parentId(), v.name(), branchState(v.status()),
                null, NeonModel.OFFSHOOT, false, false, v.protectedBranch(), v.createdAt(), updatedAt(v),
                v.expiresAt(), null, new NeonModel.CreatedBy(v.createdBy()));
    }

    /** The branch's one endpoint; none for the default branch. */
    static List<NeonModel.Endpoint> endpoints(NeonBranches.Entry entry, Template template) {
        if (entry.isDefault()) {
            return List.of();
        }
        BranchView v = entry.view();
        return List.of(new NeonModel.Endpoint(host(v), NeonIds.endpointOf(entry.id()), template.name(), entry.id(),
                NeonModel.OFFSHOOT, "read_write", endpointState(v.status()), Map.of(), false, "transaction", false,
                false, v.lastActivityAt(), NeonModel.OFFSHOOT, v.createdAt(), updatedAt(v), v.connection().host(),
                NeonModel.OFFSHOOT, suspendTimeoutSeconds(v)));
    }

    /**
     * Neon's {@code suspend_timeout_seconds} of the branch's own idle suspension: -1 never, else its
     * seconds; 0 (Neon's "the default") when the template's or the service's setting applies.
     */
    static long suspendTimeoutSeconds(BranchView v) {
        if (!"branch".equals(v.idleSuspendFrom()) || v.idleSuspend() == null) {
            return 0;
        }
        long seconds = java.time.Duration.parse(v.idleSuspend()).toSeconds();
        return seconds == 0 ? -1 : seconds;
    }

    /** The branch's one role: the database owner (the read-only role is Offshoot's own). */
    static NeonModel.Role role(NeonBranches.Entry entry, Template template) {
        Instant at = createdAt(entry, template);
        return new NeonModel.Role(entry.id(), owner(entry, template), false, at, at);
    }

    static NeonModel.Database database(NeonBranches.Entry entry, Template template) {
        Instant at = createdAt(entry, template);
        String database = entry.isDefault() ? template.databaseName() : entry.view().connection().database();
        return new NeonModel.Database(1, entry.id(), database, owner(entry, template), at, at);
    }

    /** The owner's connection, with the password the view carries (none for a list entry). */
    static NeonModel.ConnectionDetails connection(BranchView v) {
        BranchView.Connection c = v.connection();
        return new NeonModel.ConnectionDetails(c.uri(), new NeonModel.ConnectionParameters(c.database(),
                password(c), c.user(), host(v), host(v)));
    }

    /**
     * The password as Neon's tools use it: they build URLs from an endpoint's host and a role's
     * password alone. With an SNI domain the host names the branch; without one, the password names
     * it ({@code endpoint=<branch>;<password>}, Neon's own form for clients without SNI), which the
     * gateway takes over TLS. Null stays null (no write scope).
     */
    static String password(BranchView.Connection c) {
        if (c.password() == null || c.options() == null || c.sniHost() != null) {
            return c.password();
        }
        return c.options() + ";" + c.password();
    }

    /** A branch's annotation as Neon shows it; without one, an empty value and no times. */
    static NeonModel.Annotation annotation(String branchId, Map<String, String> value, Instant createdAt,
            Instant updatedAt) {
        return new NeonModel.Annotation(new NeonModel.AnnotatedObject("branch", branchId), value, createdAt, updatedAt);
    }

    /**
     * Where the branch answers, {@code host:port}: the gateway's SNI host for the branch when a domain
     * is set, else the gateway (the direct form: the branch's own port); empty while no port is known.
     */
    static String host(BranchView v) {
        BranchView.Connection c = v.connection();
        return c.port() == 0 ? "" : (c.sniHost() != null ? c.sniHost() : c.host()) + ":" + c.port();
    }

    static String branchState(BranchStatus status) {
        return switch (status) {
            case READY, SUSPENDED -> "ready";
            case CREATING, POOLED -> "init";
            case FAILED -> "failed";
            case DELETING, DELETED -> "deleting";
        };
    }

    static String endpointState(BranchStatus status) {
        return switch (status) {
            case READY -> "active";
            case CREATING, POOLED -> "init";
            case SUSPENDED, FAILED, DELETING, DELETED -> "idle";
        };
    }

    private static String owner(NeonBranches.Entry entry, Template template) {
        return entry.isDefault() ? template.ownerRole() : entry.view().connection().user();
    }

    private static Instant createdAt(NeonBranches.Entry entry, Template template) {
        return entry.isDefault() ? template.createdAt() : entry.view().createdAt();
    }

    private static Instant updatedAt(BranchView v) {
        return v.lastActivityAt() != null && v.lastActivityAt().isAfter(v.createdAt()) ? v.lastActivityAt()
                : v.createdAt();
    }
}
