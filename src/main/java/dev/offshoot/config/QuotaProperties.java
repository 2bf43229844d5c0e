package dev.offshoot.config;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Limits on live branches (every status but DELETED). Past a limit a create is a 429 QUOTA_EXCEEDED.
 *
 * @param maxLiveBranches           live branches in total (500: about 10 GB of host memory at 20 MB
 *                                  per running idle branch; suspended ones cost disk only); 0 means
 *                                  no limit (with publish-host-ports the port range still caps it)
 * @param maxLiveBranchesPerCreator live branches per creator (the authenticated principal; throwaway
 *                                  branches of checks and diffs count too), so one runaway agent or
 *                                  CI job cannot take them all; 0 means no limit
 * @param throwaways                what each token may start in throwaway branches
 */
@ConfigurationProperties("offshoot.quota")
public record QuotaProperties(
        @DefaultValue("500") int maxLiveBranches,
        @DefaultValue("100") int maxLiveBranchesPerCreator,
        @DefaultValue Throwaways throwaways) {

    /**
     * What a token without the write scope may start in throwaway branches: a diff against a
     * template revision (REST {@code GET .../diff}, MCP {@code compare_schema}; also the default
     * diff of a branch made from a template) starts a new container, and a reader starts new
     * containers in no other way. A writer's throwaways (checks, applies, template migrations) count against the
     * live-branch quotas above, as its own branches do. Past a limit the call is a 429
     * THROWAWAY_RATE_LIMITED, retryable, with Retry-After. Counted per creator (the token's name)
     * in the metadata store, so the limits hold across replicas and restarts.
     *
     * @param maxConcurrent live throwaway branches per token at once; 0 means no limit
     * @param maxStarted    throwaway branches a token may start per window; 0 means no limit
     * @param window        the window of maxStarted
     */
    public record Throwaways(
            @DefaultValue("4") int maxConcurrent,
            @DefaultValue("30") int maxStarted,
            @DefaultValue("1m") Duration window) {
    }
}
