package dev.offshoot.migration;

import java.util.List;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;

import dev.offshoot.auth.CurrentPrincipal;
import dev.offshoot.web.ApiException;

/**
 * Apply behind the policy: the set is checked first (or the check of the same set from the last
 * minutes is reused), a set the policy fails is refused with 422 POLICY_VIOLATION unless it carries
 * an approval issued for this branch and this exact set, and a dry run stops after the check. A
 * migration that fails on the copy does not make a refusal: apply runs and reports it as it always
 * did (MIGRATION_FAILED or MIGRATION_VALIDATION_FAILED, with file, statement and SQLSTATE).
 */
@Service
class MigrationGate {

    private final MigrationService migrations;
    private final MigrationCheck checks;
    private final MigrationApprovals approvals;

    MigrationGate(MigrationService migrations, MigrationCheck checks, MigrationApprovals approvals) {
        this.migrations = migrations;
        this.checks = checks;
        this.approvals = approvals;
    }

    /** A migration the apply would run, in order. */
    record Step(String version, String description, String script) {
    }

    /**
     * @param dryRun   true when nothing was applied: {@code plan} is what would run
     * @param approval the approval spent to let a failing set through, or null
     */
    record Result(String branch, boolean dryRun, String verdict, List<Verdicts.Decision> findings, String checksum,
            String approval, List<Step> plan, String initialVersion, String schemaVersion, int migrationsExecuted,
            List<FlywayRunner.Applied> applied) {
    }

    Result apply(String branch, List<MigrationFile> files, String approval, boolean dryRun, String channel) {
        MigrationCheck.Report report = checks.report(branch, files, true);
        List<Step> plan = report.migrations().stream().map(a -> new Step(a.version(), a.description(), a.script()))
                .toList();
        if (dryRun) {
            return new Result(branch, true, report.verdict(), report.findings(), report.checksum(), null, plan,
                    report.initialVersion(), report.schemaVersion(), 0, List.of());
        }
        String spent = null;
        if (Verdicts.refused(report.policy().mode(), report.findings())) {
            String actor = CurrentPrincipal.get().name();
            if (approval == null || approval.isBlank()) {
                throw violation(branch, report, "the migration set fails the policy of " + policyName(report));
            }
            if (!approvals.spend(approval.strip(), branch, report.checksum(), actor, channel)) {
                throw violation(branch, report, "approval '" + approval.strip() + "' is unknown, already used, or"
                        + " was issued for another branch or another migration set");
            }
            spent = approval.strip();
        }
        MigrationService.Run run = migrations.apply(branch, files);
        checks.forget(branch);
        return new Result(branch, false, report.verdict(), report.findings(), report.checksum(), spent, plan,
                run.initialVersion(), run.schemaVersion(), run.migrationsExecuted(), run.applied());
    }

    private static String policyName(MigrationCheck.Report report) {
        return report.policy().source().equals("template") ? "template '" + report.policy().template() + "'"
                : "the service (default policy, mode " + report.policy().mode() + ")";
    }

    private static ApiException violation(String branch, MigrationCheck.Report report, String why) {
        return new ApiException(HttpStatus.UNPROCESSABLE_CONTENT, "POLICY_VIOLATION", why + ": "
                + report.findings().stream().filter(d -> d.level().equals("error") || !report.policy().mode()
                        .equals(MigrationPolicy.ERROR_ONLY)).map(d -> d.rule() + " in " + d.migration()).distinct()
                        .toList() + ". Fix the set and check it again, or have a person with the approve scope"
                + " approve this exact set: POST /api/v1/branches/" + branch + "/migrations/approvals with {\"checksum\":"
                + " \"" + report.checksum() + "\"}, then apply with \"approval\": the returned id.")
                .with("verdict", report.verdict()).with("findings", report.findings())
                .with("checksum", report.checksum());
    }
}
