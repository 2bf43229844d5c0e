package dev.offshoot.branch;

import java.time.Instant;

/**
 * Body of PATCH /api/v1/branches/{name}: a new expiry ({@code ttl} from now, or {@code expiresAt})
 * and/or protection. Absent fields are left unchanged.
 */
public record UpdateBranchRequest(String ttl, Instant expiresAt, Boolean protectedBranch) {
}
