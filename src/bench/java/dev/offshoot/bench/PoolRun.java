package dev.offshoot.bench;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.offshoot.Api;
import tools.jackson.databind.JsonNode;

/** Warm-pool claims: fill the pool of the big template, then create from it, each time from a full pool. */
final class PoolRun {

    private static final Duration FILL = Duration.ofMinutes(5);

    private final DriverRun run;
    private final Api api;
    private final Rows rows;
    private final String column;
    private final int n;

    PoolRun(DriverRun run, Api api, Rows rows, String column, int n) {
        this.run = run;
        this.api = api;
        this.rows = rows;
        this.column = column;
        this.n = n;
    }

    void run(String template) throws SQLException {
        Api.Response sized = api.patch("/api/v1/templates/" + template, Map.of("poolSize", n));
        if (sized.status() >= 400) {
            rows.put(rows.claimP50, column, "n/a");
            rows.put(rows.claimQueryP50, column, "n/a");
            System.out.println("warm pool: n/a (PATCH poolSize answered " + sized.status() + ")");
            return;
        }
        Stats claims = new Stats();
        Stats toQuery = new Stats();
        List<String> created = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            // a pool sized for its arrivals: the refill after the last claim does not run during this one
            await(template, n);
            DriverRun.Created branch = run.create(Map.of("template", template));
            toQuery.add(branch.nanos());
            claims.add(branch.answeredNanos());
            created.add(branch.name());
        }
        DriverRun.require(api.patch("/api/v1/templates/" + template, Map.of("poolSize", 0)), 200, "drain pool");
        await(template, 0);
        rows.put(rows.claimP50, column, claims.p(50));
        rows.put(rows.claimQueryP50, column, toQuery.p(50));
        created.forEach(run::delete);
    }

    /** Polls the template until exactly {@code ready} members are parked. */
    private void await(String template, int ready) {
        long deadline = System.nanoTime() + FILL.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode body = api.get("/api/v1/templates/" + template).body();
            JsonNode parked = body.get("poolReady");
            if (parked != null && parked.asInt() == ready) {
                return;
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        throw new IllegalStateException("the warm pool of " + template + " did not reach " + ready + " within " + FILL);
    }
}
