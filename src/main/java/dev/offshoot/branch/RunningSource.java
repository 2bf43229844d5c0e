package dev.offshoot.branch;

import java.util.Optional;

import dev.offshoot.error.OffshootException;
import dev.offshoot.provision.Instance;
import dev.offshoot.provision.Origin;
import dev.offshoot.template.Template;

/**
 * A running branch that a fork copies, as its row says now. The source's own name is not locked
 * (only the child's is), so a delete or reset of it may take its container away mid-copy: a
 * deleted source answers BRANCH_NOT_FOUND, a reset one is offered again with its new container.
 */
record RunningSource(Branch branch, Template template, BranchRepository branches) implements Origin.ForkSource {

    @Override
    public Instance instance() {
        return branch.instance();
    }

    @Override
    public String superuserPassword() {
        return BranchLauncher.superuserPassword(branch, template);
    }

    @Override
    public Optional<Origin.ForkSource> replaced() {
        Branch now = branches.findById(branch.id()).orElse(null);
        if (now == null || now.status() == BranchStatus.DELETING || now.status() == BranchStatus.DELETED) {
            throw OffshootException.notFound("BRANCH_NOT_FOUND", "branch '" + branch.name()
                    + "' was deleted while it was being copied");
        }
        boolean replaced = now.status() == BranchStatus.READY && now.instanceHandle() != null
                && !now.instanceHandle().equals(branch.instanceHandle());
        return replaced ? Optional.of(new RunningSource(now, template, branches)) : Optional.empty();
    }
}
