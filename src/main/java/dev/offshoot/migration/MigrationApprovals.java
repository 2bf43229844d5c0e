package dev.offshoot.migration;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

import dev.offshoot.audit.AuditLog;
import dev.offshoot.branch.BranchAccess;

/**
 * Single-use approvals of a migration set that failed its policy: each is bound to one branch and
 * to the set's checksum, and is spent by the first apply that uses it. Issuing and spending are audited.
 */
@Service
class MigrationApprovals {

    private final JdbcClient jdbc;
    private final AuditLog audit;
    private final BranchAccess branches;

    MigrationApprovals(JdbcClient jdbc, AuditLog audit, BranchAccess branches) {
        this.jdbc = jdbc;
        this.audit = audit;
        this.branches = branches;
    }

    record Approval(String id, String branch, String checksum, String createdBy, Instant createdAt) {
    }

    /** SHA-256 over the set in apply order: each file's name and SQL, NUL-separated; hex. */
    static String checksum(List<MigrationFile> files) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (MigrationFile f : files) {
                sha.update(f.name().getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
                sha.update(f.sql().getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An approval for a live branch the caller sees (BRANCH_NOT_FOUND otherwise). */
    Approval create(String branch, String checksum, String actor, String channel) {
        branches.origin(branch);
        Approval approval = new Approval(UUID.randomUUID().toString(), branch, checksum, actor, Instant.now());
        jdbc.sql("INSERT INTO migration_approval (id, branch, checksum, created_by, created_at) VALUES (?, ?, ?, ?, ?)")
                .params(UUID.fromString(approval.id()), branch, checksum, actor, Timestamp.from(approval.createdAt()))
                .update();
        audit.record(actor, channel, "branch.migrations.approve", "branch", branch, true, null,
                "approval " + approval.id() + " for set " + checksum.substring(0, 12));
        return approval;
    }

    /** Spends the approval if it is unused and was issued for this branch and this exact set. */
    boolean spend(String id, String branch, String checksum, String actor, String channel) {
        UUID uuid;
        try {
            uuid = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            return false;
        }
        boolean spent = jdbc.sql("UPDATE migration_approval SET used_at = ?, used_by = ? WHERE id = ? AND branch = ?"
                + " AND checksum = ? AND used_at IS NULL")
                .params(Timestamp.from(Instant.now()), actor, uuid, branch, checksum).update() == 1;
        audit.record(actor, channel, "branch.migrations.approval-use", "branch", branch, spent, null,
                "approval " + id + (spent ? " spent" : " refused: unknown, used, or for another branch or set"));
        return spent;
    }
}
