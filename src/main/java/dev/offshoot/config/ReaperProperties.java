package dev.offshoot.config;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

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
 * @param githubSecrets         per-repository GitHub secrets, keyed by {@code owner/name} (or by
 *                              {@code owner} alone, for an organisation's webhook), case-insensitive:
 *                              a delivery for such a repository must be signed with its own secret,
 *                              and github-secret (when set) serves only the repositories not listed,
 *                              so one leaked secret reaps only its own repositories' branches
 * @param gitlabTokens          per-project GitLab tokens, keyed by {@code group/project} (or a group),
 *                              with gitlab-token serving the others, as for GitHub
 * @param deliveryWindow        how long a delivery is remembered (by its id and by its body): a
 *                              redelivery or replay within it does nothing; a signed GitHub event
 *                              that closed its pull request longer ago than this is ignored (stale),
 *                              so a captured delivery cannot be replayed later either. Longer than
 *                              the 3 days GitHub lets a delivery be redelivered.
 * @param deletedRetention      how long a deleted branch's row is kept (listed with
 *                              {@code ?status=DELETED}, named as a parent) before the sweep removes it
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
        @DefaultValue("20") int maxRepairsPerReconcile,
        @DefaultValue({}) Map<String, String> githubSecrets,
        @DefaultValue({}) Map<String, String> gitlabTokens,
        @DefaultValue("7d") Duration deliveryWindow,
        @DefaultValue("30d") Duration deletedRetention) {

    public ReaperProperties {
        githubSecrets = lowerCaseKeys(githubSecrets);
        gitlabTokens = lowerCaseKeys(gitlabTokens);
    }

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

    /** The secret a GitHub delivery for this repository (owner/name; null when unknown) is signed with. */
    public Optional<String> githubSecretFor(String repository) {
        return secretFor(githubSecrets, githubSecret, repository);
    }

    /** The token a GitLab hook for this project (group/project; null when unknown) carries. */
    public Optional<String> gitlabTokenFor(String project) {
        return secretFor(gitlabTokens, gitlabToken, project);
    }

    /** The repository's own secret, else its owner's, else the shared one; empty when none is set. */
    private static Optional<String> secretFor(Map<String, String> own, String shared, String repository) {
        if (repository != null) {
            String key = repository.toLowerCase(Locale.ROOT);
            for (String candidate = key; ; candidate = candidate.substring(0, candidate.lastIndexOf('/'))) {
                if (own.containsKey(candidate)) {
                    return Optional.of(own.get(candidate)).filter(s -> !s.isEmpty());
                }
                if (candidate.lastIndexOf('/') < 0) {
                    break;
                }
            }
        }
        return Optional.ofNullable(shared).filter(s -> !s.isEmpty());
    }

    private static Map<String, String> lowerCaseKeys(Map<String, String> secrets) {
        return secrets == null ? Map.of() : secrets.entrySet().stream().collect(Collectors.toUnmodifiableMap(
                e -> e.getKey().toLowerCase(Locale.ROOT), Map.Entry::getValue, (a, b) -> a));
    }
}
