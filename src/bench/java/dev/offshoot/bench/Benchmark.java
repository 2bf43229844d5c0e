package dev.offshoot.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import dev.offshoot.TestDocker;

/**
 * The service's figures (create, warm-pool claim, first write, branch of a branch, reset, check,
 * idle cost) in one run, per storage driver, side by side, as a table: not a timed test and not
 * part of the build's tests (its own source set, src/bench/java, compiled only by the bench profile). Run it with {@code scripts/bench.sh}; options come from the
 * environment:
 * <ul>
 * <li>{@code BENCH_N} repetitions of each timed operation and idle branches (10)</li>
 * <li>{@code BENCH_SIZE_MB} size of the big template (1024) and {@code BENCH_TINY_MB} of the tiny one (8)</li>
 * <li>{@code BENCH_DRIVERS} storage drivers, in order (overlay,reflink)</li>
 * <li>{@code BENCH_ROWS} which groups of rows to measure (all, or some of
 * create,pool,peers,write,fork,reset,check,tuning,idle,gateway,density)</li>
 * <li>{@code BENCH_DENSITY} branch counts of the density rows (100,1000), all but 10 suspended</li>
 * </ul>
 * The service runs in this JVM once per driver, with a metadata Postgres of its own and a fresh
 * instance id; everything it made is removed at the end, also when a step fails or the run is
 * interrupted.
 */
public final class Benchmark {

    static final String TOKEN = "bench-" + UUID.randomUUID();
    static final String BASE_IMAGE = System.getenv().getOrDefault("OFFSHOOT_BASE_IMAGE", "offshoot/postgres:15-local");
    /** Templates run the product's default major, 17: its local build (scripts/prepare.sh). */
    static final String BASE_IMAGE_17 = System.getenv().getOrDefault("OFFSHOOT_POSTGRES_17_IMAGE",
            "offshoot/postgres:17-local");
    static final String PEER = "peer";

    record Options(int n, int sizeMb, int tinyMb, List<String> drivers, Set<String> rows, String storagePath,
            List<Integer> density) {

        static Options fromEnvironment() {
            String rows = env("BENCH_ROWS", "all");
            return new Options(Integer.parseInt(env("BENCH_N", "10")), Integer.parseInt(env("BENCH_SIZE_MB", "1024")),
                    Integer.parseInt(env("BENCH_TINY_MB", "8")), Arrays.asList(env("BENCH_DRIVERS",
                            "overlay,reflink").split(",")),
                    rows.equals("all") ? Set.of("create", "pool", "peers", "write", "fork", "reset", "check", "tuning",
                            "idle", "gateway", "density") : Set.of(rows.split(",")),
                    env("OFFSHOOT_STORAGE_PATH", "/var/lib/offshoot/storage"),
                    Arrays.stream(env("BENCH_DENSITY", "100,1000").split(",")).map(String::strip)
                            .map(Integer::parseInt).toList());
        }

        boolean measures(String group) {
            return rows.contains(group);
        }

        String big() {
            return sizeMb >= 1024 && sizeMb % 1024 == 0 ? sizeMb / 1024 + " GB" : sizeMb + " MB";
        }

        String tiny() {
            return tinyMb + " MB";
        }

        private static String env(String name, String fallback) {
            String value = System.getenv(name);
            return value == null || value.isBlank() ? fallback : value.strip();
        }
    }

    private Benchmark() {
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.fromEnvironment();
        String runId = "bench" + UUID.randomUUID().toString().substring(0, 6);
        List<String> columns = new ArrayList<>(options.drivers());
        columns.add(PEER);
        Table table = new Table(columns);
        Rows rows = new Rows(options, table);
        System.out.println(Machine.describe(options.storagePath()));
        List<String> instances = new ArrayList<>();
        MetadataStore store = new MetadataStore();
        Peers peers = new Peers(runId);
        Thread cleanup = new Thread(() -> cleanUp(instances, peers, store));
        Runtime.getRuntime().addShutdownHook(cleanup);
        int exit = 0;
        try {
            store.start();
            boolean peersMeasured = !options.measures("peers");
            for (String driver : options.drivers()) {
                String instanceId = runId + driver.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
                instances.add(instanceId);
                peersMeasured |= measure(driver, instanceId, store, options, rows, peersMeasured ? null : peers);
            }
        } catch (Exception | Error e) {
            // whatever happened, the JVM exits (with the table so far), so the cleanup hook runs
            exit = 1;
            e.printStackTrace();
        } finally {
            System.out.println();
            System.out.println("N=" + options.n() + "; big template " + options.big() + ", tiny " + options.tiny());
            System.out.print(table.render());
        }
        System.exit(exit);
    }

    /** Measures one driver; returns whether it also measured the peers. */
    private static boolean measure(String driver, String instanceId, MetadataStore store, Options options, Rows rows,
            Peers peers) {
        System.out.println("== " + driver + " (instance " + instanceId + ")");
        BenchService service;
        try {
            service = BenchService.start(driver, instanceId, store);
        } catch (RuntimeException e) {
            rows.unavailable(driver, "service did not start: " + rootMessage(e));
            return false;
        }
        try (service) {
            Optional<String> unavailable = service.unavailable();
            if (unavailable.isPresent()) {
                rows.unavailable(driver, unavailable.get());
                return false;
            }
            new DriverRun(service, options, rows).run(peers);
            return peers != null;
        } catch (Exception e) {
            e.printStackTrace();
            rows.unavailable(driver, "failed: " + rootMessage(e));
            return false;
        }
    }

    private static void cleanUp(List<String> instances, Peers peers, MetadataStore store) {
        for (String instance : instances) {
            try {
                TestDocker.removeEverythingOf(instance);
            } catch (RuntimeException e) {
                System.err.println("cleanup of " + instance + ": " + e.getMessage());
            }
        }
        try {
            peers.close();
        } catch (Exception e) {
            System.err.println("cleanup of peers: " + e.getMessage());
        }
        store.close();
    }

    static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return String.valueOf(root.getMessage()).lines().findFirst().orElse("");
    }

    /** Polls until the database answers {@code SELECT 1}; keeps the last error for the timeout's message. */
    static void firstQuery(String jdbcUrl, String user, String password, Duration timeout) throws SQLException {
        long deadline = System.nanoTime() + timeout.toNanos();
        SQLException last;
        do {
            try (Connection c = DriverManager.getConnection(jdbcUrl, user, password);
                    Statement st = c.createStatement()) {
                st.execute("SELECT 1");
                return;
            } catch (SQLException e) {
                last = e;
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw last;
            }
        } while (System.nanoTime() < deadline);
        throw last;
    }
}
