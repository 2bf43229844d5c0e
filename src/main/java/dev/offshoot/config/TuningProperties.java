package dev.offshoot.config;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Query tuning: EXPLAIN on branches and their copies, and tunings that measure candidate changes
 * on a throwaway copy of a branch.
 *
 * @param keep                how long a tuning's throwaway copy is kept for its completion (its
 *                            expiry: the reaper removes it after that)
 * @param maxKept             tunings one creator may keep at once (each holds a throwaway copy);
 *                            past it a prepare is a 429 TUNING_LIMIT until one is completed,
 *                            discarded or expires
 * @param runs                measured runs of the statement per variant (besides one warm-up run
 *                            that also gives the plan's timings); the median is compared
 * @param maxRuns             the most runs a caller may ask for
 * @param maxCandidates       the most candidate changes one tuning tries
 * @param statementTimeout    default time limit of one run (EXPLAIN ANALYZE, each measured run)
 * @param maxStatementTimeout the longest time limit a caller may ask for
 * @param maxDuration         the most one tuning measures for, candidates' builds included; what
 *                            is left unmeasured when it runs out is reported as such
 * @param minSpeedup          how much faster (median against median) a candidate must make the
 *                            statement to be recommended
 */
@ConfigurationProperties("offshoot.tuning")
public record TuningProperties(
        @DefaultValue("30m") Duration keep,
        @DefaultValue("3") int maxKept,
        @DefaultValue("5") int runs,
        @DefaultValue("20") int maxRuns,
        @DefaultValue("5") int maxCandidates,
        @DefaultValue("30s") Duration statementTimeout,
        @DefaultValue("5m") Duration maxStatementTimeout,
        @DefaultValue("5m") Duration maxDuration,
        @DefaultValue("1.2") double minSpeedup) {
}
