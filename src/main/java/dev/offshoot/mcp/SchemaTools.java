package dev.offshoot.mcp;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.offshoot.auth.CurrentPrincipal;
import dev.offshoot.auth.Scope;
import dev.offshoot.error.OffshootException;
import dev.offshoot.migration.MigrationOperations.Migration;
import dev.offshoot.migration.MigrationOperations;

/** Migrations, schema inspection, diffs and SQL on a branch as MCP tools. */
final class SchemaTools {

    private static final Map<String, Object> MIGRATIONS_PROPERTY = Map.of(
            "type", "array",
            "description", "the whole migration set in any order, earlier ones included (already applied ones"
                    + " are skipped); each {name: Flyway file name such as V3__add_tags.sql, sql: its content}",
            "items", Map.of("type", "object", "required", List.of("name", "sql"), "properties", Map.of(
                    "name", Map.of("type", "string", "description", "V<version>__<description>.sql or R__<name>.sql"),
                    "sql", Map.of("type", "string", "description", "the migration's SQL"))));

    private SchemaTools() {
    }

    static void register(ToolRegistry registry, MigrationOperations migrations) {
        registry.add("run_sql", "Run SQL on a branch",
                "Run SQL on a branch and get columns and rows as JSON (errors carry the SQLSTATE). Read-only"
                        + " (a read-only or sqlReadOnly token, or read_only=true): one statement per call, in a"
                        + " read-only transaction. Otherwise several statements in one transaction. Schema changes"
                        + " belong in check_migrations and apply_migrations.",
                ToolRegistry.Kind.SQL, ToolSchema.object()
                        .string("branch", "branch name", true)
                        .string("sql", "the statement (read-only: exactly one), or statements separated by"
                                + " semicolons", true)
                        .integer("max_rows", "at most this many rows per result (default 100)", false)
                        .string("timeout", "statement timeout such as 5s (default 30s)", false)
                        .bool("read_only", "run in a read-only transaction"),
                "branch", args -> migrations.runSql(args.required("branch"), args.required("sql"),
                        args.integer("max_rows"), args.string("timeout"),
                        args.flag("read_only") || !CurrentPrincipal.get().has(Scope.WRITE)));

        registry.add("list_tables", "List a branch's tables",
                "Tables of a branch with row estimate, size and number of columns.",
                ToolRegistry.Kind.READ, ToolSchema.object().string("branch", "branch name", true), "branch",
                args -> migrations.listTables(args.required("branch")));

        registry.add("describe_table", "Describe a table",
                "Columns (type, nullability, default), indexes and constraints of one table of a branch.",
                ToolRegistry.Kind.READ, ToolSchema.object().string("branch", "branch name", true)
                        .string("table", "table name, schema-qualified or in public (e.g. film or public.film)", true),
                "branch", args -> migrations.describeTable(args.required("branch"), args.required("table")));

        registry.add("apply_migrations", "Apply migrations to a branch",
                "Apply Flyway migrations to your branch, in version order, after check_migrations gave 'pass'"
                        + " (or 'warn'). The set is checked against the template's policy first; a set that fails is"
                        + " refused with POLICY_VIOLATION: fix it, or ask a person to approve that exact set (the"
                        + " refusal says how) and pass the approval id they give you. A set that fails on the copy is"
                        + " refused with TRIAL_FAILED and never runs. dry_run=true only returns the"
                        + " plan and verdict. History stays in flyway_schema_history; re-applying is a no-op.",
                ToolRegistry.Kind.DESTRUCTIVE, ToolSchema.object().string("branch", "branch name", true)
                        .raw("migrations", MIGRATIONS_PROPERTY, true)
                        .string("approval", "approval id a person issued for this exact set (only when refused)", false)
                        .bool("dry_run", "return the plan and verdict without applying"), "branch",
                args -> migrations.apply(args.required("branch"), migrationsOf(args), args.string("approval"),
                        args.flag("dry_run")));

        registry.add("check_migrations", "Check migrations without touching the branch",
                "Run migrations on a throwaway copy of the branch and get the policy verdict (pass, warn or fail)"
                        + " with the findings that decided it, what the set did to existing tables (drops, removed rows),"
                        + " locks, rewrites and the schema diff."
                        + " The branch itself does not change. Fix every finding of a 'fail' and check again before"
                        + " apply_migrations; an apply right after a check of the same set reuses it.",
                ToolRegistry.Kind.WRITE, ToolSchema.object().string("branch", "branch name", true)
                        .raw("migrations", MIGRATIONS_PROPERTY, true), "branch",
                args -> migrations.check(args.required("branch"), migrationsOf(args)));

        registry.add("compare_schema", "Compare schemas",
                "What changed in a branch's schema against its parent (default), another branch, or a template"
                        + " revision: tables, columns, indexes, constraints, views, functions, as readable text.",
                ToolRegistry.Kind.READ, ToolSchema.object().string("branch", "branch name", true)
                        .string("against_branch", "compare with this branch instead of the parent", false)
                        .string("template", "compare with this template (latest revision unless given)", false)
                        .integer("revision", "template revision", false), "branch",
                args -> migrations.compare(args.required("branch"), args.string("against_branch"),
                        args.string("template"), args.integer("revision")));
    }

    private static List<Migration> migrationsOf(ToolArguments args) {
        if (!(args.values().get("migrations") instanceof List<?> list) || list.isEmpty()) {
            throw OffshootException.invalid("MISSING_ARGUMENT", "argument 'migrations' must be a non-empty list of"
                    + " {name, sql}");
        }
        List<Migration> out = new ArrayList<>();
        for (Object item : list) {
            if (!(item instanceof Map<?, ?> m) || m.get("name") == null || m.get("sql") == null) {
                throw OffshootException.invalid("INVALID_MIGRATION", "each migration needs a name and sql");
            }
            out.add(new Migration(m.get("name").toString(), m.get("sql").toString()));
        }
        return out;
    }
}
