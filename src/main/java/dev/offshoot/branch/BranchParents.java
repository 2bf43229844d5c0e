package dev.offshoot.branch;

import java.util.function.Function;

import dev.offshoot.error.OffshootException;
import dev.offshoot.template.Template;
import dev.offshoot.template.TemplateRevision;
import dev.offshoot.template.TemplateService;

/** What a create names as its parent, resolved: exactly one of a template revision or a live branch. */
final class BranchParents {

    private final BranchRepository branches;
    private final TemplateService templates;
    private final Function<String, Branch> live;

    /** @param live a live branch visible to the caller, by name (BRANCH_NOT_FOUND otherwise) */
    BranchParents(BranchRepository branches, TemplateService templates, Function<String, Branch> live) {
        this.branches = branches;
        this.templates = templates;
        this.live = live;
    }

    /** Parent of a new branch, decided once: a template revision, or a live branch it is a copy of. */
    sealed interface Parent {

        Template template();

        /** The revision the new branch descends from (a branch's parent: its own revision). */
        TemplateRevision revision();
    }

    /** A branch of a template revision's data. */
    record FromRevision(Template template, TemplateRevision revision) implements Parent {
    }

    /** A branch of a running branch, which is copied for it. */
    record FromBranch(Template template, TemplateRevision revision, Branch source) implements Parent {
    }

    private static boolean fromBranch(CreateBranchRequest request) {
        return request.fromBranch() != null && !request.fromBranch().isBlank();
    }

    static void requireOne(CreateBranchRequest request) {
        boolean fromTemplate = request.template() != null && !request.template().isBlank();
        if (fromTemplate == fromBranch(request)) {
            throw OffshootException.invalid("INVALID_PARENT", "name exactly one parent: 'template' or 'fromBranch'");
        }
    }

    Parent resolve(CreateBranchRequest request) {
        if (fromBranch(request)) {
            Branch source = live.apply(request.fromBranch());
            if (source.status() != BranchStatus.READY) {
                throw OffshootException.conflict("BRANCH_NOT_READY", "branch '" + source.name() + "' is "
                        + source.status() + "; only a READY branch can be branched");
            }
            Template template = templates.byId(source.templateId());
            return new FromBranch(template, template.revision(source.templateRevision()).orElseThrow(), source);
        }
        Template template = templates.get(request.template());
        TemplateRevision revision = (request.revision() == null ? template.latestRevision()
                : template.revision(request.revision())).orElseThrow(() -> OffshootException.notFound(
                        "REVISION_NOT_FOUND", "template '" + template.name() + "' has no revision " + request.revision()));
        return new FromRevision(template, revision);
    }

    /** A retried create must name the parent the existing branch has; another parent is NAME_TAKEN. */
    Branch requireSame(Branch existing, CreateBranchRequest request) {
        boolean same;
        if (fromBranch(request)) {
            same = existing.parentBranchId() != null && branches.findById(existing.parentBranchId())
                    .map(b -> b.name().equals(request.fromBranch())).orElse(false);
        } else {
            same = existing.parentBranchId() == null
                    && templates.byId(existing.templateId()).name().equals(request.template())
                    && (request.revision() == null || request.revision() == existing.templateRevision());
        }
        if (!same) {
            throw OffshootException.conflict("NAME_TAKEN", "a branch named '" + existing.name()
                    + "' already exists with another parent");
        }
        return existing;
    }
}
