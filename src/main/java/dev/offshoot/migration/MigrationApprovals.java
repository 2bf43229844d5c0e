package dev.offshoot.migration;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import tools.jackson.databind.json.JsonMapper;

import dev.offshoot.audit.AuditLog;
import dev.offshoot.branch.BranchAccess;
import dev.offshoot.config.MigrationProperties;
import dev.offshoot.error.OffshootException.Kind;
import dev.offshoot.error.OffshootException;

/**
 * Single-use approvals of a migration set that failed its policy. Each is bound to one branch by
 * its id (a branch deleted and created again under the same name is another branch), to the
 * set's checksum, and to an expiry; it keeps the SQL it approved, and is spent by the first apply
 * that uses it (one atomic update, so two applies cannot both spend it). Only a set that was
 * checked on that branch can be approved: every check is recorded here with its verdict, and the
 * set itself when it failed. Issuing and spending are audited.
 */
@Service
class MigrationApprovals {

    /** How long a check record is kept for approvals to refer to. */
    private static final Duration CHECKS_KEPT = Duration.ofDays(7);

    private final JdbcClient jdbc;
    private final AuditLog audit;
    private final BranchAccess branches;
    private final MigrationProperties properties;
    private final JsonMapper json;

    MigrationApprovals(JdbcClient jdbc, AuditLog audit, BranchAccess branches, MigrationProperties properties,
            JsonMapper json) {
        this.jdbc = jdbc;
        this.audit = audit;
        this.branches = branches;
        this.properties = properties;
        this.json = json;
    }

    /** @param migrations the names of the approved files, in apply order */
    record Approval(String id, String branch, UUID branchId, String checksum, List<String> migrations,
            String createdBy, Instant createdAt, Instant expiresAt) {
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

    /** Records a check of a set on a branch: its verdict, and the set when it failed (what an approval lets through). */
    void checked(UUID branchId, String checksum, String verdict, List<MigrationFile> files, String actor) {
        String sql = Verdicts.FAIL.equals(verdict) ? json.writeValueAsString(asJson(files)) : null;
        Timestamp now = Timestamp.from(Instant.now());
        jdbc.sql("INSERT INTO migration_check (branch_id, checksum, verdict, migrations, checked_by, checked_at)"
                + " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (branch_id, checksum) DO UPDATE SET verdict = EXCLUDED.verdict,"
                + " migrations = coalesce(EXCLUDED.migrations, migration_check.migrations),"
                + " checked_by = EXCLUDED.checked_by, checked_at = EXCLUDED.checked_at")
                .params(branchId, checksum, verdict, sql, actor, now).update();
        jdbc.sql("DELETE FROM migration_check WHERE checked_at < ?")
                .param(Timestamp.from(Instant.now().minus(CHECKS_KEPT))).update();
    }

    /**
     * An approval for a live branch the caller sees (BRANCH_NOT_FOUND otherwise) of a set checked
     * on it (409 SET_NOT_CHECKED otherwise).
     *
     * @param files the set when the request carried it, or null when it named only the checksum
     */
    Approval create(String branch, String checksum, List<MigrationFile> files, String actor, String channel) {
        UUID branchId = branches.id(branch);
        String checkedSet = checkedSet(branch, branchId, checksum, files != null);
        String stored = files != null ? json.writeValueAsString(asJson(files)) : checkedSet;
        Instant now = Instant.now();
        Approval approval = new Approval(UUID.randomUUID().toString(), branch, branchId, checksum, names(stored),
                actor, now, now.plus(properties.approvalTtl()));
        jdbc.sql("INSERT INTO migration_approval (id, branch, branch_id, checksum, migrations, created_by, created_at,"
                + " expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
                .params(UUID.fromString(approval.id()), branch, branchId, checksum, stored, actor,
                        Timestamp.from(now), Timestamp.from(approval.expiresAt())).update();
        audit.record(actor, channel, "branch.migrations.approve", "branch", branch, true, null,
                "approval " + approval.id() + " for set " + checksum.substring(0, 12) + " on branch id " + branchId
                        + ", expires " + approval.expiresAt());
        return approval;
    }

    /**
     * Spends the approval if it is unused, unexpired, and was issued for this branch (by id) and
     * this exact set. Returns null when spent, otherwise why not.
     */
    String spend(String id, String branch, UUID branchId, String checksum, String actor, String channel) {
        Optional<UUID> uuid = uuid(id);
        Timestamp now = Timestamp.from(Instant.now());
        boolean spent = uuid.isPresent() && jdbc.sql("UPDATE migration_approval SET used_at = ?, used_by = ?"
                + " WHERE id = ? AND branch_id = ? AND checksum = ? AND used_at IS NULL AND expires_at > ?")
                .params(now, actor, uuid.get(), branchId, checksum, now).update() == 1;
        String refusal = spent ? null : refusal(uuid, branchId, checksum);
        audit.record(actor, channel, "branch.migrations.approval-use", "branch", branch, spent, null,
                "approval " + id + (spent ? " spent" : " refused: " + refusal));
        return refusal;
    }

    private String refusal(Optional<UUID> id, UUID branchId, String checksum) {
        Optional<Map<String, Object>> row = id.flatMap(uuid -> jdbc.sql("SELECT branch_id, checksum, used_at,"
                + " expires_at FROM migration_approval WHERE id = ?").param(uuid).query().listOfRows().stream()
                .findFirst());
        if (row.isEmpty()) {
            return "it is unknown";
        }
        Map<String, Object> r = row.get();
        if (r.get("used_at") != null) {
            return "it was already used";
        }
        if (!branchId.equals(r.get("branch_id"))) {
            return "it was issued for another branch (a branch of the same name that was deleted counts as another)";
        }
        if (!checksum.equals(r.get("checksum"))) {
            return "it was issued for another migration set";
        }
        return "it expired at " + ((Timestamp) r.get("expires_at")).toInstant();
    }

    /**
     * The set as its check stored it (null when it did not fail); SET_NOT_CHECKED when it was never
     * checked on this branch, APPROVAL_NOT_NEEDED when it passed and the request did not send it.
     */
    private String checkedSet(String branch, UUID branchId, String checksum, boolean setSent) {
        Optional<Map<String, Object>> check = jdbc.sql("SELECT verdict, migrations FROM migration_check"
                + " WHERE branch_id = ? AND checksum = ?").params(branchId, checksum).query().listOfRows().stream()
                .findFirst();
        if (check.isEmpty()) {
            throw new OffshootException(Kind.CONFLICT, "SET_NOT_CHECKED", "set " + checksum + " was never checked"
                    + " on branch '" + branch + "' (or not in the last " + CHECKS_KEPT.toDays() + " days): check it"
                    + " first (POST /api/v1/branches/" + branch + "/migrations/check, or MCP check_migrations),"
                    + " then approve the checksum it reports");
        }
        if (check.get().get("migrations") == null && !setSent) {
            throw new OffshootException(Kind.CONFLICT, "APPROVAL_NOT_NEEDED", "set " + checksum + " passed the"
                    + " policy when it was checked on branch '" + branch + "' (verdict " + check.get().get("verdict")
                    + "): apply it without an approval, or send the set itself to approve it anyway");
        }
        return (String) check.get().get("migrations");
    }

    private static List<Map<String, String>> asJson(List<MigrationFile> files) {
        return files.stream().map(f -> Map.of("name", f.name(), "sql", f.sql())).toList();
    }

    private List<String> names(String stored) {
        return json.readTree(stored).valueStream().map(m -> m.get("name").asString()).toList();
    }

    private static Optional<UUID> uuid(String id) {
        try {
            return Optional.of(UUID.fromString(id));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
