package dev.offshoot.mcp;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.offshoot.error.OffshootException;
import dev.offshoot.tuning.TuningOperations;

/** Query tuning as MCP tools: thin adapters over the same operations as REST. */
final class TuningTools {

    private static final Map<String, Object> CANDIDATES_PROPERTY = Map.of(
            "type", "array",
            "description", "changes to try, each one SQL statement: CREATE INDEX ... (lands as CREATE INDEX"
                    + " CONCURRENTLY), ANALYZE table or CREATE STATISTICS ..., SET name = value (a setting), or the"
                    + " statement rewritten (same result, other SQL)",
            "items", Map.of("type", "string"));

    private TuningTools() {
    }

    static void register(ToolRegistry registry, TuningOperations tunings) {
        registry.add("list_slow_queries", "List a branch's slowest statements",
                "The branch's top statements from pg_stat_statements, by total (default) or mean execution time:"
                        + " calls, total and mean ms, rows, shared buffer hits and reads. Run the application's"
                        + " workload or tests on the branch first. Texts show for statements of the role your token's"
                        + " SQL runs as (a write token: the owner, which the application uses); others come without"
                        + " text. Texts carry $1, $2 for constants: put literal values in when you explain or tune.",
                ToolRegistry.Kind.READ, ToolSchema.object().string("branch", "branch name", true)
                        .integer("limit", "how many statements (default 10, at most 100)", false)
                        .string("order_by", "total (default) or mean", false)
                        .bool("include_internal", "also statements that read the catalogs or Flyway's history"),
                "branch", args -> tunings.slowQueries(args.required("branch"), args.integer("limit"),
                        args.string("order_by"), args.flag("include_internal")));

        registry.add("explain_sql_statement", "Explain a statement's plan",
                "EXPLAIN (FORMAT JSON, BUFFERS, SETTINGS) of one statement on a branch, with a summary to read first:"
                        + " node types, estimated against actual rows, the costliest nodes and notes on what may help."
                        + " analyze=true runs the statement (EXPLAIN ANALYZE) on a throwaway copy of the branch, never"
                        + " on the branch itself, within a time limit, and rolls it back. Use literal values, not $1.",
                ToolRegistry.Kind.READ, ToolSchema.object().string("branch", "branch name", true)
                        .string("sql", "one SELECT, WITH, VALUES, INSERT, UPDATE, DELETE or MERGE statement", true)
                        .bool("analyze", "run it on a throwaway copy and report actual rows and times")
                        .string("timeout", "time limit of the analyzed run, such as 10s (default 30s)", false),
                "branch", args -> tunings.explain(args.required("branch"), args.required("sql"), args.flag("analyze"),
                        args.string("timeout")));

        registry.add("prepare_query_tuning", "Measure candidate changes for a statement",
                "On a throwaway copy of the branch, measure the statement as it is and after each candidate change"
                        + " (median of several runs, plan change, index size and build time), each candidate rolled"
                        + " back before the next. Answers a comparison table, a recommended change and a tuning_id;"
                        + " the copy is kept for a while under it. The branch itself does not change: land the"
                        + " recommendation with complete_query_tuning.",
                ToolRegistry.Kind.WRITE, ToolSchema.object().string("branch", "branch name", true)
                        .string("statement", "the statement to make faster, with literal values", true)
                        .raw("candidates", CANDIDATES_PROPERTY, true)
                        .integer("runs", "measured runs per variant (default 5)", false)
                        .string("timeout", "time limit of one run, such as 10s (default 30s)", false),
                "branch", args -> tunings.prepare(args.required("branch"), args.required("statement"),
                        candidates(args), args.integer("runs"), args.string("timeout")));

        registry.add("complete_query_tuning", "Land or discard a tuning",
                "Turn a tuning's chosen candidate (the recommended one unless named) into a migration file (an index"
                        + " as CREATE INDEX CONCURRENTLY) and hand it to the migration gate: action check answers the"
                        + " verdict from a copy; action apply applies it behind the template's policy (POLICY_VIOLATION:"
                        + " stop and ask a person for an approval, then pass its id). action discard drops the tuning"
                        + " and its copy. Add the migration file to your project's migrations too.",
                ToolRegistry.Kind.DESTRUCTIVE, ToolSchema.object()
                        .string("tuning_id", "the id prepare_query_tuning answered", true)
                        .string("action", "check (default), apply or discard", false)
                        .integer("candidate", "the candidate's number (default: the recommended one)", false)
                        .string("migration_name", "Flyway file name, such as V8__rental_customer_idx.sql (default:"
                                + " the branch's next version)", false)
                        .string("approval", "approval id a person issued for this migration (only when refused)",
                                false),
                "tuning_id", args -> tunings.complete(args.required("tuning_id"), args.string("action"),
                        args.integer("candidate"), args.string("migration_name"), args.string("approval"), "mcp"));
    }

    private static List<String> candidates(ToolArguments args) {
        if (!(args.values().get("candidates") instanceof List<?> list) || list.isEmpty()) {
            throw OffshootException.invalid("MISSING_ARGUMENT", "argument 'candidates' must be a non-empty list of SQL"
                    + " statements");
        }
        List<String> out = new ArrayList<>();
        for (Object item : list) {
            if (!(item instanceof String sql)) {
                throw OffshootException.invalid("INVALID_CANDIDATE", "each candidate is one SQL statement, as a string");
            }
            out.add(sql);
        }
        return out;
    }
}
