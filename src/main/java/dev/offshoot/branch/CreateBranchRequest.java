package dev.offshoot.branch;

import java.time.Instant;
import java.util.Map;

/**
 * Body of POST /api/v1/branches. Exactly one of {@code template} and {@code fromBranch} names the
 * parent; {@code ttl} (e.g. "2h", "PT30M") and {@code expiresAt} are alternatives.
 */
public record CreateBranchRequest(String name, String template, Integer revision, String fromBranch,
        Map<String, String> labels, String ttl, Instant expiresAt, Boolean protectedBranch) {
}
