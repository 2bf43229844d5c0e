package dev.offshoot.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Limits on live branches (every status but DELETED). Past a limit a create is a 429 QUOTA_EXCEEDED.
 *
 * @param maxLiveBranches           live branches in total; 0 means no limit
 * @param maxLiveBranchesPerCreator live branches per creator (the authenticated principal); 0 means no limit
 */
@ConfigurationProperties("offshoot.quota")
public record QuotaProperties(
        @DefaultValue("0") int maxLiveBranches,
        @DefaultValue("0") int maxLiveBranchesPerCreator) {
}
