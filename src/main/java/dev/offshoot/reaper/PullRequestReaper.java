package dev.offshoot.reaper;

import java.util.ArrayList;
import java.util.List;

import org.springframework.stereotype.Component;

import dev.offshoot.branch.BranchMaintenance.BranchRecord;
import dev.offshoot.branch.BranchMaintenance;
import dev.offshoot.config.ReaperProperties;
import dev.offshoot.reaper.PullRequestEvents.ClosedPullRequest;

/** Deletes the branches of a closed pull request (labels repo + pr), protected ones excepted. */
@Component
class PullRequestReaper {

    private final BranchMaintenance branches;
    private final ReapAudit audit;
    private final ReaperProperties properties;

    PullRequestReaper(BranchMaintenance branches, ReapAudit audit, ReaperProperties properties) {
        this.branches = branches;
        this.audit = audit;
        this.properties = properties;
    }

    /** What a delivery did: the branches deleted and the protected ones kept. */
    record Result(List<String> reaped, List<String> kept) {
    }

    Result reap(ClosedPullRequest pr, String source, String deliveryId) {
        List<String> reaped = new ArrayList<>();
        List<String> kept = new ArrayList<>();
        if (!pr.reaps(properties.reapOn())) {
            return new Result(reaped, kept);
        }
        for (BranchRecord branch : branches.liveOfPullRequest(pr.repo(), pr.number())) {
            if (branch.protectedBranch()) {
                kept.add(branch.name());
            } else if (branches.reapDelete(branch)) {
                reaped.add(branch.name());
                audit.reaped(branch, ReapAudit.Reason.PR_CLOSED, "delete", source + " delivery " + deliveryId + ": "
                        + pr.repo() + "#" + pr.number() + (pr.merged() ? " merged" : " closed"));
            }
        }
        return new Result(reaped, kept);
    }
}
