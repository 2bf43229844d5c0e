package dev.offshoot.branch;

import java.time.Instant;
import java.util.Map;

/**
 * Body of POST /api/v1/branches. Exactly one of {@code template} and {@code fromBranch} names the
 * parent; {@code ttl} (e.g. "2h", "PT30M") and {@code expiresAt} are alternatives; {@code resources}
 * raises or lowers the container's limits within the operator's maxima; {@code idleSuspend} ("5m",
 * "PT1H", "0" for never) is how long it may go without a connection before it is suspended (absent:
 * its template's setting, else the service's).
 */
public record CreateBranchRequest(String name, String template, Integer revision, String fromBranch,
        Map<String, String> labels, String ttl, Instant expiresAt, Boolean protectedBranch,
        ResourceRequest resources, String idleSuspend) {

    /** Compatible with callers that do not set idle suspension. */
    public CreateBranchRequest(String name, String template, Integer revision, String fromBranch,
            Map<String, String> labels, String ttl, Instant expiresAt, Boolean protectedBranch,
            ResourceRequest resources) {
        this(name, template, revision, fromBranch, labels, ttl, expiresAt, protectedBranch, resources, null);
    }

    /** Compatible with callers that do not ask for resources. */
    public CreateBranchRequest(String name, String template, Integer revision, String fromBranch,
            Map<String, String> labels, String ttl, Instant expiresAt, Boolean protectedBranch) {
        this(name, template, revision, fromBranch, labels, ttl, expiresAt, protectedBranch, null, null);
    }

    /**
     * @param memory    e.g. "512MB" or "2GB"
     * @param cpuShares relative CPU weight (1024 is Docker's default)
     */
    public record ResourceRequest(String memory, Integer cpuShares) {
    }
}
