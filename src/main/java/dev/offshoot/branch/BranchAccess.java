package dev.offshoot.branch;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.core.task.TaskExecutor;
import org.springframework.stereotype.Component;

import dev.offshoot.auth.CurrentPrincipal;
import dev.offshoot.error.OffshootException;
import dev.offshoot.postgres.BranchRoles;
import dev.offshoot.postgres.PostgresConnections;
import dev.offshoot.provision.Endpoints;
import dev.offshoot.provision.Instance;
import dev.offshoot.template.Template;
import dev.offshoot.template.TemplateService;

/**
 * What other features (migrations, schema, SQL) may do with branches: connect to a live READY
 * branch, learn what it was started from, and create and delete throwaway branches.
 */
@Component
public class BranchAccess {

    /** Label put on throwaway branches so that people (and the reaper) can tell them apart. */
    public static final String THROWAWAY_LABEL = "offshoot-throwaway";

    private static final Logger log = LoggerFactory.getLogger(BranchAccess.class);

    private final BranchService service;
    private final BranchRepository branches;
    private final BranchLauncher launcher;
    private final TemplateService templates;
    private final Endpoints endpoints;
    private final TaskExecutor background;

    BranchAccess(BranchService service, BranchRepository branches, BranchLauncher launcher, TemplateService templates,
            Endpoints endpoints, @Qualifier("applicationTaskExecutor") TaskExecutor background) {
        this.background = background;
        this.service = service;
        this.branches = branches;
        this.launcher = launcher;
        this.templates = templates;
        this.endpoints = endpoints;
    }

    /**
     * How to reach a branch's database, and the one way Offshoot opens sessions on it: as its owner
     * (users' SQL and migrations), as its owner with a pinned search path (catalog inspection and
     * lock watching: the owner sees every catalog row those need), as its read-only role (read-only
     * runs), or as its superuser with a pinned search path. Never log or return the passwords.
     *
     * @param readOnlyPassword null only for a branch written before per-branch secrets existed whose
     *                         upgrade to its own failed: it has no read-only role, and its read-only
     *                         runs use the owner
     */
    public record Endpoint(String branch, String jdbcUrl, String ownerRole, String ownerPassword,
            String readOnlyRole, String readOnlyPassword, String superuserPassword) {

        /** A session for users' SQL and migrations: the owner, under its own search path. */
        public Connection owner() throws SQLException {
            return PostgresConnections.user(jdbcUrl, ownerRole, ownerPassword);
        }

        /** A session for Offshoot's catalog reads: the owner, search path pinned to pg_catalog. */
        public Connection inspector() throws SQLException {
            return PostgresConnections.inspector(jdbcUrl, ownerRole, ownerPassword);
        }

        /** A session for read-only runs: the read-only role (the owner on branches that have none). */
        public Connection readOnly() throws SQLException {
            return readOnlyPassword == null ? owner()
                    : PostgresConnections.user(jdbcUrl, readOnlyRole, readOnlyPassword);
        }

        /** A superuser session with a pinned search path, for what only a superuser may do. */
        public Connection superuser() throws SQLException {
            return PostgresConnections.superuser(jdbcUrl, superuserPassword);
        }

        @Override
        public String toString() {
            return "Endpoint[" + branch + ", " + jdbcUrl + "]";
        }
    }

    /**
     * A live branch as a connection through the gateway reaches it: its instance key and status.
     *
     * @param key the key its instance answers under ({@link Endpoints#internal})
     */
    public record Route(String key, BranchStatus status) {
    }

    /**
     * The live branch of this name for a connection that names it, whoever it is for: the gateway
     * has no caller to check (Postgres authenticates the user); warm-pool members are nobody's.
     */
    public Optional<Route> route(String name) {
        return branches.findLiveByName(name).filter(b -> !WarmPool.isMember(b))
                .map(b -> new Route(b.instanceKey(), b.status()));
    }

    /** What a branch was started from: a template revision, or (when set) another branch. */
    public record Origin(String template, int revision, String parentBranch) {
    }

    /**
     * A live READY branch as one request sees it, resolved once and passed on: the id that binds
     * checks and approvals to this branch (one deleted and created again under its name is
     * another), how to reach it, and the template it was started from.
     */
    public record Target(UUID id, Endpoint endpoint, String template) {

        public String name() {
            return endpoint.branch();
        }
    }

    /**
     * A live branch that accepts connections, woken first when it is suspended; BRANCH_NOT_FOUND or
     * BRANCH_NOT_READY otherwise.
     */
    public Endpoint endpoint(String name) {
        Branch branch = ready(name);
        return endpoint(name, branch, templates.byId(branch.templateId()));
    }

    /**
     * A live branch that accepts connections, with what a request needs to know of it, looked up
     * once as the caller (whose tenancy applies), woken first when it is suspended; BRANCH_NOT_FOUND
     * or BRANCH_NOT_READY otherwise.
     */
    public Target target(String name) {
        Branch branch = ready(name);
        Template template = templates.byId(branch.templateId());
        return new Target(branch.id(), endpoint(name, branch, template), template.name());
    }

    private Branch ready(String name) {
        Branch seen = service.live(name);
        Branch branch = withOwnSecrets(seen.status() == BranchStatus.SUSPENDED ? service.wake(name) : seen);
        if (branch.status() != BranchStatus.READY) {
            throw OffshootException.conflict("BRANCH_NOT_READY", "branch '" + name + "' is " + branch.status());
        }
        return branch;
    }

    private Endpoint endpoint(String name, Branch branch, Template template) {
        // a READY row whose server is gone: a delete, reset or suspend of the name is under way
        String jdbcUrl = endpoints.internalIfRunning(branch.instanceKey())
                .orElseThrow(() -> OffshootException.conflict("BRANCH_NOT_READY", "branch '" + name
                        + "' has no running server at the moment (it is being deleted, reset or suspended)"))
                .jdbcUrl(branch.databaseName());
        return new Endpoint(name, jdbcUrl,
                branch.roleName(), branch.password(), BranchRoles.READ_ONLY_ROLE, branch.readonlyPassword(),
                BranchLauncher.superuserPassword(branch, template));
    }

    /**
     * A branch written before per-branch secrets existed gets its own on first use, so that its
     * read-only runs too go through the read-only role. Should that fail, it keeps the template's.
     */
    private Branch withOwnSecrets(Branch seen) {
        if (seen.status() != BranchStatus.READY || seen.readonlyPassword() != null) {
            return seen;
        }
        return service.withLock(seen.name(), () -> {
            Branch branch = service.live(seen.name());
            if (branch.status() != BranchStatus.READY || branch.readonlyPassword() != null) {
                return branch;
            }
            try {
                launcher.giveOwnSecrets(branch, templates.byId(branch.templateId()));
                log.info("branch {} ({}) got its own superuser and read-only secrets", branch.name(), branch.id());
                return branches.save(branch);
            } catch (RuntimeException e) {
                log.warn("branch {} ({}) keeps its template's secrets for now: {}", branch.name(), branch.id(),
                        e.getMessage());
                return service.live(seen.name());
            }
        });
    }

    /**
     * The id of the live branch of that name: what binds checks and approvals to one branch, so
     * that a branch deleted and created again under the same name is another branch.
     */
    public UUID id(String name) {
        return service.live(name).id();
    }

    public Origin origin(String name) {
        Branch branch = service.live(name);
        Optional<String> parent = service.parentBranchName(branch).filter(this::isLive);
        return new Origin(service.templateName(branch), branch.templateRevision(), parent.orElse(null));
    }

    /** A new branch from a live branch's current state; the caller deletes it. */
    public String throwawayOfBranch(String source, String purpose) {
        return throwawayOfBranch(source, purpose, Duration.ofHours(1));
    }

    /**
     * A new branch from a live branch's current state that the reaper removes after {@code ttl}
     * unless the caller deletes it first (a tuning keeps its copy for a while).
     */
    public String throwawayOfBranch(String source, String purpose, Duration ttl) {
        // never reset: one copy of the source, no snapshot kept
        return service.create(new CreateBranchRequest(throwawayName(purpose), null, null, source, labels(purpose),
                ttl.toSeconds() + "s", null, false), CurrentPrincipal.get().name(), false).branch().name();
    }

    /** A new branch from a template revision (null: the latest); the caller deletes it. */
    public String throwawayOfTemplate(String template, Integer revision, String purpose) {
        return create(new CreateBranchRequest(throwawayName(purpose), template, revision, null, labels(purpose), "1h",
                null, false));
    }

    /** A live branch's instance and data, for features that turn a branch into a template revision. */
    public Instance instance(String name) {
        return service.live(name).instance();
    }

    /** Deletes a throwaway branch; one already gone is fine. */
    public void deleteThrowaway(String name) {
        if (isLive(name)) {
            service.delete(name, true);
        }
    }

    /**
     * Deletes a throwaway branch after the caller has answered (a migration check need not wait for
     * its copy's removal). Should the service stop first, the throwaway is not leaked: a DELETING row
     * is finished by the reconciler, a live one is reaped at its one-hour expiry.
     */
    public void deleteThrowawayLater(String name) {
        background.execute(() -> CurrentPrincipal.runAsSystem(() -> {
            try {
                deleteThrowaway(name);
            } catch (RuntimeException e) {
                log.warn("throwaway branch {} not deleted yet (the reaper will): {}", name, e.getMessage());
            }
            return null;
        }));
    }

    private boolean isLive(String name) {
        try {
            service.live(name);
            return true;
        } catch (OffshootException e) {
            return false;
        }
    }

    /** Created as the caller, so it counts against the caller's quota as well as the global one. */
    private String create(CreateBranchRequest request) {
        return service.create(request, CurrentPrincipal.get().name()).branch().name();
    }

    private static Map<String, String> labels(String purpose) {
        return Map.of(THROWAWAY_LABEL, purpose);
    }

    private static String throwawayName(String purpose) {
        return "tmp-" + purpose + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
