package dev.offshoot.migration;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Service;

import dev.offshoot.audit.AuditLog;
import dev.offshoot.auth.CurrentPrincipal;
import dev.offshoot.branch.BranchAccess;
import dev.offshoot.error.OffshootException.Kind;
import dev.offshoot.error.OffshootException;

/**
 * Apply behind the trial and the policy. The set is checked first (or the check of the same set
 * from the last minutes is reused). A set that failed on the copy is refused, dry run or not, and
 * never runs for real: 422 TRIAL_FAILED with the failure (migration, statement, SQLSTATE,
 * message), or 409 MIGRATION_VALIDATION_FAILED when it does not match the branch's history. A set
 * the policy fails is refused with 422 POLICY_VIOLATION unless it carries an approval issued for
 * this branch and this exact set; a dry run stops after the check. The real run is held to what
 * its trial did (MigrationService#apply); a run whose schema changes differ from its trial's
 * anyway is answered with a warning and audited.
 */
@Service
class MigrationGate {

    private final BranchAccess branches;
    private final MigrationService migrations;
    private final MigrationCheck checks;
    private final MigrationApprovals approvals;
    private final AuditLog audit;

    MigrationGate(BranchAccess branches, MigrationService migrations, MigrationCheck checks,
            MigrationApprovals approvals, AuditLog audit) {
        this.branches = branches;
        this.migrations = migrations;
        this.checks = checks;
        this.approvals = approvals;
        this.audit = audit;
    }

    /** A migration the apply would run, in order. */
    record Step(String version, String description, String script) {
    }

    /**
     * @param dryRun   true when nothing was applied: {@code plan} is what would run
     * @param approval the approval spent to let a failing set through, or null
     * @param warnings where the real run differed from its trial without being stopped
     */
    record Result(String branch, boolean dryRun, String verdict, List<Verdicts.Decision> findings, String checksum,
            String approval, List<Step> plan, String initialVersion, String schemaVersion, int migrationsExecuted,
            List<FlywayRunner.Applied> applied, List<String> warnings) {
    }

    /** The branch is resolved once, as the caller; the check, the approval and the run use that. */
    Result apply(String branch, List<MigrationFile> files, String approval, boolean dryRun, String channel) {
        BranchAccess.Target target = branches.target(branch);
        MigrationCheck.Checked checked = checks.checked(target, files, true);
        MigrationCheck.Report report = checked.report();
        if (report.failure() != null) {
            throw trialFailed(branch, report);
        }
        List<Step> plan = report.migrations().stream().map(a -> new Step(a.version(), a.description(), a.script()))
                .toList();
        if (dryRun) {
            return new Result(branch, true, report.verdict(), report.findings(), report.checksum(), null, plan,
                    report.initialVersion(), report.schemaVersion(), 0, List.of(), List.of());
        }
        String actor = CurrentPrincipal.get().name();
        String spent = null;
        if (Verdicts.refused(report.policy().mode(), report.findings())) {
            if (approval == null || approval.isBlank()) {
                throw violation(branch, report, "the migration set fails the policy of " + policyName(report));
            }
            String refusal = approvals.spend(approval.strip(), branch, target.id(), report.checksum(), actor,
                    channel);
            if (refusal != null) {
                throw violation(branch, report, "approval '" + approval.strip() + "' cannot be used: " + refusal);
            }
            spent = approval.strip();
        }
        MigrationService.Run run = run(target, files, checked.trial(), actor, channel);
        List<String> warnings = warnings(run, checked.trial());
        if (!warnings.isEmpty()) {
            audit.record(actor, channel, "branch.migrations.diverged", "branch", branch, false, null,
                    abbreviate(String.join("; ", warnings)));
        }
        return new Result(branch, false, report.verdict(), report.findings(), report.checksum(), spent, plan,
                run.initialVersion(), run.schemaVersion(), run.migrationsExecuted(), run.applied(), warnings);
    }

    private MigrationService.Run run(BranchAccess.Target target, List<MigrationFile> files, CopyTrial.Result trial,
            String actor, String channel) {
        String branch = target.name();
        try {
            return migrations.apply(target, files, trial.perMigration());
        } catch (OffshootException e) {
            if (e.code().equals("TRIAL_DIVERGED")) {
                audit.record(actor, channel, "branch.migrations.diverged", "branch", branch, false, null,
                        abbreviate(e.getMessage()));
            }
            throw e;
        } finally {
            checks.forget(branch);
        }
    }

    private static List<String> warnings(MigrationService.Run run, CopyTrial.Result trial) {
        List<String> warnings = new ArrayList<>();
        run.divergences().forEach(d -> warnings.add("a non-transactional migration did on the branch what it did not"
                + " do on the copy (it had committed): " + d));
        if (!run.diff().equals(trial.diff())) {
            warnings.add("the schema changes on the branch differ from those on the copy: on the branch "
                    + oneLine(DiffText.render(run.diff())) + "; on the copy " + oneLine(DiffText.render(trial.diff())));
        }
        return warnings;
    }

    private static String oneLine(String diffText) {
        return abbreviate(diffText.strip().replace("\n", " | "));
    }

    private static String abbreviate(String text) {
        return text.length() > 1000 ? text.substring(0, 1000) + "..." : text;
    }

    /** The set failed on the copy: the failure's details, nothing applied. */
    private static OffshootException trialFailed(String branch, MigrationCheck.Report report) {
        Map<String, Object> failure = report.failure();
        String detail = String.valueOf(failure.get("detail"));
        if ("MIGRATION_VALIDATION_FAILED".equals(failure.get("code"))) {
            return new OffshootException(Kind.CONFLICT, "MIGRATION_VALIDATION_FAILED", detail);
        }
        return new OffshootException(Kind.UNPROCESSABLE, "TRIAL_FAILED", "the set failed on a copy of branch '"
                + branch + "', so it was not applied: " + detail)
                .with("failure", failure.get("code")).with("migration", failure.get("migration"))
                .with("verdict", report.verdict()).with("findings", report.findings())
                .with("checksum", report.checksum());
    }

    private static String policyName(MigrationCheck.Report report) {
        return report.policy().source().equals("template") ? "template '" + report.policy().template() + "'"
                : "the service (default policy, mode " + report.policy().mode() + ")";
    }

    private static OffshootException violation(String branch, MigrationCheck.Report report, String why) {
        return new OffshootException(Kind.UNPROCESSABLE, "POLICY_VIOLATION", why + ": "
                + report.findings().stream().filter(d -> d.level().equals("error") || !report.policy().mode()
                        .equals(MigrationPolicy.ERROR_ONLY)).map(d -> d.rule() + (d.migration() == null ? "" : " in "
                        + d.migration())).distinct()
                        .toList() + ". Fix the set and check it again, or have a person with the approve scope"
                + " approve this exact set: POST /api/v1/branches/" + branch + "/migrations/approvals with {\"checksum\":"
                + " \"" + report.checksum() + "\"}, then apply with \"approval\": the returned id.")
                .with("verdict", report.verdict()).with("findings", report.findings())
                .with("checksum", report.checksum());
    }
}
