package dev.offshoot.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Limits on live branches (every status but DELETED). Past a limit a create is a 429 QUOTA_EXCEEDED.
 *
 * @param maxLiveBranches           live branches in total (500: half the default port range, about
 *                                  10 GB of host memory at 20 MB per idle branch); 0 means no limit
 *                                  (the port range still caps it: PORT_RANGE_EXHAUSTED)
 * @param maxLiveBranchesPerCreator live branches per creator (the authenticated principal; throwaway
 *                                  branches of checks and diffs count too), so one runaway agent or
 *                                  CI job cannot take them all; 0 means no limit
 */
@ConfigurationProperties("offshoot.quota")
public record QuotaProperties(
        @DefaultValue("500") int maxLiveBranches,
        @DefaultValue("100") int maxLiveBranchesPerCreator) {
}
