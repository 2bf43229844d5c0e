package dev.offshoot.config;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Reaping (pull request webhooks, TTL, idle) and the reconciler that keeps rows and containers
 * consistent after crashes.
 *
 * @param githubSecret          secret GitHub signs webhook deliveries with (X-Hub-Signature-256);
 *                              empty refuses every GitHub delivery
 * @param gitlabToken           token GitLab sends in X-Gitlab-Token; empty refuses every GitLab hook
 * @param reapOn                MERGED: only merged pull requests reap their branches; CLOSED: closed
 *                              ones too (merged or not)
 * @param sweepInterval         how often expired and idle branches are looked for
 * @param defaultTtl            expiry given to branches created without ttl/expiresAt (7 days, so a
 *                              forgotten branch does not live forever); 0 means none
 * @param maxTtl                the longest expiry a create or an extension may ask for (30 days); 0
 *                              means no limit (and, with default-ttl 0, branches without expiry)
 * @param idleTimeout           a branch with no client connection for this long is reaped; 0 disables
 * @param idleAction            DELETE or STOP idle branches (a stopped branch keeps its data, name and
 *                              port; a create retry with the same name starts it again)
 * @param maxDeletionsPerSweep  budget of reaps per sweep, so one tick never deletes everything at once
 * @param reconcileInterval     how often the reconciler compares labelled containers with rows
 * @param missingContainer      RECREATE a READY branch whose container is gone from its parent image
 *                              (same port and password; its data is lost) or mark it FAILED
 * @param maxRepairsPerReconcile budget of recreations and restarts per reconcile pass
 */
@ConfigurationProperties("offshoot.reaper")
public record ReaperProperties(
        @DefaultValue("") String githubSecret,
        @DefaultValue("") String gitlabToken,
        @DefaultValue("MERGED") ReapOn reapOn,
        @DefaultValue("1m") Duration sweepInterval,
        @DefaultValue("7d") Duration defaultTtl,
        @DefaultValue("30d") Duration maxTtl,
        @DefaultValue("0s") Duration idleTimeout,
        @DefaultValue("DELETE") IdleAction idleAction,
        @DefaultValue("20") int maxDeletionsPerSweep,
        @DefaultValue("2m") Duration reconcileInterval,
        @DefaultValue("RECREATE") MissingContainerAction missingContainer,
        @DefaultValue("20") int maxRepairsPerReconcile) {

    public enum ReapOn { MERGED, CLOSED }

    public enum IdleAction { DELETE, STOP }

    public enum MissingContainerAction { RECREATE, FAIL }

    public boolean hasDefaultTtl() {
        return !defaultTtl.isZero();
    }

    public boolean hasMaxTtl() {
        return !maxTtl.isZero();
    }

    public boolean idleReapingEnabled() {
        return !idleTimeout.isZero();
    }
}
