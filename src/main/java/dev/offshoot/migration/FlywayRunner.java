package dev.offshoot.migration;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.callback.Callback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;
import org.flywaydb.core.api.exception.FlywayValidateException;
import org.flywaydb.core.api.output.MigrateOutput;
import org.flywaydb.core.api.output.MigrateResult;
import org.flywaydb.core.internal.exception.FlywayMigrateException;

import dev.offshoot.branch.BranchAccess;
import dev.offshoot.error.OffshootException.Kind;
import dev.offshoot.error.OffshootException;

/**
 * Runs Flyway against a branch as the branch's owner role, from the request's files written to a
 * temporary folder: a trial on a copy and the real run go through the same configuration, so the
 * migrations' sessions look the same in both (role, database, connection parameters, settings). Each migration runs in its own transaction (Flyway's default), so a failing
 * one leaves the branch as it was before it; statements PostgreSQL cannot run in a transaction
 * (CREATE INDEX CONCURRENTLY) run outside one, as Flyway decides.
 */
final class FlywayRunner {

    /** Sees each migration start and end, on the migration's own connection and transaction. */
    interface Observer {
        void before(MigrationInfo migration, Connection connection);

        void after(MigrationInfo migration, Connection connection);
    }

    record Applied(String version, String description, String script, String type, long durationMs) {
    }

    record Outcome(String initialVersion, String schemaVersion, List<Applied> applied) {
    }

    private FlywayRunner() {
    }

    static Outcome migrate(BranchAccess.Endpoint branch, List<MigrationFile> files, Observer observer) {
        Path dir = write(files);
        try {
            Flyway flyway = configure(branch, dir, observer);
            MigrateResult result = flyway.migrate();
            return new Outcome(result.initialSchemaVersion, schemaVersion(flyway, result),
                    result.migrations.stream().map(FlywayRunner::applied).toList());
        } catch (FlywayException e) {
            throw problem(e, dir);
        } finally {
            delete(dir);
        }
    }

    private static OffshootException problem(FlywayException e, Path dir) {
        MigrationWatch.TrialDivergence diverged = MigrationFailure.find(e, MigrationWatch.TrialDivergence.class);
        if (diverged != null) {
            return new OffshootException(Kind.CONFLICT, "TRIAL_DIVERGED", diverged.getMessage() + ". It was rolled"
                    + " back; the migrations before it are applied. Either the branch changed since its check (check"
                    + " again), or the migration behaves differently on the copy than on the branch.")
                    .with("divergedMigration", diverged.migration()).with("beyond", diverged.beyond());
        }
        if (e instanceof FlywayValidateException) {
            return new OffshootException(Kind.CONFLICT, "MIGRATION_VALIDATION_FAILED", "the migrations do not match"
                    + " the branch's history (an applied migration was changed): " + withoutPaths(e.getMessage(), dir));
        }
        if (e instanceof FlywayMigrateException m) {
            return MigrationFailure.of(m, dir);
        }
        return new OffshootException(Kind.UNPROCESSABLE, "MIGRATION_FAILED", withoutPaths(e.getMessage(),
                dir));
    }

    private static Flyway configure(BranchAccess.Endpoint branch, Path dir, Observer observer) {
        var config = Flyway.configure()
                // Flyway's transactional advisory lock makes CREATE INDEX CONCURRENTLY wait for itself
                .configuration(Map.of("flyway.postgresql.transactional.lock", "false"))
                .dataSource(branch.jdbcUrl(), branch.ownerRole(), branch.ownerPassword())
                .locations("filesystem:" + dir)
                // a branch of a populated template has tables but no history yet: start it at version 0
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .cleanDisabled(true)
                .validateMigrationNaming(true)
                // a request may carry only the new migrations: applied ones it leaves out are fine
                .ignoreMigrationPatterns("*:missing", "*:future")
                .failOnMissingLocations(true)
                .connectRetries(0);
        if (observer != null) {
            config.callbacks(new ObserverCallback(observer));
        }
        return config.load();
    }

    /**
     * The version the branch is at: the last one applied when every migration applied was
     * versioned, otherwise as Flyway's info reads it back (several queries, so only when needed).
     */
    private static String schemaVersion(Flyway flyway, MigrateResult result) {
        boolean allVersioned = !result.migrations.isEmpty()
                && result.migrations.stream().allMatch(m -> m.version != null && !m.version.isEmpty());
        if (allVersioned && result.targetSchemaVersion != null && !result.targetSchemaVersion.isEmpty()) {
            return result.targetSchemaVersion;
        }
        return schemaVersion(flyway);
    }

    private static String schemaVersion(Flyway flyway) {
        MigrationInfo current = flyway.info().current();
        return current == null || current.getVersion() == null ? null : current.getVersion().getVersion();
    }

    private static Applied applied(MigrateOutput m) {
        return new Applied(m.version == null || m.version.isEmpty() ? null : m.version, m.description,
                Path.of(m.filepath).getFileName().toString(), m.type, m.executionTime);
    }

    static String withoutPaths(String message, Path dir) {
        return message == null ? "" : message.replace(dir.toString() + "/", "").replace(dir.toString(), "");
    }

    private static Path write(List<MigrationFile> files) {
        try {
            Path dir = Files.createTempDirectory("offshoot-migrations-");
            for (MigrationFile file : files) {
                Files.writeString(dir.resolve(file.name()), file.sql());
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover temp folder is harmless
        }
    }

    private record ObserverCallback(Observer observer) implements Callback {

        @Override
        public boolean supports(Event event, Context context) {
            return event == Event.BEFORE_EACH_MIGRATE || event == Event.AFTER_EACH_MIGRATE;
        }

        @Override
        public boolean canHandleInTransaction(Event event, Context context) {
            return true;
        }

        @Override
        public void handle(Event event, Context context) {
            if (event == Event.BEFORE_EACH_MIGRATE) {
                observer.before(context.getMigrationInfo(), context.getConnection());
            } else {
                observer.after(context.getMigrationInfo(), context.getConnection());
            }
        }

        @Override
        public String getCallbackName() {
            return "offshoot-observer";
        }
    }
}
