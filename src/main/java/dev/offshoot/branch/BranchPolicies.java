package dev.offshoot.branch;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Component;

import dev.offshoot.auth.CurrentPrincipal;
import dev.offshoot.auth.Scope;
import dev.offshoot.config.QuotaProperties;
import dev.offshoot.config.ReaperProperties;
import dev.offshoot.error.OffshootException.Kind;
import dev.offshoot.error.OffshootException;

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
                throw OffshootException.invalid("INVALID_EXPIRY", "the expiry may be at most " + reaper.maxTtl()
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

    /**
     * {@link #checkQuota(String)}, and for a throwaway branch started by a caller without the write
     * scope {@link #checkThrowaways} too: a writer may start branches of its own anyway (within the
     * quotas above), a reader starts containers only through throwaways (diffs against a template).
     */
    void checkQuota(String creator, Map<String, String> labels) {
        checkQuota(creator);
        if (labels.containsKey(BranchAccess.THROWAWAY_LABEL) && !CurrentPrincipal.get().has(Scope.WRITE)) {
            checkThrowaways(creator, Instant.now());
        }
    }

    /**
     * Called, like the quota, after the throwaway's row is reserved, so it counts itself. The
     * retry time is when enough of the creator's recent throwaways leave the window for this one.
     */
    void checkThrowaways(String creator, Instant now) {
        QuotaProperties.Throwaways limits = quota.throwaways();
        if (limits.maxConcurrent() > 0 && branches.countLiveThrowawaysByCreator(creator) > limits.maxConcurrent()) {
            throw rateLimited("'" + creator + "' already runs its maximum of " + limits.maxConcurrent()
                    + " throwaway branches at once (offshoot.quota.throwaways.max-concurrent)", Duration.ofSeconds(5));
        }
        if (limits.maxStarted() <= 0) {
            return;
        }
        List<Long> started = branches.throwawaysCreatedSince(creator, now.minus(limits.window()).toEpochMilli());
        int over = started.size() - limits.maxStarted();
        if (over > 0) {
            Instant frees = Instant.ofEpochMilli(started.get(over - 1)).plus(limits.window());
            throw rateLimited("'" + creator + "' started its maximum of " + limits.maxStarted() + " throwaway branches"
                    + " in " + limits.window().toSeconds() + " s (offshoot.quota.throwaways.max-started per"
                    + " offshoot.quota.throwaways.window)", Duration.between(now, frees));
        }
    }

    /** A check, or a diff against a template revision, starts a container: that is what is limited. */
    private static OffshootException rateLimited(String detail, Duration retryAfter) {
        long seconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
        return new OffshootException(Kind.RATE_LIMITED, "THROWAWAY_RATE_LIMITED", detail + ": a"
                + " diff against a template revision starts a throwaway branch; retry in " + seconds
                + " s", true).retryAfter(Duration.ofSeconds(seconds));
    }

    private static OffshootException exceeded(String detail) {
        return new OffshootException(Kind.RATE_LIMITED, "QUOTA_EXCEEDED", detail, false);
    }
}
