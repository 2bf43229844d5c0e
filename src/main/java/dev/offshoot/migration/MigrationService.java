package dev.offshoot.migration;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.stereotype.Service;

import dev.offshoot.auth.CurrentPrincipal;
import dev.offshoot.auth.Principal;
import dev.offshoot.auth.Scope;
import dev.offshoot.branch.BranchAccess;
import dev.offshoot.config.MigrationProperties;
import dev.offshoot.error.OffshootException.Kind;
import dev.offshoot.error.OffshootException;
import dev.offshoot.naming.NamedLocks;
import dev.offshoot.naming.SharedLocks;

/** Migrations on branches: apply, history, and checks on a throwaway copy of the target. */
@Service
class MigrationService {

    private static final Logger log = LoggerFactory.getLogger(MigrationService.class);

    private final BranchAccess branches;
    private final MigrationProperties properties;
    private final NamedLocks locks;
    private final MeterRegistry meters;

    MigrationService(BranchAccess branches, MigrationProperties properties, SharedLocks sharedLocks,
            MeterRegistry meters) {
        this.meters = meters;
        // a kind of its own: a migration run waits for another run on the branch, not for its reset
        this.locks = new NamedLocks("migration", NamedLocks.DEFAULT_WAIT, sharedLocks);
        this.branches = branches;
        this.properties = properties;
    }

    /**
     * @param diff        what the run changed in the schema, to hold against its trial's
     * @param divergences what non-transactional migrations did beyond their trial (they had committed)
     */
    record Run(String branch, String initialVersion, String schemaVersion, int migrationsExecuted,
            List<FlywayRunner.Applied> applied, SchemaDiff diff, List<String> divergences) {
    }

    record HistoryEntry(int installedRank, String version, String description, String type, String script,
            Integer checksum, String installedBy, Instant installedOn, long durationMs, boolean success) {
    }

    record History(String branch, String schemaVersion, List<HistoryEntry> items) {
    }

    MigrationUploads uploads() {
        return new MigrationUploads(properties.maxPayloadBytes(), properties.maxFiles());
    }

    /**
     * Runs the set for real, guarded by its trial's effects (see MigrationWatch): a migration that
     * does to the branch what it did not do to the copy is rolled back (409 TRIAL_DIVERGED). One
     * migration run per branch at a time: Flyway's own lock would make the second wait anyway.
     * Like the trial, it reads the branch on a session of its own just before Flyway starts and
     * just after it ends, and watches the migrations only from inside their own session.
     */
    Run apply(BranchAccess.Target target, List<MigrationFile> files, Map<String, MigrationEffects> trial) {
        Timer.Sample sample = Timer.start(meters);
        String outcome = "failure";
        try {
            Run run = applyLocked(target, files, trial);
            outcome = "success";
            return run;
        } finally {
            sample.stop(Timer.builder("offshoot.migration.apply").tag("outcome", outcome)
                    .description("migration sets run for real on a branch (after their check), from the lock to"
                            + " the schema read after Flyway").publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofMillis(5)).maximumExpectedValue(Duration.ofMinutes(30))
                    .register(meters));
        }
    }

    private Run applyLocked(BranchAccess.Target target, List<MigrationFile> files,
            Map<String, MigrationEffects> trial) {
        String branch = target.name();
        return locks.withLock(branch, () -> {
            BranchAccess.Endpoint endpoint = target.endpoint();
            Schema before;
            Relations relations;
            try (Connection db = endpoint.inspector()) {
                before = SchemaInspector.inspect(db);
                relations = Relations.read(db);
            } catch (SQLException e) {
                throw unavailable(branch, e);
            }
            MigrationWatch watch = new MigrationWatch(relations, trial);
            FlywayRunner.Outcome outcome;
            try {
                outcome = FlywayRunner.migrate(endpoint, files, watch);
            } catch (OffshootException e) {
                throw e.code().equals("TRIAL_DIVERGED") ? e.with("appliedBefore", List.copyOf(watch.effects()
                        .keySet()).subList(0, Math.max(0, watch.effects().size() - 1))) : e;
            }
            log.info("branch {}: {} migration(s) applied, schema version {}", branch, outcome.applied().size(),
                    outcome.schemaVersion());
            SchemaDiff diff = SchemaDiff.between(before, inspect(endpoint));
            return new Run(branch, outcome.initialVersion(), outcome.schemaVersion(), outcome.applied().size(),
                    outcome.applied(), diff, watch.divergences());
        });
    }

    History history(String branch) {
        return history(branches.endpoint(branch));
    }

    /** The Flyway history of a branch already resolved. */
    History history(BranchAccess.Endpoint endpoint) {
        String branch = endpoint.branch();
        List<HistoryEntry> items = new ArrayList<>();
        try (Connection db = owner(endpoint)) {
            boolean exists;
            try (var rs = db.createStatement().executeQuery("SELECT to_regclass('" + SchemaDiff.HISTORY_TABLE
                    + "') IS NOT NULL")) {
                rs.next();
                exists = rs.getBoolean(1);
            }
            if (exists) {
                SchemaInspector.query(db, "SELECT installed_rank, version, description, type, script, checksum,"
                        + " installed_by, installed_on, execution_time, success FROM " + SchemaDiff.HISTORY_TABLE
                        + " ORDER BY installed_rank", rs -> items.add(new HistoryEntry(rs.getInt(1), rs.getString(2),
                                rs.getString(3), rs.getString(4), rs.getString(5), (Integer) rs.getObject(6),
                                rs.getString(7), rs.getTimestamp(8).toInstant(), rs.getLong(9), rs.getBoolean(10))));
            }
        } catch (SQLException e) {
            throw unavailable(branch, e);
        }
        String version = items.stream().filter(i -> i.success() && i.version() != null)
                .reduce((a, b) -> b).map(HistoryEntry::version).orElse(null);
        return new History(branch, version, items);
    }

    /** Catalog of a live branch, read as its owner (catalogs show every object to every role). */
    Schema inspect(String branch) {
        return inspect(branches.endpoint(branch));
    }

    Schema inspect(BranchAccess.Endpoint endpoint) {
        try (Connection db = endpoint.inspector()) {
            return SchemaInspector.inspect(db);
        } catch (SQLException e) {
            throw unavailable(endpoint.branch(), e);
        }
    }

    /**
     * Runs SQL on a branch as REST and MCP callers send it.
     *
     * @param timeout the statement timeout as the caller wrote it ("5s", "PT5S"), or null for the default
     */
    SqlRunner.Run sql(String branch, String sql, Integer maxRows, String timeout, boolean readOnly) {
        Duration asked = timeout(timeout);
        if (sql != null && sql.length() > properties.maxPayloadBytes()) {
            throw new OffshootException(Kind.TOO_LARGE, "PAYLOAD_TOO_LARGE", "the SQL exceeds "
                    + properties.maxPayloadBytes() + " bytes (offshoot.migration.max-payload-bytes)");
        }
        int rows = maxRows == null ? properties.defaultMaxRows() : maxRows;
        if (rows < 0 || rows > properties.maxRows()) {
            throw OffshootException.invalid("INVALID_LIMIT", "maxRows must be between 0 and " + properties.maxRows());
        }
        Duration effective = asked == null ? properties.defaultStatementTimeout() : asked;
        if (effective.isNegative() || effective.isZero() || effective.compareTo(properties.maxStatementTimeout()) > 0) {
            throw OffshootException.invalid("INVALID_LIMIT", "timeout must be positive and at most "
                    + properties.maxStatementTimeout());
        }
        // a token without the write scope may read, never write, and so may a token whose SQL is
        // read-only (it changes schemas through the migration gate): their statements run read-only
        Principal caller = CurrentPrincipal.get();
        boolean byToken = caller.sqlReadOnly() && !readOnly;
        try {
            return SqlRunner.run(branches.endpoint(branch), sql, rows, effective,
                    readOnly || byToken || !caller.has(Scope.WRITE));
        } catch (OffshootException e) {
            if (byToken && SqlRunner.wroteInReadOnly(e)) {
                throw sqlReadOnlyToken(branch, e);
            }
            throw e;
        }
    }

    /** A statement timeout as clients write it; null when they leave it out. */
    static Duration timeout(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return DurationStyle.detectAndParse(text);
        } catch (IllegalArgumentException | DateTimeParseException e) {
            throw OffshootException.invalid("INVALID_LIMIT", "timeout '" + text + "' is not a duration (e.g. 5s, PT5S)");
        }
    }

    /** The server refused a write (25006) because the caller's token has read-only SQL: say where writes go. */
    private static OffshootException sqlReadOnlyToken(String branch, OffshootException refused) {
        return new OffshootException(Kind.FORBIDDEN, "SQL_READ_ONLY_TOKEN", "this token's SQL is read-only"
                + " (sqlReadOnly): change the schema with migrations the gate checks, check_migrations then"
                + " apply_migrations (REST: POST /api/v1/branches/" + branch + "/migrations/check, then"
                + " /migrations); data changes go in migrations too, or through your application's own"
                + " connection. The server said: " + refused.getMessage())
                .with("sqlError", refused.properties().get("sqlError"));
    }

    static Connection owner(BranchAccess.Endpoint endpoint) throws SQLException {
        return endpoint.owner();
    }

    static OffshootException unavailable(String branch, SQLException e) {
        return new OffshootException(Kind.UNAVAILABLE, "BRANCH_UNREACHABLE", "branch '" + branch
                + "' did not answer: " + e.getMessage(), true);
    }
}
