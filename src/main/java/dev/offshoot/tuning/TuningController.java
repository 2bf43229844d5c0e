package dev.offshoot.tuning;

import java.util.List;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.access.prepost.PreAuthorize;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.offshoot.auth.Scopes;

/**
 * Query tuning on a branch: EXPLAIN (ANALYZE on a throwaway copy), pg_stat_statements, and
 * tunings that measure candidate changes on a kept copy and land the chosen one through the
 * migration gate. Reading plans and statistics needs read; a tuning runs the caller's candidates
 * as the branch's owner on its copy, and completing it checks and applies migrations: write.
 */
@RestController
@PreAuthorize(Scopes.READ)
@RequestMapping("/api/v1/branches/{name}")
class TuningController {

    private final Explains explains;
    private final Tunings tunings;
    private final TuningCompletions completions;

    TuningController(Explains explains, Tunings tunings, TuningCompletions completions) {
        this.explains = explains;
        this.tunings = tunings;
        this.completions = completions;
    }

    /** @param timeout the time limit of an analyzed run, e.g. "5s" */
    record ExplainRequest(String sql, Boolean analyze, String timeout) {
    }

    /**
     * @param candidates each one statement: CREATE INDEX, ANALYZE, CREATE STATISTICS, SET name = value,
     *                   or the statement rewritten
     */
    record TuningRequest(String statement, List<String> candidates, Integer runs, String timeout) {
    }

    /** @param action check (default) or apply */
    record CompleteRequest(String action, Integer candidate, String migrationName, String approval) {
    }

    @PostMapping("/explain")
    Explains.Explained explain(@PathVariable String name, @RequestBody ExplainRequest body) {
        return explains.explain(name, body.sql(), Boolean.TRUE.equals(body.analyze()), body.timeout());
    }

    @GetMapping("/slow-queries")
    QueryStats.Result slowQueries(@PathVariable String name, @RequestParam(required = false) Integer limit,
            @RequestParam(required = false) String orderBy,
            @RequestParam(defaultValue = "false") boolean includeInternal) {
        return explains.slowQueries(name, limit, orderBy, includeInternal);
    }

    @PreAuthorize(Scopes.WRITE)
    @PostMapping("/tunings")
    ResponseEntity<Tunings.Report> prepare(@PathVariable String name, @RequestBody TuningRequest body) {
        return ResponseEntity.status(HttpStatus.CREATED).body(tunings.prepare(name, body.statement(),
                body.candidates(), body.runs(), body.timeout()));
    }

    @GetMapping("/tunings/{id}")
    Tunings.Report tuning(@PathVariable String name, @PathVariable String id) {
        return tunings.get(name, TuningOperations.id(id));
    }

    @PreAuthorize(Scopes.WRITE)
    @PostMapping("/tunings/{id}/complete")
    TuningCompletions.Completion complete(@PathVariable String name, @PathVariable String id,
            @RequestBody(required = false) CompleteRequest body) {
        CompleteRequest request = body == null ? new CompleteRequest(null, null, null, null) : body;
        if ("discard".equalsIgnoreCase(request.action())) {
            throw dev.offshoot.error.OffshootException.invalid("INVALID_ARGUMENT", "discard with DELETE on the tuning");
        }
        return completions.complete(TuningOperations.id(id), name, request.action(), request.candidate(),
                request.migrationName(), request.approval(), "rest");
    }

    @PreAuthorize(Scopes.WRITE)
    @DeleteMapping("/tunings/{id}")
    ResponseEntity<Void> discard(@PathVariable String name, @PathVariable String id) {
        completions.complete(TuningOperations.id(id), name, "discard", null, null, null, "rest");
        return ResponseEntity.noContent().build();
    }
}
