package dev.offshoot.neon;

import dev.offshoot.error.OffshootException;
import dev.offshoot.template.Template;
import dev.offshoot.template.TemplateRevision;

/**
 * Which of Neon's restores Offshoot's reset does truthfully. A reset starts a branch again on a
 * fresh copy of what it was made from: for a branch of the default branch, the template revision
 * it came from. That is "restore to the parent's head" only while that revision is the template's
 * latest. A branch of a branch resets to its source's state when it was copied, not to the
 * source's state now, so its restore is refused, as are other sources, points in time and
 * preserving the old state under a name.
 */
final class RestoreRule {

    private RestoreRule() {
    }

    static void check(NeonBranches.Entry entry, NeonRequests.RestoreBody body, NeonBranches.Catalog catalog,
            Template template) {
        if (body == null || !NeonRequests.present(body.sourceBranchId())) {
            throw OffshootException.invalid("SOURCE_REQUIRED", "source_branch_id is required: the branch's parent");
        }
        if (NeonRequests.present(body.sourceLsn()) || NeonRequests.present(body.sourceTimestamp())) {
            throw NeonRequests.notSupported("POINT_IN_TIME_NOT_SUPPORTED", "Offshoot restores a branch to its"
                    + " parent's head only: source_lsn and source_timestamp are not supported");
        }
        if (NeonRequests.present(body.preserveUnderName())) {
            throw NeonRequests.notSupported("PRESERVE_NOT_SUPPORTED", "Offshoot does not keep a branch's old state"
                    + " under another name on restore; create a branch of it first (parent_id) to keep it");
        }
        String source = catalog.find(body.sourceBranchId()).map(NeonBranches.Entry::id).orElse(body.sourceBranchId());
        if (entry.parentId() == null || !entry.parentId().equals(source)) {
            throw refused("Offshoot restores a branch from its own parent only ("
                    + (entry.parentId() == null ? "branch '" + entry.view().name() + "' has none left" :
                    entry.parentId()) + ")");
        }
        if (!catalog.defaultBranch().id().equals(source)) {
            throw refused("branch '" + entry.view().name() + "' is a copy of branch '" + entry.view().parentBranch()
                    + "': Offshoot resets it to that branch's state when it was copied, not its state now; use"
                    + " POST /api/v1/branches/" + entry.view().name() + "/reset for that, or delete it and create it"
                    + " again");
        }
        int latest = template.latestRevision().map(TemplateRevision::revision).orElse(0);
        if (entry.view().templateRevision() != latest) {
            throw refused("branch '" + entry.view().name() + "' was made from revision "
                    + entry.view().templateRevision() + " of template '" + template.name() + "', whose latest"
                    + " revision is " + latest + ": Offshoot resets a branch to the revision it was made from; delete"
                    + " it and create it again to get revision " + latest);
        }
    }

    private static OffshootException refused(String message) {
        return OffshootException.conflict("RESTORE_NOT_SUPPORTED", message);
    }
}
