package dev.offshoot.migration;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
        return compact(gate.apply(branch, files(files), approval, dryRun, "mcp"));
    }

    /** The verdict, the findings that decided it, and a short summary of the trial: what a model needs. */
    public Object check(String branch, List<Migration> files) {
        return summary(checks.check(branch, files(files)));
    }

    static Object summary(MigrationCheck.Report r) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("branch", r.branch());
        out.put("verdict", r.verdict());
        out.put("findings", r.findings());
        out.put("policy", r.policy());
        out.put("checksum", r.checksum());
        out.put("durationMs", r.durationMs());
        out.put("migrations", r.migrations().stream().map(a -> a.script() + " (" + a.durationMs() + " ms)").toList());
        out.put("effects", r.effects().stream().map(e -> (e.migration() == null ? "" : e.migration() + ": ")
                + e.message()).toList());
        out.put("locks", r.locks().stream().map(l -> l.mode() + " on " + l.relation() + " (~" + l.rowEstimate()
                + " rows, at most " + l.heldMs() + " ms) by " + l.migration()).distinct().toList());
        out.put("rewrites", r.rewrites().stream().map(w -> w.table() + " (~" + w.rowEstimate() + " rows) by "
                + w.migration()).toList());
        out.put("failure", r.failure());
        out.put("diff", r.diffText());
        return out;
    }

    static Object compact(MigrationGate.Result r) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("branch", r.branch());
        out.put("dryRun", r.dryRun());
        out.put("verdict", r.verdict());
        out.put("findings", r.findings());
        if (r.approval() != null) {
            out.put("approval", r.approval());
        }
        out.put(r.dryRun() ? "plan" : "applied", r.dryRun() ? r.plan() : r.applied());
        out.put("schemaVersion", r.schemaVersion());
        if (!r.warnings().isEmpty()) {
            out.put("warnings", r.warnings());
        }
        return out;
    }

    /** @param timeout the statement timeout as the caller wrote it, parsed as REST parses it */
    public Object runSql(String branch, String sql, Integer maxRows, String timeout, boolean readOnly) {
        return migrations.sql(branch, sql, maxRows, timeout, readOnly);
    }

    /** Tables with their size and row estimate, without the column details. */
    public Object listTables(String branch) {
        return tables(branch, migrations.inspect(branch));
    }

    static Object tables(String branch, Schema schema) {
        return Map.of("branch", branch, "tables", schema.tables().stream()
                .map(t -> {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("table", t.qualifiedName());
                    row.put("rowEstimate", t.rowEstimate());
                    row.put("sizeBytes", t.sizeBytes());
                    row.put("columns", t.columns().size());
                    return row;
                }).toList());
    }

    /** Columns, indexes and constraints of one table ({@code schema.table}, or a name in public). */
    public Object describeTable(String branch, String table) {
        String qualified = table.contains(".") ? table : "public." + table;
        return migrations.inspect(branch).tables().stream().filter(t -> t.qualifiedName().equals(qualified))
                .findFirst().orElseThrow(() -> OffshootException.notFound("TABLE_NOT_FOUND", "branch '" + branch
                        + "' has no table " + qualified + "; list_tables shows what it has"));
    }

    /** The diff as readable text, plus whether anything changed. */
    public Object compare(String branch, String againstBranch, String template, Integer revision) {
        return comparison(diffs.diff(branch, againstBranch, template, revision));
    }

    static Object comparison(SchemaDiffs.Result result) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("branch", result.branch());
        out.put("base", result.base());
        out.put("identical", result.identical());
        out.put("diff", result.text());
        return out;
    }

    private List<MigrationFile> files(List<Migration> files) {
        return migrations.uploads().fromJson(files == null ? null : files.stream()
                .map(m -> new MigrationUploads.JsonMigration(m.name(), m.sql())).toList());
    }
}
