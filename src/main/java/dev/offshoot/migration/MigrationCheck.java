package dev.offshoot.migration;

import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Service;

import dev.offshoot.auth.CurrentPrincipal;
import dev.offshoot.auth.TokenAuthentication;
import dev.offshoot.branch.BranchAccess;
import dev.offshoot.config.MigrationProperties;
import dev.offshoot.web.ApiException;

/**
 * Tries migrations on a throwaway branch of the target and reports what they would do: per
 * migration durations, locks on relations that existed before, table rewrites, the schema diff,
 * lint findings, and the verdict of the target's template policy on all of it. The target is
 * never touched; the throwaway is deleted whatever happens, after the answer. The last trials are kept for a few
 * minutes, so that an apply of the set just checked does not run it on a throwaway again, as long
 * as the branch's Flyway history has not changed since.
 */
@Service
class MigrationCheck {

    private static final Logger log = LoggerFactory.getLogger(MigrationCheck.class);
    private static final Duration REUSE = Duration.ofMinutes(10);
    private static final int KEPT = 64;
    private static final Executor HISTORY = Executors.newVirtualThreadPerTaskExecutor();

    private final BranchAccess branches;
    private final MigrationService migrations;
    private final MigrationProperties properties;
    private final MigrationPolicies policies;
    private final Map<String, Trial> recent = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Trial> eldest) {
            return size() > KEPT;
        }
    };

    MigrationCheck(BranchAccess branches, MigrationService migrations, MigrationProperties properties,
            MigrationPolicies policies) {
        this.branches = branches;
        this.migrations = migrations;
        this.properties = properties;
        this.policies = policies;
    }

    /** Which policy decided: the template's own or the service-wide default, and its mode. */
    record PolicyRef(String template, String source, String mode) {
    }

    /**
     * @param verdict  pass, warn or fail under the policy; {@code findings} are what decided it
     * @param passed   verdict != fail (a failed migration always fails)
     * @param checksum the set's checksum, which an approval is bound to
     * @param reused   whether the trial on a throwaway was reused from a check of the same set
     * @param failure  the MIGRATION_FAILED or MIGRATION_VALIDATION_FAILED problem's details
     */
    record Report(String branch, String verdict, boolean passed, List<Verdicts.Decision> findings, PolicyRef policy,
            String checksum, boolean reused, long durationMs, String initialVersion, String schemaVersion,
            List<FlywayRunner.Applied> migrations, List<LockWatch.LockTaken> locks, List<LockWatch.Rewrite> rewrites,
            List<MigrationLint.Finding> lint, SchemaDiff diff, String diffText, Map<String, Object> failure) {
    }

    /** What running the set on a throwaway showed, before any policy. */
    private record Trial(long at, long durationMs, String initialVersion, String schemaVersion,
            List<FlywayRunner.Applied> migrations, List<LockWatch.LockTaken> locks, List<LockWatch.Rewrite> rewrites,
            List<MigrationLint.Finding> lint, SchemaDiff diff, Map<String, Object> failure) {
    }

    Report check(String target, List<MigrationFile> files) {
        return report(target, files, false);
    }

    /** @param reuse whether a trial of the same set on the same branch from the last minutes may answer */
    Report report(String target, List<MigrationFile> files, boolean reuse) {
        branches.endpoint(target);
        String checksum = MigrationApprovals.checksum(files);
        String key = reuse ? key(target, checksum) : null;
        Trial trial = reuse ? recent(key) : null;
        boolean reused = trial != null;
        if (trial == null) {
            // a check reads the target's history while the trial runs on its copy (which leaves the
            // target as it is), on another thread as the same caller
            Authentication caller = CurrentPrincipal.authentication();
            CompletableFuture<String> keyOfTrial = key != null ? CompletableFuture.completedFuture(key)
                    : caller instanceof TokenAuthentication
                            ? CompletableFuture.supplyAsync(
                                    () -> CurrentPrincipal.callAs(caller, () -> key(target, checksum)), HISTORY)
                            : CompletableFuture.completedFuture(key(target, checksum));
            trial = trial(target, files);
            key = joined(keyOfTrial);
            synchronized (recent) {
                recent.put(key, trial);
            }
        }
        MigrationPolicies.Effective effective = policies.of(branches.origin(target).template());
        MigrationPolicy policy = effective.policy();
        Verdicts.Verdict verdict = Verdicts.evaluate(policy, trial.lint(), trial.locks(), trial.rewrites(),
                trial.diff(), trial.failure());
        return new Report(target, verdict.verdict(), verdict.passed(), verdict.findings(),
                new PolicyRef(effective.template(), effective.source(), policy.mode()), checksum, reused,
                trial.durationMs(), trial.initialVersion(), trial.schemaVersion(), trial.migrations(), trial.locks(),
                trial.rewrites(), trial.lint(), trial.diff(), DiffText.render(trial.diff()), trial.failure());
    }

    /**
     * A trial answers only while the branch's migration history is the one it ran on (a reset or
     * another apply since then changes which migrations would run).
     */
    private String key(String target, String checksum) {
        return target + "/" + checksum + "/" + MigrationApprovals.sha256(migrations.history(target).items().toString());
    }

    private static String joined(CompletableFuture<String> key) {
        try {
            return key.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    /** Forgets the trials of a branch whose schema changed. */
    void forget(String target) {
        synchronized (recent) {
            recent.keySet().removeIf(k -> k.startsWith(target + "/"));
        }
    }

    private Trial recent(String key) {
        synchronized (recent) {
            Trial t = recent.get(key);
            return t != null && System.nanoTime() - t.at() < REUSE.toNanos() ? t : null;
        }
    }

    private Trial trial(String target, List<MigrationFile> files) {
        long start = System.nanoTime();
        String throwaway = branches.throwawayOfBranch(target, "check");
        long copied = System.nanoTime();
        try {
            BranchAccess.Endpoint endpoint = branches.endpoint(throwaway);
            Schema before = migrations.inspect(endpoint);
            long inspected = System.nanoTime();
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
                long migrated = System.nanoTime();
                SchemaDiff diff = SchemaDiff.between(before, migrations.inspect(endpoint));
                long took = (System.nanoTime() - start) / 1_000_000;
                log.debug("check on a copy of {}: copy {} ms, first inspection {} ms, migrations {} ms,"
                        + " second inspection {} ms", target, (copied - start) / 1_000_000,
                        (inspected - copied) / 1_000_000, (migrated - inspected) / 1_000_000,
                        (System.nanoTime() - migrated) / 1_000_000);
                log.info("check of {} migration(s) on a copy of {}: {} in {} ms", files.size(), target,
                        failure == null ? "ran" : "failed", took);
                // migrations the branch already has are skipped by Flyway: their statements do not run again
                List<String> ran = outcome == null ? null
                        : outcome.applied().stream().map(FlywayRunner.Applied::script).toList();
                List<MigrationLint.Finding> pending = ran == null ? lint
                        : lint.stream().filter(f -> ran.contains(f.migration())).toList();
                return new Trial(System.nanoTime(), took, outcome == null ? null : outcome.initialVersion(),
                        outcome == null ? null : outcome.schemaVersion(),
                        outcome == null ? List.of() : outcome.applied(), locks, rewrites, pending, diff, failure);
            }
        } catch (SQLException e) {
            throw MigrationService.unavailable(throwaway, e);
        } finally {
            branches.deleteThrowawayLater(throwaway);
        }
    }

    private static Map<String, Object> failure(ApiException e) {
        if (!e.code().startsWith("MIGRATION_")) {
            throw e;
        }
        Map<String, Object> failure = new LinkedHashMap<>();
        failure.put("code", e.code());
        failure.put("detail", e.getMessage());
        failure.put("migration", e.properties().get("migration"));
        return failure;
    }
}
