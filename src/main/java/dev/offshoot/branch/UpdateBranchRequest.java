package dev.offshoot.branch;

import java.time.Instant;

/**
 * Body of PATCH /api/v1/branches/{name}: a new expiry ({@code ttl} from now, or {@code expiresAt}),
 * protection, and/or idle suspension ({@code idleSuspend}: "5m", "0" for never, "inherit" to drop
 * the branch's own). Absent fields are left unchanged.
 */
public record UpdateBranchRequest(String ttl, Instant expiresAt, Boolean protectedBranch, String idleSuspend) {

    /** Compatible with callers that do not change idle suspension. */
    public UpdateBranchRequest(String ttl, Instant expiresAt, Boolean protectedBranch) {
        this(ttl, expiresAt, protectedBranch, null);
    }
}
