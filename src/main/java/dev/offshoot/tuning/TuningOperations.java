package dev.offshoot.tuning;

import java.util.List;
import java.util.UUID;

import org.springframework.stereotype.Component;

import dev.offshoot.error.OffshootException;

/**
 * Query tuning as other features (the MCP tools) see it: plain arguments in, JSON-ready answers
 * out, with the same rules and problem codes as the REST endpoints.
 */
@Component
public class TuningOperations {

    private final Explains explains;
    private final Tunings tunings;
    private final TuningCompletions completions;

    TuningOperations(Explains explains, Tunings tunings, TuningCompletions completions) {
        this.explains = explains;
        this.tunings = tunings;
        this.completions = completions;
    }

    /** The plan and its summary; with {@code analyze} the statement runs on a throwaway copy. */
    public Object explain(String branch, String sql, boolean analyze, String timeout) {
        return explains.explain(branch, sql, analyze, timeout);
    }

    /** The branch's top statements from pg_stat_statements, texts as the caller's role may read them. */
    public Object slowQueries(String branch, Integer limit, String orderBy, boolean includeInternal) {
        return explains.slowQueries(branch, limit, orderBy, includeInternal);
    }

    /** Measures the candidates on a throwaway copy kept under the tuning's id. */
    public Object prepare(String branch, String statement, List<String> candidates, Integer runs, String timeout) {
        return tunings.prepare(branch, statement, candidates, runs, timeout);
    }

    /**
     * Lands the chosen candidate through the migration gate (check or apply), or discards the tuning.
     *
     * @param channel rest or mcp, for the audit log
     */
    public Object complete(String tuningId, String action, Integer candidate, String migrationName, String approval,
            String channel) {
        return completions.complete(id(tuningId), null, action, candidate, migrationName, approval, channel);
    }

    static UUID id(String text) {
        try {
            return UUID.fromString(text.strip());
        } catch (IllegalArgumentException | NullPointerException e) {
            throw OffshootException.invalid("INVALID_ARGUMENT", "tuning_id must be the id prepare_query_tuning answered");
        }
    }
}
