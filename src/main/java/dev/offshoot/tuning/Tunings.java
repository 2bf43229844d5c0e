package dev.offshoot.tuning;

import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import tools.jackson.databind.json.JsonMapper;

import dev.offshoot.auth.CurrentPrincipal;
import dev.offshoot.branch.BranchAccess;
import dev.offshoot.config.TuningProperties;
import dev.offshoot.error.OffshootException;
import dev.offshoot.error.OffshootException.Kind;

/**
 * Prepares tunings: a throwaway copy of the branch, the statement measured on it as it is and after
 * each candidate (see {@link Trial}), compared and one change recommended (see {@link Comparison}),
 * the copy kept for {@code offshoot.tuning.keep} under the tuning's id, and everything recorded in
 * the metadata store. Completing one is {@link TuningCompletions}'.
 */
@Service
class Tunings {

    private static final Logger log = LoggerFactory.getLogger(Tunings.class);

    private final BranchAccess branches;
    private final TuningStore store;
    private final TuningProperties properties;
    private final JsonMapper json;

    Tunings(BranchAccess branches, TuningStore store, TuningProperties properties, JsonMapper json) {
        this.branches = branches;
        this.store = store;
        this.properties = properties;
        this.json = json;
    }

    /**
     * What a tuning found.
     *
     * @param status         KEPT (complete or discard it), COMPLETED, DISCARDED or EXPIRED
     * @param throwaway      the copy it measured on, while it is kept (inspect it like any branch)
     * @param recommendation the change to make, or why none
     * @param comparison     the measurements as a Markdown table
     * @param baseline       the statement as it is
     * @param candidates     each candidate, in the order given
     * @param next           what to do next
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Report(String tuningId, String branch, String status, String statement, int runs, String throwaway,
            Instant keptUntil, Comparison.Recommendation recommendation, String comparison, Measurement baseline,
            List<Measurement> candidates, String next) {

        Report as(TuningStore.Row row, Instant now) {
            String seen = row.status().equals(TuningStore.KEPT) && !now.isBefore(row.expiresAt()) ? "EXPIRED"
                    : row.status();
            boolean open = seen.equals(TuningStore.KEPT);
            return new Report(tuningId, branch, seen, statement, runs, open ? row.throwaway() : null,
                    open ? row.expiresAt() : null, recommendation, comparison, baseline, candidates,
                    open ? next : "this tuning is " + seen.toLowerCase(java.util.Locale.ROOT));
        }
    }

    Report prepare(String branch, String statement, List<String> candidateSql, Integer runs, String timeout) {
        String measured = Candidate.statement(statement);
        List<Candidate> candidates = candidates(candidateSql);
        int n = runs(runs);
        Duration runTimeout = Durations.timeout(timeout, properties);
        BranchAccess.Target target = branches.target(branch);
        String creator = CurrentPrincipal.get().name();
        Instant now = Instant.now();
        store.prune(now);
        List<UUID> kept = store.keptBy(creator, now);
        if (properties.maxKept() > 0 && kept.size() >= properties.maxKept()) {
            throw new OffshootException(Kind.RATE_LIMITED, "TUNING_LIMIT", "'" + creator + "' keeps "
                    + kept.size() + " tunings already (offshoot.tuning.max-kept): complete or discard one ("
                    + kept + ") or wait until it expires", true).retryAfter(Duration.ofSeconds(30));
        }
        UUID id = UUID.randomUUID();
        String copy = branches.throwawayOfBranch(target.name(), "tune", properties.keep());
        boolean keep = false;
        try {
            Report report = measure(id, target, copy, measured, candidates, n, runTimeout);
            Instant created = Instant.now();
            store.insert(new TuningStore.Row(id, target.id(), target.name(), copy, TuningStore.KEPT, measured,
                    json.writeValueAsString(report), null, creator, created, created.plus(properties.keep()), null));
            keep = true;
            log.info("tuning {} of branch {}: {} candidate(s) measured on {}, recommended: {}", id, target.name(),
                    candidates.size(), copy, report.recommendation().candidate());
            return report;
        } finally {
            if (!keep) {
                branches.deleteThrowawayLater(copy);
            }
        }
    }

    private Report measure(UUID id, BranchAccess.Target target, String copy, String statement,
            List<Candidate> candidates, int runs, Duration runTimeout) {
        Instant deadline = Instant.now().plus(properties.maxDuration());
        Measurement baseline;
        List<Measurement> measured = new ArrayList<>();
        try (Trial trial = Trial.open(branches.endpoint(copy).owner(), json, runTimeout, deadline)) {
            baseline = trial.baseline(statement, runs);
            for (Candidate candidate : candidates) {
                measured.add(trial.candidate(candidate, statement, runs));
            }
        } catch (SQLException e) {
            throw new OffshootException(Kind.UNPROCESSABLE, "SQL_ERROR", "the statement failed on a copy of branch '"
                    + target.name() + "', so nothing could be compared: " + Trial.failure(e));
        }
        Comparison.Recommendation recommendation = Comparison.recommend(baseline, measured, candidates,
                properties.minSpeedup());
        Instant until = Instant.now().plus(properties.keep());
        return new Report(id.toString(), target.name(), TuningStore.KEPT, statement, runs, copy, until,
                recommendation, Comparison.table(baseline, measured), baseline, measured, next(id, recommendation));
    }

    private static String next(UUID id, Comparison.Recommendation recommendation) {
        if (recommendation.candidate() == null) {
            return "nothing to land: complete_query_tuning with tuning_id " + id + " and action discard removes the"
                    + " copy (or try other candidates)";
        }
        if (recommendation.migration() == null) {
            return "candidate " + recommendation.candidate() + " is no migration (" + recommendation.kind()
                    + "): make the change in your application, then complete_query_tuning with action discard";
        }
        return "complete_query_tuning with tuning_id " + id + " (action check, then apply) turns candidate "
                + recommendation.candidate() + " into a migration checked and applied through the migration gate;"
                + " action discard drops it. The copy " + "stays for inspection until then.";
    }

    Report get(String branch, UUID id) {
        TuningStore.Row row = visible(id, branch);
        return json.readValue(row.report(), Report.class).as(row, Instant.now());
    }

    /**
     * A tuning the caller may see: its branch is live and within the caller's limits (and, when
     * given, named {@code branch}); TUNING_NOT_FOUND otherwise.
     */
    TuningStore.Row visible(UUID id, String branch) {
        TuningStore.Row row = store.find(id).filter(r -> branch == null || r.branch().equals(branch))
                .orElseThrow(() -> notFound(id));
        try {
            if (!branches.id(row.branch()).equals(row.branchId())) {
                throw notFound(id);
            }
        } catch (OffshootException e) {
            if (e.kind() == Kind.NOT_FOUND) {
                throw notFound(id);
            }
            throw e;
        }
        return row;
    }

    static OffshootException notFound(UUID id) {
        return OffshootException.notFound("TUNING_NOT_FOUND", "no tuning " + id + " on a live branch you can see");
    }

    private List<Candidate> candidates(List<String> written) {
        if (written == null || written.isEmpty()) {
            throw OffshootException.invalid("INVALID_CANDIDATE", "give at least one candidate change: CREATE INDEX,"
                    + " ANALYZE or CREATE STATISTICS, SET name = value, or the statement rewritten");
        }
        if (written.size() > properties.maxCandidates()) {
            throw OffshootException.invalid("INVALID_CANDIDATE", "at most " + properties.maxCandidates()
                    + " candidates per tuning (offshoot.tuning.max-candidates)");
        }
        List<Candidate> out = new ArrayList<>();
        for (int i = 0; i < written.size(); i++) {
            out.add(Candidate.of(i + 1, written.get(i)));
        }
        return out;
    }

    private int runs(Integer asked) {
        int runs = asked == null ? properties.runs() : asked;
        if (runs < 1 || runs > properties.maxRuns()) {
            throw OffshootException.invalid("INVALID_LIMIT", "runs must be between 1 and " + properties.maxRuns()
                    + " (offshoot.tuning.max-runs)");
        }
        return runs;
    }
}
