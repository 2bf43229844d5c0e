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
import org.springframework.stereotype.Service;

import dev.offshoot.auth.CurrentPrincipal;
import dev.offshoot.branch.BranchAccess;
import dev.offshoot.config.MigrationProperties;

/**
 * Tries migrations on a throwaway branch of the target and reports what they would do: per
 * migration durations, locks on relations that existed before, table rewrites, the effects on
 * what existed before (drops, narrowed columns, removed rows), the schema diff, lint findings,
 * and the verdict of the target's template policy on all of it. The target is never touched; the
 * throwaway is deleted whatever happens, after the answer, and a trial that outlives
 * {@code offshoot.migration.check-timeout} is stopped. Every check is recorded for the branch's
 * id with its verdict (approvals need one). The last trials are kept for a few minutes, so that
 * an apply of the set just checked does not run it on a throwaway again, as long as the branch
 * (its id and its Flyway history) has not changed since.
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
    private final MigrationApprovals approvals;
    private final CheckTimers timers;
    private final Map<String, CopyTrial.Result> recent = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, CopyTrial.Result> eldest) {
            return size() > KEPT;
        }
    };

    MigrationCheck(BranchAccess branches, MigrationService migrations, MigrationProperties properties,
            MigrationPolicies policies, MigrationApprovals approvals, CheckTimers timers) {
        this.timers = timers;
        this.branches = branches;
        this.migrations = migrations;
        this.properties = properties;
        this.policies = policies;
        this.approvals = approvals;
    }

    /** Which policy decided: the template's own or the service-wide default, and its mode. */
    record PolicyRef(String template, String source, String mode) {
    }

    /**
     * @param verdict  pass, warn or fail under the policy; {@code findings} are what decided it
     * @param passed   verdict != fail (a failed migration always fails)
     * @param checksum the set's checksum, which an approval is bound to
     * @param reused   whether the trial on a throwaway was reused from a check of the same set
     * @param effects  what the set did on the copy to what existed before it
     * @param failure  the MIGRATION_FAILED, MIGRATION_VALIDATION_FAILED or CHECK_TIMEOUT details
     */
    record Report(String branch, String verdict, boolean passed, List<Verdicts.Decision> findings, PolicyRef policy,
            String checksum, boolean reused, long durationMs, String initialVersion, String schemaVersion,
            List<FlywayRunner.Applied> migrations, List<MigrationWatch.LockTaken> locks,
            List<MigrationWatch.Rewrite> rewrites, List<TrialEffects.Effect> effects, List<MigrationLint.Finding> lint,
            SchemaDiff diff, String diffText, Map<String, Object> failure) {
    }

    /** A report and the trial behind it, which guards the real run (see MigrationWatch). */
    record Checked(Report report, CopyTrial.Result trial) {
    }

    Report check(String target, List<MigrationFile> files) {
        return checked(branches.target(target), files, false).report();
    }

    /**
     * @param target the branch as the request resolved it (as the caller), used for all of the check
     * @param reuse  whether a trial of the same set on the same branch from the last minutes may answer
     */
    Checked checked(BranchAccess.Target target, List<MigrationFile> files, boolean reuse) {
        String checksum = MigrationApprovals.checksum(files);
        String key = reuse ? key(target, checksum) : null;
        CopyTrial.Result trial = reuse ? recent(key) : null;
        boolean reused = trial != null;
        if (trial == null) {
            // the target's history is read while the trial runs on its copy (which leaves the target as it is)
            CompletableFuture<String> keyOfTrial = key != null ? CompletableFuture.completedFuture(key)
                    : CompletableFuture.supplyAsync(() -> key(target, checksum), HISTORY);
            trial = trial(target.name(), files);
            key = joined(keyOfTrial);
            synchronized (recent) {
                recent.put(key, trial);
            }
        }
        MigrationPolicies.Effective effective = policies.of(target.template());
        MigrationPolicy policy = effective.policy();
        Verdicts.Verdict verdict = Verdicts.evaluate(policy, trial.lint(), trial.effects(), trial.locks(),
                trial.rewrites(), trial.diff(), trial.failure());
        approvals.checked(target.id(), checksum, verdict.verdict(), files, CurrentPrincipal.get().name());
        Report report = new Report(target.name(), verdict.verdict(), verdict.passed(), verdict.findings(),
                new PolicyRef(effective.template(), effective.source(), policy.mode()), checksum, reused,
                trial.durationMs(), trial.initialVersion(), trial.schemaVersion(), trial.migrations(), trial.locks(),
                trial.rewrites(), trial.effects(), trial.lint(), trial.diff(), DiffText.render(trial.diff()),
                trial.failure());
        return new Checked(report, trial);
    }

    /**
     * A trial answers only for the branch it ran on, while its migration history is the one it ran
     * on (a reset or another apply since then changes which migrations would run).
     */
    private String key(BranchAccess.Target target, String checksum) {
        return target.name() + "/" + target.id() + "/" + checksum + "/"
                + MigrationApprovals.sha256(migrations.history(target.endpoint()).items().toString());
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

    private CopyTrial.Result recent(String key) {
        synchronized (recent) {
            CopyTrial.Result t = recent.get(key);
            return t != null && System.nanoTime() - t.at() < REUSE.toNanos() ? t : null;
        }
    }

    private CopyTrial.Result trial(String target, List<MigrationFile> files) {
        long start = System.nanoTime();
        String throwaway = timers.copy.record(() -> branches.throwawayOfBranch(target, "check"));
        BranchAccess.Endpoint endpoint = null;
        TrialDeadline deadline = null;
        try {
            endpoint = branches.endpoint(throwaway);
            deadline = TrialDeadline.start(endpoint, properties.checkTimeout(),
                    () -> branches.deleteThrowawayLater(throwaway));
            CopyTrial.Result trial = CopyTrial.run(endpoint, files, properties.exactRowCountMaxBytes(), deadline,
                    timers);
            log.info("check of {} migration(s) on a copy of {}: {}", files.size(), target,
                    trial.failure() == null ? "ran" : "failed");
            return trial;
        } catch (SQLException e) {
            if (deadline != null && deadline.passed()) {
                return CopyTrial.timedOut(start, deadline);
            }
            throw MigrationService.unavailable(throwaway, e);
        } finally {
            if (deadline != null) {
                deadline.close();
            }
            branches.deleteThrowawayLater(throwaway);
        }
    }
}
