package dev.offshoot.bench;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;

import dev.offshoot.Api;
import tools.jackson.databind.JsonNode;

/**
 * Query tuning on a Pagila branch, where rental has no index on customer_id: EXPLAIN ANALYZE on a
 * throwaway copy, and a tuning of two index candidates with 5 runs each. Beside the tuning: the
 * part of it spent measuring (its runs and index builds, as its answer reports them), and one copy
 * of the branch, what each candidate would add if it got a copy of its own instead of a rollback.
 */
final class TuningRun {

    private static final String STATEMENT = "SELECT r.rental_id, r.rental_date FROM rental r WHERE r.customer_id = 42";
    private static final List<String> CANDIDATES = List.of("CREATE INDEX rental_customer_id_idx ON rental (customer_id)",
            "CREATE INDEX rental_staff_id_idx ON rental (staff_id)");

    private final DriverRun run;
    private final Api api;
    private final Rows rows;
    private final String column;
    private final int n;

    TuningRun(DriverRun run, Api api, Rows rows, String column, int n) {
        this.run = run;
        this.api = api;
        this.rows = rows;
        this.column = column;
        this.n = n;
    }

    void run(String template) throws SQLException {
        DriverRun.Created branch = run.create(Map.of("template", template));
        String path = "/api/v1/branches/" + branch.name();
        Stats explain = new Stats();
        Stats tuning = new Stats();
        Stats measured = new Stats();
        Stats copy = new Stats();
        for (int i = 0; i < n; i++) {
            run.awaitNoThrowaways("explain");
            long start = System.nanoTime();
            DriverRun.require(api.post(path + "/explain", Map.of("sql", STATEMENT, "analyze", true)), 200, "explain");
            explain.add(System.nanoTime() - start);
        }
        for (int i = 0; i < n; i++) {
            run.awaitNoThrowaways("tune");
            long start = System.nanoTime();
            Api.Response prepared = api.post(path + "/tunings", Map.of("statement", STATEMENT, "candidates",
                    CANDIDATES, "runs", 5));
            tuning.add(System.nanoTime() - start);
            DriverRun.require(prepared, 201, "tuning");
            measured.add(measuredNanos(prepared.body()));
            DriverRun.require(api.delete(path + "/tunings/" + prepared.body().get("tuningId").asString()), 204,
                    "discard");
        }
        for (int i = 0; i < n; i++) {
            DriverRun.Created child = run.create(Map.of("fromBranch", branch.name()));
            copy.add(child.answeredNanos());
            run.delete(child.name());
        }
        rows.put(rows.explainAnalyze, column, explain.p(50));
        rows.put(rows.tuning, column, tuning.p(50));
        rows.put(rows.tuningMeasured, column, measured.p(50));
        rows.put(rows.tuningCopy, column, copy.p(50));
        run.awaitNoThrowaways("tune");
        run.delete(branch.name());
    }

    /** The runs and builds a tuning's answer reports, in nanoseconds. */
    private static long measuredNanos(JsonNode report) {
        double ms = runs(report.get("baseline"));
        for (JsonNode candidate : report.get("candidates")) {
            ms += runs(candidate) + (candidate.has("buildMs") ? candidate.get("buildMs").asDouble() : 0);
        }
        return (long) (ms * 1_000_000);
    }

    private static double runs(JsonNode measurement) {
        double ms = 0;
        for (JsonNode run : measurement.path("runsMs")) {
            ms += run.asDouble();
        }
        return ms;
    }
}
