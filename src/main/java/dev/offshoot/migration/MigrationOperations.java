package dev.offshoot.migration;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.springframework.stereotype.Component;

import dev.offshoot.error.OffshootException;

/**
 * Migrations, schema and SQL as other features (the MCP tools) see them: plain arguments in,
 * JSON-ready answers out, with the same rules and problem codes as the REST endpoints.
 */
@Component
public class MigrationOperations {

    private final MigrationService migrations;
    private final MigrationCheck checks;
    private final SchemaDiffs diffs;
    private final MigrationGate gate;

    MigrationOperations(MigrationService migrations, MigrationCheck checks, SchemaDiffs diffs, MigrationGate gate) {
        this.migrations = migrations;
        this.checks = checks;
        this.diffs = diffs;
        this.gate = gate;
    }

    /** A migration as sent by a client: a Flyway file name and its SQL. */
    public record Migration(String name, String sql) {
    }

    /** Apply behind the policy (see MigrationGate); a refusal is a 422 POLICY_VIOLATION problem. */
    public Object apply(String branch, List<Migration> files, String approval, boolean dryRun) {
        return apply(branch, files, approval, dryRun, "mcp");
    }

    /** The same, for a caller on another channel (rest, mcp), which the audit log records. */
    public Object apply(String branch, List<Migration> files, String approval, boolean dryRun, String channel) {
        return compact(gate.apply(branch, files(files), approval, dryRun, channel));
    }

    /** The version the branch's Flyway history is at, or null before any migration. */
    public String schemaVersion(String branch) {
        return migrations.history(branch).schemaVersion();
    }

    /** The verdict, the findings that decided it, and a short summary of the trial: what a model needs. */
    public Object check(String branch, List<Migration> files) {
        return summary(checks.check(branch, files(files)));
    }

    static CheckSummary summary(MigrationCheck.Report r) {
        return new CheckSummary(r.branch(), r.verdict(), r.findings(), r.policy(), r.checksum(), r.durationMs(),
                r.migrations().stream().map(a -> a.script() + " (" + a.durationMs() + " ms)").toList(),
                r.effects().stream().map(e -> (e.migration() == null ? "" : e.migration() + ": ") + e.message())
                        .toList(),
                r.locks().stream().map(l -> l.mode() + " on " + l.relation() + " (~" + l.rowEstimate()
                        + " rows, at most " + l.heldMs() + " ms) by " + l.migration()).distinct().toList(),
                r.rewrites().stream().map(w -> w.table() + " (~" + w.rowEstimate() + " rows) by " + w.migration())
                        .toList(),
                r.failure(), r.diffText());
    }

    static ApplySummary compact(MigrationGate.Result r) {
        return new ApplySummary(r.branch(), r.dryRun(), r.verdict(), r.findings(), r.approval(),
                r.dryRun() ? r.plan() : null, r.dryRun() ? null : r.applied(), r.schemaVersion(), r.warnings());
    }

    /** @param timeout the statement timeout as the caller wrote it, parsed as REST parses it */
    public Object runSql(String branch, String sql, Integer maxRows, String timeout, boolean readOnly) {
        return migrations.sql(branch, sql, maxRows, timeout, readOnly);
    }

    /** Tables with their size and row estimate, without the column details. */
    public Object listTables(String branch) {
        return tables(branch, migrations.inspect(branch));
    }

    static Tables tables(String branch, Schema schema) {
        return new Tables(branch, schema.tables().stream()
                .map(t -> new TableSize(t.qualifiedName(), t.rowEstimate(), t.sizeBytes(), t.columns().size()))
                .toList());
    }

    /** Columns, indexes and constraints of one table ({@code schema.table}, or a name in public). */
    public Object describeTable(String branch, String table) {
        String qualified = table.contains(".") ? table : "public." + table;
        return migrations.inspect(branch).tables().stream().filter(t -> t.qualifiedName().equals(qualified))
                .findFirst().orElseThrow(() -> OffshootException.notFound("TABLE_NOT_FOUND", "branch '" + branch
                        + "' has no table " + qualified + "; list_tables shows what it has"));
    }

    /** The diff against a base (see {@link Comparison}). */
    public Object compare(String branch, String againstBranch, String template, Integer revision) {
        return comparison(diffs.diff(branch, againstBranch, template, revision));
    }

    static Comparison comparison(SchemaDiffs.Result result) {
        return new Comparison(result.branch(), result.base(), result.identical(), result.text());
    }

    /**
     * What check_migrations answers: the check's verdict and findings, and its trial in one line
     * per migration, effect, lock and rewrite.
     */
    record CheckSummary(String branch, String verdict, List<Verdicts.Decision> findings,
            MigrationCheck.PolicyRef policy, String checksum, long durationMs, List<String> migrations,
            List<String> effects, List<String> locks, List<String> rewrites, Map<String, Object> failure,
            String diff) {
    }

    /**
     * What apply_migrations answers: {@code plan} on a dry run, {@code applied} otherwise;
     * {@code approval} only when one was spent, {@code warnings} only when the run differed from its trial.
     */
    record ApplySummary(String branch, boolean dryRun, String verdict, List<Verdicts.Decision> findings,
            @JsonInclude(JsonInclude.Include.NON_NULL) String approval,
            @JsonInclude(JsonInclude.Include.NON_NULL) List<MigrationGate.Step> plan,
            @JsonInclude(JsonInclude.Include.NON_NULL) List<FlywayRunner.Applied> applied, String schemaVersion,
            @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> warnings) {
    }

    /** What list_tables answers. */
    record Tables(String branch, List<TableSize> tables) {
    }

    /** @param columns how many columns the table has */
    record TableSize(String table, long rowEstimate, long sizeBytes, int columns) {
    }

    /** What compare_schema answers: the diff as readable text, and whether anything changed. */
    record Comparison(String branch, SchemaDiffs.Base base, boolean identical, String diff) {
    }

    private List<MigrationFile> files(List<Migration> files) {
        return migrations.uploads().fromJson(files == null ? null : files.stream()
                .map(m -> new MigrationUploads.JsonMigration(m.name(), m.sql())).toList());
    }
}
