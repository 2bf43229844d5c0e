package dev.offshoot.neon;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.springframework.stereotype.Component;

import dev.offshoot.auth.CurrentPrincipal;
import dev.offshoot.branch.BranchOperations;
import dev.offshoot.branch.BranchStatus;
import dev.offshoot.branch.BranchView;
import dev.offshoot.branch.CreateBranchRequest;
import dev.offshoot.branch.UpdateBranchRequest;
import dev.offshoot.error.OffshootException.Kind;
import dev.offshoot.error.OffshootException;
import dev.offshoot.template.Template;

/**
 * What Neon API calls change, done by Offshoot's branch operations (same quotas, tenancy, locks
 * and idempotency as /api/v1), each recorded as finished operations.
 */
@Component
class NeonCommands {

    private final BranchOperations branches;
    private final NeonBranches catalog;
    private final NeonObjects objects;
    private final NeonOperations operations;

    NeonCommands(BranchOperations branches, NeonBranches catalog, NeonObjects objects, NeonOperations operations) {
        this.branches = branches;
        this.catalog = catalog;
        this.objects = objects;
        this.operations = operations;
    }

    /** A create's answer and whether it made a new branch (a retried name returns the existing one). */
    record Created(boolean created, NeonModel.BranchCreated body) {
    }

    /**
     * A branch of the default branch (no parent, or the default's id) starts from the template's
     * latest revision; a branch of another branch is a copy of that branch's current state. Without
     * a name, the branch is named after its new id.
     */
    Created create(Template template, NeonRequests.CreateBody body) {
        Instant started = Instant.now();
        NeonRequests.BranchSpec spec = NeonRequests.branchOf(body);
        Map<String, String> annotation = NeonRequests.annotation(body == null ? null : body.annotationValue());
        NeonBranches.Catalog branchesOf = catalog.of(template);
        NeonBranches.Entry parent = NeonRequests.present(spec.parentId()) ? branchesOf.resolve(spec.parentId())
                : branchesOf.defaultBranch();
        String newId = NeonRequests.present(spec.name()) ? null : NeonIds.newBranchId();
        BranchView view = branches.create(new CreateBranchRequest(newId == null ? spec.name() : newId,
                parent.isDefault() ? template.name() : null, null, parent.isDefault() ? null : parent.view().name(),
                NeonRequests.labels(annotation), null, NeonRequests.expiry(spec.expiresAt()), spec.isProtected(), null,
                NeonRequests.idleSuspend(body)),
                CurrentPrincipal.get().name());
        UUID uuid = UUID.fromString(view.id());
        if (newId != null) {
            objects.claim(uuid, newId);
        }
        NeonBranches.Entry entry = new NeonBranches.Entry(objects.idOf(uuid), parent.id(), view);
        boolean created = Boolean.TRUE.equals(view.created());
        if (created && !annotation.isEmpty()) {
            objects.annotate(uuid, annotation);
        }
        List<NeonModel.Operation> done = !created ? List.of() : operations.finished(template, started, List.of(
                new NeonOperations.Step("create_branch", entry.id(), null),
                new NeonOperations.Step("start_compute", entry.id(), NeonIds.endpointOf(entry.id()))));
        return new Created(created, new NeonModel.BranchCreated(NeonShapes.branch(entry, template),
                NeonShapes.endpoints(entry, template), done, List.of(NeonShapes.role(entry, template)),
                List.of(NeonShapes.database(entry, template)), List.of(NeonShapes.connection(view))));
    }

    /** New protection or expiry; a branch keeps its name, and its expiry cannot be removed. */
    NeonModel.BranchOperations update(Template template, String ref, Boolean isProtected, String newName,
            Instant expiresAt) {
        NeonBranches.Entry entry = real(catalog.of(template).resolve(ref), "change");
        if (newName != null && !newName.equals(entry.view().name())) {
            throw NeonRequests.notSupported("RENAME_NOT_SUPPORTED", "Offshoot branches keep their name; create"
                    + " a branch of '" + entry.view().name() + "' under the new name instead");
        }
        BranchView view = isProtected == null && expiresAt == null ? entry.view()
                : branches.update(entry.view().name(), new UpdateBranchRequest(null, expiresAt, isProtected));
        NeonBranches.Entry updated = new NeonBranches.Entry(entry.id(), entry.parentId(), view);
        return new NeonModel.BranchOperations(NeonShapes.branch(updated, template), List.of());
    }

    /** Deletes a branch with its server and data; a protected branch is refused (BRANCH_PROTECTED). */
    NeonModel.BranchOperations delete(Template template, String ref) {
        Instant started = Instant.now();
        NeonBranches.Entry entry = real(catalog.of(template).resolve(ref), "delete");
        branches.delete(entry.view().name(), false);
        List<NeonModel.Operation> done = operations.finished(template, started, List.of(
                new NeonOperations.Step("suspend_compute", entry.id(), NeonIds.endpointOf(entry.id())),
                new NeonOperations.Step("delete_timeline", entry.id(), null)));
        return new NeonModel.BranchOperations(NeonShapes.branch(entry, template), done);
    }

    /**
     * Restores a branch to its parent's head, which Offshoot's reset does for a branch of the
     * default branch made from the template's latest revision: it starts again on a fresh copy of
     * that revision, with the same host, port, role and password. Everything else (another source,
     * a point in time, a branch of a branch, an older revision) is refused: a reset would not give
     * what was asked for.
     */
    NeonModel.BranchOperations restore(Template template, String ref, NeonRequests.RestoreBody body) {
        Instant started = Instant.now();
        NeonBranches.Catalog branchesOf = catalog.of(template);
        NeonBranches.Entry entry = real(branchesOf.resolve(ref), "restore");
        RestoreRule.check(entry, body, branchesOf, template);
        BranchView view = branches.reset(entry.view().name());
        NeonBranches.Entry reset = new NeonBranches.Entry(entry.id(), entry.parentId(), view);
        List<NeonModel.Operation> done = operations.finished(template, started, List.of(
                new NeonOperations.Step("create_timeline", entry.id(), null),
                new NeonOperations.Step("start_compute", entry.id(), NeonIds.endpointOf(entry.id()))));
        return new NeonModel.BranchOperations(NeonShapes.branch(reset, template).resetAt(Instant.now()), done);
    }

    /** Starts an endpoint: a running one stays as it is (no operation); a suspended one is woken. */
    NeonModel.EndpointOperations start(Template template, String endpointId) {
        Instant started = Instant.now();
        NeonBranches.Entry entry = NeonEndpoints.resolve(catalog.of(template), endpointId);
        BranchView view = entry.view();
        List<NeonModel.Operation> done = List.of();
        if (view.status() == BranchStatus.SUSPENDED) {
            view = branches.wake(view.name());
            done = operations.finished(template, started, List.of(new NeonOperations.Step("start_compute",
                    entry.id(), endpointId)));
        } else if (view.status() != BranchStatus.READY) {
            throw OffshootException.conflict("BRANCH_BUSY", "branch '" + view.name() + "' is " + view.status()
                    + "; only a suspended endpoint can be started");
        }
        NeonBranches.Entry now = new NeonBranches.Entry(entry.id(), entry.parentId(), view);
        return new NeonModel.EndpointOperations(NeonShapes.endpoints(now, template).getFirst(), done);
    }

    /**
     * Suspends an endpoint: its branch's server stops, its data stays, and a connection through the
     * gateway wakes it; a suspended one stays as it is (no operation).
     */
    NeonModel.EndpointOperations suspend(Template template, String endpointId) {
        Instant started = Instant.now();
        NeonBranches.Entry entry = NeonEndpoints.resolve(catalog.of(template), endpointId);
        BranchView view = entry.view();
        List<NeonModel.Operation> done = List.of();
        if (view.status() != BranchStatus.SUSPENDED) {
            view = branches.suspend(view.name());
            done = operations.finished(template, started, List.of(new NeonOperations.Step("suspend_compute",
                    entry.id(), endpointId)));
        }
        NeonBranches.Entry now = new NeonBranches.Entry(entry.id(), entry.parentId(), view);
        return new NeonModel.EndpointOperations(NeonShapes.endpoints(now, template).getFirst(), done);
    }

    private static NeonBranches.Entry real(NeonBranches.Entry entry, String what) {
        if (entry.isDefault()) {
            throw OffshootException.conflict("DEFAULT_BRANCH", "cannot " + what + " the default branch '"
                    + NeonBranches.DEFAULT_NAME + "': it is the template's latest revision, changed only through"
                    + " /api/v1/templates");
        }
        return entry;
    }
}
