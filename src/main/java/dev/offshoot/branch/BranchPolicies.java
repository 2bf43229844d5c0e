package dev.offshoot.branch;

import java.time.Instant;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

import dev.offshoot.config.QuotaProperties;
import dev.offshoot.config.ReaperProperties;
import dev.offshoot.web.ApiException;

/** The operator's limits on branches: default and maximum TTL, live-branch quotas. */
@Component
class BranchPolicies {

    private final ReaperProperties reaper;
    private final QuotaProperties quota;
    private final BranchRepository branches;

    BranchPolicies(ReaperProperties reaper, QuotaProperties quota, BranchRepository branches) {
        this.reaper = reaper;
        this.quota = quota;
        this.branches = branches;
    }

    /** The expiry to store: the requested one (or the default TTL), never beyond the maximum TTL. */
    Instant expiry(Instant requested) {
        Instant now = Instant.now();
        Instant expiresAt = requested != null ? requested
                : reaper.hasDefaultTtl() ? now.plus(reaper.defaultTtl()) : null;
        if (reaper.hasMaxTtl()) {
            Instant latest = now.plus(reaper.maxTtl());
            if (expiresAt == null) {
                return latest;
            }
            if (expiresAt.isAfter(latest.plusSeconds(1))) {
                throw ApiException.badRequest("INVALID_EXPIRY", "the expiry may be at most " + reaper.maxTtl()
                        + " from now (offshoot.reaper.max-ttl)");
            }
        }
        return expiresAt;
    }

    /**
     * Called after the new branch's row is reserved, so concurrent creates each see the others:
     * when several race past the limit they are all refused rather than one too many kept.
     */
    void checkQuota(String creator) {
        if (quota.maxLiveBranches() > 0 && branches.countLive() > quota.maxLiveBranches()) {
            throw exceeded("the service already runs its maximum of " + quota.maxLiveBranches()
                    + " live branches (offshoot.quota.max-live-branches)");
        }
        if (quota.maxLiveBranchesPerCreator() > 0
                && branches.countLiveByCreator(creator) > quota.maxLiveBranchesPerCreator()) {
            throw exceeded("'" + creator + "' already has the maximum of " + quota.maxLiveBranchesPerCreator()
                    + " live branches (offshoot.quota.max-live-branches-per-creator); delete some first");
        }
    }

    private static ApiException exceeded(String detail) {
        return new ApiException(HttpStatus.TOO_MANY_REQUESTS, "QUOTA_EXCEEDED", detail, false);
    }
}
