package dev.offshoot.tuning;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Holds each candidate's measurement against the statement as it is, and picks the change to
 * recommend: the fastest by median among those that ran, returned as many rows as the statement
 * (a rewrite that returns other rows is another query), made it at least {@code minSpeedup} times
 * faster, and whose slowest run was faster than the statement's median (a gain inside the noise is
 * none). Among changes within 5% of the fastest, the one that costs least wins: no new index first,
 * then the smallest.
 */
final class Comparison {

    private Comparison() {
    }

    /**
     * @param candidate the recommended candidate's number, or null when none is
     * @param migration the migration it would land as (complete_query_tuning), or null
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Recommendation(Integer candidate, String kind, String change, Double speedup, String reason,
            String migration) {
    }

    static Recommendation recommend(Measurement baseline, List<Measurement> measured, List<Candidate> candidates,
            double minSpeedup) {
        List<Measurement> eligible = measured.stream().filter(Measurement::measured)
                .filter(m -> m.rows() == null || baseline.rows() == null || m.rows().equals(baseline.rows()))
                .filter(m -> speedup(baseline, m) >= minSpeedup && m.maxMs() < baseline.medianMs()).toList();
        Optional<Measurement> fastest = eligible.stream().max(Comparator.comparingDouble(m -> speedup(baseline, m)));
        if (fastest.isEmpty()) {
            return new Recommendation(null, null, null, null, "keep the statement as it is: no candidate made it at"
                    + " least " + minSpeedup + " times faster (median against median) beyond the spread of its runs"
                    + (measured.stream().anyMatch(m -> !m.measured()) ? "; see the errors of those not measured" : "")
                    + rowsNote(baseline, measured), null);
        }
        double best = speedup(baseline, fastest.get());
        Measurement chosen = eligible.stream().filter(m -> speedup(baseline, m) >= 0.95 * best)
                .min(Comparator.comparingLong((Measurement m) -> m.indexBytes() == null ? 0 : m.indexBytes())
                        .thenComparing(m -> -speedup(baseline, m))).orElseThrow();
        Candidate candidate = candidates.get(chosen.candidate() - 1);
        return new Recommendation(chosen.candidate(), chosen.kind(), chosen.change(), round2(speedup(baseline, chosen)),
                reason(baseline, chosen, candidate), candidate.migrationSql());
    }

    private static String reason(Measurement baseline, Measurement chosen, Candidate candidate) {
        StringBuilder why = new StringBuilder(String.format(Locale.ROOT, "candidate %d (%s) makes the statement"
                + " %.1f times faster: median %.3f ms against %.3f ms", chosen.candidate(), chosen.kind(),
                speedup(baseline, chosen), chosen.medianMs(), baseline.medianMs()));
        if (!chosen.plan().equals(baseline.plan())) {
            why.append("; the plan changes from ").append(baseline.plan()).append(" to ").append(chosen.plan());
        }
        if (chosen.indexBytes() != null) {
            why.append(String.format(Locale.ROOT, "; its index takes %s and built in %d ms on the copy",
                    bytes(chosen.indexBytes()), chosen.buildMs()));
        }
        why.append(candidate.migrationSql() != null ? ". complete_query_tuning lands it as a migration through the"
                + " gate" : ". It is no migration: " + candidate.advice());
        return why.toString();
    }

    private static String rowsNote(Measurement baseline, List<Measurement> measured) {
        return measured.stream().anyMatch(m -> m.measured() && baseline.rows() != null && m.rows() != null
                && !m.rows().equals(baseline.rows())) ? "; a rewrite that returns other rows than the statement is"
                + " not comparable" : "";
    }

    static double speedup(Measurement baseline, Measurement candidate) {
        return baseline.medianMs() / Math.max(0.001, candidate.medianMs());
    }

    /** The measurements as a Markdown table, the statement as it is first. */
    static String table(Measurement baseline, List<Measurement> measured) {
        StringBuilder out = new StringBuilder("| # | change | median ms | min-max ms | speedup | plan changed | rows"
                + " | index | build ms |\n|---|---|---|---|---|---|---|---|---|\n");
        row(out, baseline, baseline);
        measured.forEach(m -> row(out, baseline, m));
        return out.toString();
    }

    private static void row(StringBuilder out, Measurement baseline, Measurement m) {
        String change = m.change().length() > 60 ? m.change().substring(0, 60) + "..." : m.change();
        if (m.candidate() == 0) {
            change = "(as it is)";
        }
        if (!m.measured()) {
            out.append(String.format(Locale.ROOT, "| %d | %s | not measured: %s | | | | | | |%n", m.candidate(),
                    cell(change), cell(m.error())));
            return;
        }
        out.append(String.format(Locale.ROOT, "| %d | %s | %.3f | %.3f-%.3f | %.2f | %s | %s | %s | %s |%n",
                m.candidate(), cell(change), m.medianMs(), m.minMs(), m.maxMs(), speedup(baseline, m),
                m.candidate() == 0 ? "" : m.plan().equals(baseline.plan()) ? "no" : "yes",
                m.rows() == null ? "" : m.rows(), m.indexBytes() == null ? "" : bytes(m.indexBytes()),
                m.buildMs() == null ? "" : m.buildMs()));
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }

    static String bytes(long bytes) {
        return bytes < 10 * 1024 ? bytes + " B" : bytes < 10L * 1024 * 1024 ? bytes / 1024 + " kB"
                : bytes / (1024 * 1024) + " MB";
    }

    private static double round2(double value) {
        return Math.round(value * 100) / 100.0;
    }
}
