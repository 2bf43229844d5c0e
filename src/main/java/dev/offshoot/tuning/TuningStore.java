package dev.offshoot.tuning;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Tunings in the metadata store, so that one prepared on one replica completes on another and
 * survives a restart. A tuning is KEPT while its throwaway copy may be completed, then COMPLETED
 * (its migration applied) or DISCARDED; one past its expiry is over whatever its status says.
 */
@Repository
class TuningStore {

    static final String KEPT = "KEPT";
    static final String COMPLETED = "COMPLETED";
    static final String DISCARDED = "DISCARDED";
    /** How long a finished tuning stays readable. */
    private static final Duration KEPT_ON_RECORD = Duration.ofDays(7);

    private final JdbcClient jdbc;

    TuningStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * @param report    the report as JSON
     * @param migration the migration checked or applied, as JSON, or null
     */
    record Row(UUID id, UUID branchId, String branch, String throwaway, String status, String statement,
            String report, String migration, String createdBy, Instant createdAt, Instant expiresAt,
            Instant completedAt) {

        boolean open(Instant now) {
            return KEPT.equals(status) && now.isBefore(expiresAt);
        }
    }

    void insert(Row row) {
        jdbc.sql("INSERT INTO query_tuning (id, branch_id, branch, throwaway, status, statement, report, migration,"
                + " created_by, created_at, expires_at) VALUES (:id, :branchId, :branch, :throwaway, :status,"
                + " :statement, :report, :migration, :createdBy, :createdAt, :expiresAt)")
                .param("id", row.id()).param("branchId", row.branchId()).param("branch", row.branch())
                .param("throwaway", row.throwaway()).param("status", row.status()).param("statement", row.statement())
                .param("report", row.report()).param("migration", row.migration()).param("createdBy", row.createdBy())
                .param("createdAt", Timestamp.from(row.createdAt())).param("expiresAt", Timestamp.from(row.expiresAt()))
                .update();
    }

    Optional<Row> find(UUID id) {
        return jdbc.sql("SELECT id, branch_id, branch, throwaway, status, statement, report, migration, created_by,"
                + " created_at, expires_at, completed_at FROM query_tuning WHERE id = :id").param("id", id)
                .query((rs, n) -> new Row(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getString(3),
                        rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8),
                        rs.getString(9), rs.getTimestamp(10).toInstant(), rs.getTimestamp(11).toInstant(),
                        rs.getTimestamp(12) == null ? null : rs.getTimestamp(12).toInstant()))
                .optional();
    }

    /** The creator's tunings still kept, oldest first. */
    List<UUID> keptBy(String creator, Instant now) {
        return jdbc.sql("SELECT id FROM query_tuning WHERE created_by = :creator AND status = :kept AND expires_at > :now"
                + " ORDER BY created_at").param("creator", creator).param("kept", KEPT).param("now", Timestamp.from(now))
                .query(UUID.class).list();
    }

    /** Records the migration a completion checked, while the tuning stays kept. */
    void checked(UUID id, String migration) {
        jdbc.sql("UPDATE query_tuning SET migration = :migration WHERE id = :id AND status = :kept")
                .param("migration", migration).param("id", id).param("kept", KEPT).update();
    }

    /**
     * Ends a kept tuning (COMPLETED or DISCARDED); false when it had ended already, so that of two
     * concurrent completions one ends it.
     */
    boolean end(UUID id, String status, String migration, Instant at) {
        return jdbc.sql("UPDATE query_tuning SET status = :status, migration = coalesce(:migration, migration),"
                + " throwaway = NULL, completed_at = :at WHERE id = :id AND status = :kept")
                .param("status", status).param("migration", migration).param("at", Timestamp.from(at))
                .param("id", id).param("kept", KEPT).update() == 1;
    }

    /** Forgets tunings created long ago, finished or not (their throwaways are long reaped). */
    int prune(Instant now) {
        return jdbc.sql("DELETE FROM query_tuning WHERE created_at < :before")
                .param("before", Timestamp.from(now.minus(KEPT_ON_RECORD))).update();
    }
}
