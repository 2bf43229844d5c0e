package dev.offshoot.branch;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.data.jdbc.repository.query.Modifying;
import org.springframework.data.jdbc.repository.query.Query;
import org.springframework.data.repository.ListCrudRepository;
import org.springframework.transaction.annotation.Transactional;

/**
 * Read-only transaction around every query method: an aggregate's collection is loaded by a second
 * query per row while the first query's result set is still open, and without a transaction that
 * second query takes a second pool connection. Enough concurrent reads then held every connection
 * while each waited for another (the pool deadlock of bulk deletes). In a transaction both queries
 * use one connection. CRUD methods keep their own (read-write) transactions.
 */
@Transactional(readOnly = true)
interface BranchRepository extends ListCrudRepository<Branch, UUID> {

    @Query("SELECT * FROM branch WHERE name = :name AND status <> 'DELETED'")
    Optional<Branch> findLiveByName(String name);

    @Query("SELECT * FROM branch WHERE status <> 'DELETED' ORDER BY created_at")
    List<Branch> findLive();

    /** Deleted rows still kept (offshoot.reaper.deleted-retention), oldest first. */
    @Query("SELECT * FROM branch WHERE status = 'DELETED' ORDER BY created_at")
    List<Branch> findDeleted();

    /**
     * Removes deleted rows older than the retention, at most {@code max} per call (labels and reader
     * rows go with them by cascade); returns how many went.
     */
    @Transactional
    @Modifying
    @Query("DELETE FROM branch WHERE id IN (SELECT id FROM branch WHERE status = 'DELETED' AND deleted_at < :before"
            + " ORDER BY deleted_at LIMIT :max)")
    int purgeDeleted(java.time.Instant before, int max);

    @Query("SELECT * FROM branch WHERE template_id = :templateId AND status <> 'DELETED'")
    List<Branch> findLiveByTemplate(UUID templateId);

    /**
     * Live branches for quotas: warm-pool members (created by {@link WarmPool#CREATOR}, parked or
     * still starting) are nobody's branch and do not count; a claimed one has its caller as creator.
     */
    @Query("SELECT count(*) FROM branch WHERE status <> 'DELETED' AND created_by <> '" + WarmPool.CREATOR + "'")
    long countLive();

    @Query("SELECT count(*) FROM branch WHERE status <> 'DELETED' AND created_by = :creator")
    long countLiveByCreator(String creator);

    /** Live throwaway branches (checks, diffs against a template revision) one creator started. */
    @Query("SELECT count(*) FROM branch b WHERE b.status <> 'DELETED' AND b.created_by = :creator AND EXISTS"
            + " (SELECT 1 FROM branch_label l WHERE l.branch_id = b.id AND l.key = '" + BranchAccess.THROWAWAY_LABEL
            + "')")
    long countLiveThrowawaysByCreator(String creator);

    /**
     * When (epoch milliseconds, oldest first) one creator's throwaway branches created after
     * {@code sinceMillis} were created, deleted ones included: what that creator started lately.
     */
    @Query("SELECT CAST(floor(extract(epoch FROM b.created_at) * 1000) AS bigint) FROM branch b"
            + " WHERE b.created_by = :creator AND b.created_at > to_timestamp(:sinceMillis / 1000.0) AND EXISTS"
            + " (SELECT 1 FROM branch_label l WHERE l.branch_id = b.id AND l.key = '" + BranchAccess.THROWAWAY_LABEL
            + "') ORDER BY b.created_at")
    List<Long> throwawaysCreatedSince(String creator, long sinceMillis);

    /** Warm-pool members, oldest first, and the members being started (CREATING rows of the pool). */
    @Query("SELECT * FROM branch WHERE created_by = :poolCreator AND status IN ('POOLED', 'CREATING')"
            + " ORDER BY created_at")
    List<Branch> findPoolMembers(String poolCreator);

    @Query("SELECT b.* FROM branch b"
            + " JOIN branch_label r ON r.branch_id = b.id AND r.key = 'repo' AND r.value = :repo"
            + " JOIN branch_label p ON p.branch_id = b.id AND p.key = 'pr' AND p.value = :pr"
            + " WHERE b.status <> 'DELETED'")
    List<Branch> findLiveByPullRequest(String repo, String pr);

    @Query("SELECT snapshot_image FROM branch WHERE status <> 'DELETED' AND snapshot_image IS NOT NULL")
    List<String> findLiveSnapshotImages();
}
