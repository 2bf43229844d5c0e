package dev.offshoot.migration;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.Timer;

import dev.offshoot.branch.BranchAccess;
import dev.offshoot.error.OffshootException;

/**
 * One run of a set on a throwaway copy of its target, and what it did there. Offshoot's own
 * sessions come before and after it, never beside it: one reads the schema, the relations and
 * their rows, and closes; then Flyway runs the set as the branch's owner, exactly as a real apply
 * does, watched only from inside its own session (MigrationWatch); then one reads it all again.
 */
final class CopyTrial {

    /** What the set did on the copy; {@code failure} is a failed or timed-out run's details. */
    record Result(long at, long durationMs, String initialVersion, String schemaVersion,
            List<FlywayRunner.Applied> migrations, List<MigrationWatch.LockTaken> locks,
            List<MigrationWatch.Rewrite> rewrites, List<TrialEffects.Effect> effects,
            Map<String, MigrationEffects> perMigration, List<MigrationLint.Finding> lint, SchemaDiff diff,
            Map<String, Object> failure) {
    }

    /** The state before or after the set: schema, relations by oid, their rows. */
    private record Snapshot(Schema schema, Relations relations, Map<Long, Relations.Rows> rows) {
    }

    private CopyTrial() {
    }

    /** @param timers where the phases' durations go ({@code offshoot.check}) */
    static Result run(BranchAccess.Endpoint copy, List<MigrationFile> files, long maxExactBytes,
            TrialDeadline deadline, CheckTimers timers) throws SQLException {
        long start = System.nanoTime();
        Snapshot before = CheckTimers.timed(timers.inspect, () -> snapshot(copy, null, maxExactBytes));
        List<MigrationLint.Finding> lint = timers.lint.record(() -> MigrationLint.lint(files, before.schema()));
        MigrationWatch watch = new MigrationWatch(before.relations(), null);
        FlywayRunner.Outcome outcome = null;
        Map<String, Object> failure = null;
        try {
            outcome = timers.migrate.record(() -> FlywayRunner.migrate(copy, files, watch));
        } catch (OffshootException e) {
            failure = failure(e, deadline, watch);
        }
        if (deadline.passed()) {
            return timedOut(start, lint, before, deadline, watch);
        }
        Snapshot after = CheckTimers.timed(timers.inspect, () -> snapshot(copy, before.relations(), maxExactBytes));
        Timer.Sample working = Timer.start();
        SchemaDiff diff = SchemaDiff.between(before.schema(), after.schema());
        List<TrialEffects.Effect> effects = TrialEffects.of(new TrialEffects.Measured(before.relations(),
                before.rows(), after.relations(), after.rows(), watch.effects(), before.schema(), after.schema(), diff));
        working.stop(timers.effects);
        // migrations the branch already has are skipped by Flyway: their statements do not run again
        List<String> ran = outcome == null ? null
                : outcome.applied().stream().map(FlywayRunner.Applied::script).toList();
        List<MigrationLint.Finding> pending = ran == null ? lint
                : lint.stream().filter(f -> ran.contains(f.migration())).toList();
        return new Result(System.nanoTime(), (System.nanoTime() - start) / 1_000_000,
                outcome == null ? null : outcome.initialVersion(), outcome == null ? null : outcome.schemaVersion(),
                outcome == null ? List.of() : outcome.applied(), watch.locks(), watch.rewrites(), effects,
                watch.effects(), pending, diff, failure);
    }

    /** A trial stopped at its deadline before anything was read: only the failure. */
    static Result timedOut(long start, TrialDeadline deadline) {
        Schema empty = new Schema(List.of(), List.of(), List.of(), List.of(), List.of());
        return new Result(System.nanoTime(), (System.nanoTime() - start) / 1_000_000, null, null, List.of(),
                List.of(), List.of(), List.of(), Map.of(), List.of(), SchemaDiff.between(empty, empty),
                timeout(deadline, null));
    }

    /** A trial stopped at its deadline: what the text says, what finished, and the failure. */
    private static Result timedOut(long start, List<MigrationLint.Finding> lint, Snapshot before,
            TrialDeadline deadline, MigrationWatch watch) {
        return new Result(System.nanoTime(), (System.nanoTime() - start) / 1_000_000, null, null, List.of(),
                watch.locks(), watch.rewrites(), List.of(), watch.effects(), lint,
                SchemaDiff.between(before.schema(), before.schema()), timeout(deadline, watch));
    }

    private static Snapshot snapshot(BranchAccess.Endpoint copy, Relations earlier, long maxExactBytes)
            throws SQLException {
        try (Connection db = copy.inspector()) {
            Schema schema = SchemaInspector.inspect(db);
            Relations relations = Relations.read(db);
            Relations counted = earlier == null ? relations : earlier;
            return new Snapshot(schema, relations, relations.rows(db, maxExactBytes, oid -> counted.get(oid) != null));
        }
    }

    private static Map<String, Object> failure(OffshootException e, TrialDeadline deadline, MigrationWatch watch) {
        if (deadline.passed()) {
            return timeout(deadline, watch);
        }
        if (!e.code().startsWith("MIGRATION_")) {
            throw e;
        }
        Map<String, Object> failure = new LinkedHashMap<>();
        failure.put("code", e.code());
        failure.put("detail", e.getMessage());
        failure.put("migration", e.properties().get("migration"));
        return failure;
    }

    private static Map<String, Object> timeout(TrialDeadline deadline, MigrationWatch watch) {
        String running = watch == null ? null : watch.running();
        Map<String, Object> failure = new LinkedHashMap<>();
        failure.put("code", "CHECK_TIMEOUT");
        failure.put("detail", "the set did not finish on the copy within " + deadline.timeout()
                + " (offshoot.migration.check-timeout)" + (running == null ? "" : ": " + running + " was running"));
        // shaped like a failed migration's details: the running one was terminated, so rolled back if transactional
        Map<String, Object> migration = new LinkedHashMap<>();
        migration.put("script", running);
        for (String unknown : List.of("version", "description", "statement", "line")) {
            migration.put(unknown, null);
        }
        migration.put("sqlState", "57P01");
        migration.put("message", failure.get("detail"));
        migration.put("position", null);
        migration.put("rolledBack", true);
        failure.put("migration", migration);
        return failure;
    }
}
