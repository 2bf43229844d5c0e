package dev.offshoot.migration;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

import dev.offshoot.branch.BranchAccess;
import dev.offshoot.config.MigrationProperties;
import dev.offshoot.web.ApiException;

/**
 * Tries migrations on a throwaway branch of the target and reports what they would do: per
 * migration durations, locks on relations that existed before, table rewrites, the schema diff and
 * lint findings. The target is never touched; the throwaway is deleted whatever happens.
 */
@Service
class MigrationCheck {

    private static final Logger log = LoggerFactory.getLogger(MigrationCheck.class);

    private final BranchAccess branches;
    private final MigrationService migrations;
    private final MigrationProperties properties;

    MigrationCheck(BranchAccess branches, MigrationService migrations, MigrationProperties properties) {
        this.branches = branches;
        this.migrations = migrations;
        this.properties = properties;
    }

    /**
     * @param passed  false when a migration failed (then {@code failure} says where and why)
     * @param failure the MIGRATION_FAILED or MIGRATION_VALIDATION_FAILED problem's details
     */
    record Report(String branch, boolean passed, long durationMs, String initialVersion, String schemaVersion,
            List<FlywayRunner.Applied> migrations, List<LockWatch.LockTaken> locks, List<LockWatch.Rewrite> rewrites,
            List<MigrationLint.Finding> lint, SchemaDiff diff, String diffText, Map<String, Object> failure) {
    }

    Report check(String target, List<MigrationFile> files) {
        branches.endpoint(target);
        long start = System.nanoTime();
        String throwaway = branches.throwawayOfBranch(target, "check");
        try {
            BranchAccess.Endpoint endpoint = branches.endpoint(throwaway);
            Schema before = migrations.inspect(endpoint);
            List<MigrationLint.Finding> lint = MigrationLint.lint(files, before);
            try (LockWatch watch = new LockWatch(endpoint, properties.lockPollInterval())) {
                FlywayRunner.Outcome outcome = null;
                Map<String, Object> failure = null;
                try {
                    outcome = FlywayRunner.migrate(endpoint, files, watch);
                } catch (ApiException e) {
                    failure = failure(e);
                }
                List<LockWatch.LockTaken> locks = watch.locks();
                List<LockWatch.Rewrite> rewrites = watch.rewrites();
                SchemaDiff diff = SchemaDiff.between(before, migrations.inspect(endpoint));
                long took = (System.nanoTime() - start) / 1_000_000;
                log.info("check of {} migration(s) on a copy of {}: {} in {} ms", files.size(), target,
                        failure == null ? "passed" : "failed", took);
                return new Report(target, failure == null, took, outcome == null ? null : outcome.initialVersion(),
                        outcome == null ? null : outcome.schemaVersion(),
                        outcome == null ? List.of() : outcome.applied(), locks, rewrites, lint, diff,
                        DiffText.render(diff), failure);
            }
        } catch (SQLException e) {
            throw MigrationService.unavailable(throwaway, e);
        } finally {
            branches.deleteThrowaway(throwaway);
        }
    }

    private static Map<String, Object> failure(ApiException e) {
        if (!e.code().startsWith("MIGRATION_")) {
            throw e;
        }
        Map<String, Object> failure = new java.util.LinkedHashMap<>();
        failure.put("code", e.code());
        failure.put("detail", e.getMessage());
        failure.put("migration", e.properties().get("migration"));
        return failure;
    }
}
