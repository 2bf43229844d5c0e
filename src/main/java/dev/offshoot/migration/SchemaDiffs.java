package dev.offshoot.migration;

import org.springframework.stereotype.Service;

import dev.offshoot.branch.BranchAccess;
import dev.offshoot.error.OffshootException;

/**
 * Diffs a branch against a base: another live branch, a template revision, or by default its
 * parent. A template revision is an image, so it is inspected through a throwaway branch started
 * from it. The parent of a branch made from another branch is that branch as it is now.
 */
@Service
class SchemaDiffs {

    private final BranchAccess branches;
    private final MigrationService migrations;

    SchemaDiffs(BranchAccess branches, MigrationService migrations) {
        this.branches = branches;
        this.migrations = migrations;
    }

    /** @param kind "branch" or "template" */
    record Base(String kind, String name, Integer revision) {
    }

    record Result(String branch, Base base, boolean identical, SchemaDiff changes, String text) {
    }

    Result diff(String branch, String againstBranch, String template, Integer revision) {
        if (againstBranch != null && template != null) {
            throw OffshootException.invalid("INVALID_BASE", "name one base: 'against' (a branch) or 'template'");
        }
        if (revision != null && template == null) {
            throw OffshootException.invalid("INVALID_BASE", "'revision' needs 'template'");
        }
        Schema current = migrations.inspect(branch);
        Base base = base(branch, againstBranch, template, revision);
        if (base.kind().equals("branch")) {
            return result(branch, base, migrations.inspect(base.name()), current);
        }
        String throwaway = branches.throwawayOfTemplate(base.name(), base.revision(), "diff");
        try {
            Base exact = new Base("template", base.name(), branches.origin(throwaway).revision());
            return result(branch, exact, migrations.inspect(throwaway), current);
        } finally {
            branches.deleteThrowaway(throwaway);
        }
    }

    private static Result result(String branch, Base base, Schema before, Schema after) {
        SchemaDiff diff = SchemaDiff.between(before, after);
        return new Result(branch, base, diff.isEmpty(), diff, DiffText.render(diff));
    }

    private Base base(String branch, String againstBranch, String template, Integer revision) {
        if (againstBranch != null) {
            return new Base("branch", againstBranch, null);
        }
        if (template != null) {
            return new Base("template", template, revision);
        }
        BranchAccess.Origin origin = branches.origin(branch);
        return origin.parentBranch() != null ? new Base("branch", origin.parentBranch(), null)
                : new Base("template", origin.template(), origin.revision());
    }
}
