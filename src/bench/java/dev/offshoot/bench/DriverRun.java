package dev.offshoot.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.offshoot.Api;
import dev.offshoot.TestDocker;
import dev.offshoot.runtime.Labels;
import tools.jackson.databind.JsonNode;

/** The measurements of one storage driver against its running service. */
final class DriverRun {

    private static final Duration READY = Duration.ofSeconds(60);
    private static final Path SAMPLES = Path.of(System.getProperty("offshoot.bench.samples", "samples"));

    private final BenchService service;
    private final Api api;
    private final Benchmark.Options options;
    private final Rows rows;
    private final String column;
    /** Branch names' numbers: the density rows create from several threads at once. */
    private final java.util.concurrent.atomic.AtomicInteger sequence = new java.util.concurrent.atomic.AtomicInteger();

    DriverRun(BenchService service, Benchmark.Options options, Rows rows) {
        this.service = service;
        this.api = service.api;
        this.options = options;
        this.rows = rows;
        this.column = service.driver;
    }

    /**
     * A branch as created: its name, how to connect as its owner, how long the create took to
     * answer ({@code answeredNanos}) and to the first answered query ({@code nanos}).
     */
    record Created(String name, String jdbcUrl, String user, String password, String id, long answeredNanos,
            long nanos) {
    }

    void run(Peers peers) throws Exception {
        String tiny = template("bench-tiny", options.tinyMb());
        long start = System.nanoTime();
        String big = template("bench-big", options.sizeMb());
        rows.put(rows.buildBig, column, Stats.duration(System.nanoTime() - start));
        if (options.measures("create")) {
            createToFirstQuery(tiny, rows.createTinyP50, rows.createTinyP90);
            createToFirstQuery(big, rows.createBigP50, rows.createBigP90);
        }
        if (options.measures("pool")) {
            new PoolRun(this, api, rows, column, options.n()).run(big);
        }
        if (peers != null) {
            peers(peers, tiny, big);
        }
        if (options.measures("write") || options.measures("fork") || options.measures("reset")) {
            writeForkReset(big);
        }
        if (options.measures("check")) {
            check();
        }
        if (options.measures("tuning")) {
            new TuningRun(this, api, rows, column, Math.min(options.n(), 5)).run(pagila());
        }
        if (options.measures("idle")) {
            idle(big);
        }
        if (options.measures("gateway")) {
            new GatewayRun(this, api, rows, column, options).run(big);
        }
        if (options.measures("density")) {
            new DensityRun(this, api, rows, column, options).run(big);
        }
    }

    String instanceId() {
        return service.instanceId;
    }

    private String template(String name, int sizeMb) {
        long rowsPerMb = 1024; // 8 rows of ~930 bytes per 8 KB page, stored uncompressed
        String sql = "CREATE TABLE big (id int PRIMARY KEY, pad text NOT NULL);\n"
                + "ALTER TABLE big ALTER COLUMN pad SET STORAGE PLAIN;\n"
                + "INSERT INTO big SELECT g, repeat(md5(g::text), 28) FROM generate_series(1, "
                + rowsPerMb * sizeMb + ") g;\n"
                // hint bits and visibility set in the template, so a branch's first read writes nothing
                + "VACUUM (FREEZE, ANALYZE) big;\n";
        System.out.println("building template " + name + " (" + sizeMb + " MB)");
        Api.Response response = api.postSql("/api/v1/templates", Map.of("name", name, "database", "bench"),
                Map.of("big.sql", sql.getBytes(StandardCharsets.UTF_8)));
        require(response, 201, "template " + name);
        return name;
    }

    private void createToFirstQuery(String template, String p50Row, String p90Row) throws SQLException {
        Stats stats = new Stats();
        for (int i = 0; i < options.n(); i++) {
            Created branch = create(Map.of("template", template));
            stats.add(branch.nanos());
            delete(branch.name());
        }
        rows.put(p50Row, column, stats.p(50));
        rows.put(p90Row, column, stats.p(90));
    }

    /** Creates a branch and times the request to the first answered query. */
    Created create(Map<String, Object> parent) throws SQLException {
        Map<String, Object> body = new LinkedHashMap<>(parent);
        String name = "b" + sequence.incrementAndGet() + "-" + column;
        body.put("name", name);
        long start = System.nanoTime();
        Api.Response response = api.post("/api/v1/branches", body);
        long answered = System.nanoTime() - start;
        require(response, 201, "create " + name);
        JsonNode connection = response.body().get("connection");
        Benchmark.firstQuery(connection.get("jdbcUrl").asString(), connection.get("user").asString(),
                connection.get("password").asString(), READY);
        return new Created(name, connection.get("jdbcUrl").asString(), connection.get("user").asString(),
                connection.get("password").asString(), response.body().get("id").asString(),
                answered, System.nanoTime() - start);
    }

    void delete(String name) {
        require(api.delete("/api/v1/branches/" + name + "?force=true"), 204, "delete " + name);
    }

    /** Peers: p50 of a few runs each (they do not depend on the driver, so they run once). */
    private void peers(Peers peers, String tiny, String big) throws SQLException {
        int runs = Math.min(options.n(), 5);
        rows.put(rows.dockerRunTiny, Benchmark.PEER, dockerRuns(peers, image(tiny), service.revisionData(tiny), runs,
                null).p(50));
        Stats copies = new Stats();
        rows.put(rows.dockerRunBig, Benchmark.PEER, dockerRuns(peers, image(big), service.revisionData(big), runs,
                copies).p(50));
        rows.put(rows.fileCopy, Benchmark.PEER, copies.p(50));
    }

    private static Stats dockerRuns(Peers peers, String image, Optional<Path> data, int runs, Stats copies)
            throws SQLException {
        Stats stats = new Stats();
        for (int i = 0; i < runs; i++) {
            Peers.Started server = peers.dockerRun(image, data, "bench");
            stats.add(server.nanosToFirstQuery());
            if (copies != null) {
                copies.add(peers.fileCopy(server, "bench"));
            }
            peers.remove(server);
        }
        return stats;
    }

    private String image(String template) {
        JsonNode revisions = api.get("/api/v1/templates/" + template).body().get("revisions");
        return revisions.get(revisions.size() - 1).get("image").asString();
    }

    private void writeForkReset(String big) throws SQLException {
        Created branch = create(Map.of("template", big));
        if (options.measures("write")) {
            long before = diskUsage(branch.name());
            try (Connection c = DriverManager.getConnection(branch.jdbcUrl(), branch.user(), branch.password());
                    Statement st = c.createStatement()) {
                long start = System.nanoTime();
                st.executeUpdate("UPDATE big SET pad = repeat('y', 896) WHERE id = 1");
                rows.put(rows.writeTime, column, Stats.duration(System.nanoTime() - start));
            }
            checkpoint(branch.id());
            rows.put(rows.writeBytes, column, Stats.bytes(Math.max(0, diskUsage(branch.name()) - before)));
        }
        if (options.measures("fork")) {
            Created child = create(Map.of("fromBranch", branch.name()));
            rows.put(rows.fork, column, Stats.duration(child.nanos()));
            delete(child.name());
        }
        if (options.measures("reset")) {
            long start = System.nanoTime();
            require(api.post("/api/v1/branches/" + branch.name() + "/reset", null), 200, "reset");
            Benchmark.firstQuery(branch.jdbcUrl(), branch.user(), branch.password(), READY);
            rows.put(rows.reset, column, Stats.duration(System.nanoTime() - start));
        }
        delete(branch.name());
    }

    private long diskUsage(String branch) {
        JsonNode usage = api.get("/api/v1/branches/" + branch).body().get("diskUsageBytes");
        return usage == null || usage.isNull() ? 0 : usage.asLong();
    }

    /** Writes the dirty page out, so the branch's disk holds what the write costs. */
    private void checkpoint(String branchId) {
        TestDocker.client().listContainersCmd().withLabelFilter(Map.of(Labels.BRANCH_ID, branchId)).exec()
                .forEach(c -> TestDocker.exec(c.getId(), "postgres", "psql", "-X", "-q", "-U", "postgres", "-d",
                        "postgres", "-c", "CHECKPOINT"));
    }

    /** The Pagila template the check and tuning rows share, built once. */
    private String pagila() throws IOException {
        if (api.get("/api/v1/templates/bench-pagila").status() == 200) {
            return "bench-pagila";
        }
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("pagila-schema.sql", Files.readAllBytes(SAMPLES.resolve("pagila/pagila-schema.sql")));
        files.put("pagila-data.sql", Files.readAllBytes(SAMPLES.resolve("pagila/pagila-data.sql")));
        require(api.postSql("/api/v1/templates", Map.of("name", "bench-pagila", "database", "pagila"), files), 201,
                "template bench-pagila");
        return "bench-pagila";
    }

    private void check() throws IOException, SQLException {
        Created branch = create(Map.of("template", pagila()));
        Map<String, Object> migrations = Map.of("migrations", List.of(
                Map.of("name", "V1__note.sql", "sql", "ALTER TABLE film ADD COLUMN bench_note text"),
                Map.of("name", "V2__note_index.sql", "sql", "CREATE INDEX film_bench_note_idx ON film (bench_note)")));
        // a check answers before its throwaway is removed: one alone starts on a quiet machine, while
        // one right after another shares it with the previous removal
        Stats alone = new Stats();
        Stats backToBack = new Stats();
        for (int i = 0; i < Math.min(options.n(), 5); i++) {
            awaitNoThrowaways();
            alone.add(timedCheck(branch.name(), migrations));
        }
        for (int i = 0; i < Math.min(options.n(), 5); i++) {
            backToBack.add(timedCheck(branch.name(), migrations));
        }
        rows.put(rows.check, column, alone.p(50));
        rows.put(rows.checkBackToBack, column, backToBack.p(50));
        awaitNoThrowaways();
        delete(branch.name());
    }

    private long timedCheck(String branch, Map<String, Object> migrations) {
        long start = System.nanoTime();
        require(api.post("/api/v1/branches/" + branch + "/migrations/check", migrations), 200, "check");
        return System.nanoTime() - start;
    }

    void awaitNoThrowaways() {
        awaitNoThrowaways("check");
    }

    /** Waits until no throwaway branch of that purpose (check, explain, tune) is left. */
    void awaitNoThrowaways(String purpose) {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(60).toNanos();
        while (api.get("/api/v1/branches?label=offshoot-throwaway=" + purpose).body().get("items").size() > 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("a check's throwaway branch was not removed within 60 s");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private void idle(String big) throws SQLException {
        List<Created> idle = new ArrayList<>();
        for (int i = 0; i < options.n(); i++) {
            idle.add(create(Map.of("template", big)));
        }
        List<String> ids = new ArrayList<>();
        long disk = 0;
        for (Created branch : idle) {
            disk += diskUsage(branch.name());
            TestDocker.client().listContainersCmd().withLabelFilter(Map.of(Labels.BRANCH_ID, branch.id())).exec()
                    .forEach(c -> ids.add(c.getId()));
        }
        List<String> command = new ArrayList<>(List.of("docker", "stats", "--no-stream", "--format", "{{.MemUsage}}"));
        command.addAll(ids);
        long memory = Shell.run(command.toArray(String[]::new)).lines()
                .mapToLong(l -> parseSize(l.split("/")[0].strip())).sum();
        rows.put(rows.idleMemory, column, ids.isEmpty() ? "n/a" : Stats.bytes(memory / ids.size()));
        rows.put(rows.idleDisk, column, Stats.bytes(disk / idle.size()));
        idle.forEach(b -> delete(b.name()));
    }

    /** Docker's sizes: "15.4MiB", "812kB", "1.2GiB". */
    static long parseSize(String size) {
        String number = size.replaceAll("[^0-9.]", "");
        String unit = size.replaceAll("[0-9.]", "").toLowerCase();
        double factor = switch (unit) {
            case "kib", "kb" -> 1024;
            case "mib", "mb" -> 1024 * 1024;
            case "gib", "gb" -> 1024.0 * 1024 * 1024;
            default -> 1;
        };
        return number.isEmpty() ? 0 : (long) (Double.parseDouble(number) * factor);
    }

    static void require(Api.Response response, int status, String what) {
        if (response.status() != status && !(status == 201 && response.status() == 200)) {
            throw new IllegalStateException(what + ": HTTP " + response.status() + " " + response.body());
        }
    }
}
