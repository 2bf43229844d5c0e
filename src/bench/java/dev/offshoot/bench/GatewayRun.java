package dev.offshoot.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

import com.github.dockerjava.api.command.InspectContainerResponse;

import dev.offshoot.Api;
import dev.offshoot.TestDocker;
import dev.offshoot.runtime.Labels;
import tools.jackson.databind.JsonNode;

/**
 * The gateway's figures beside their floors, on one branch of the big template: a wake on connect
 * against a raw {@code docker start} of the same container to its first query; connection setup
 * through the gateway (TLS, and plain text from the loopback) against a direct connection to the
 * container; {@code pgbench -S -c 8 -T 20} through the gateway against directly. The memory of many
 * branches, nearly all suspended, is {@link DensityRun}'s.
 */
final class GatewayRun {

    private static final Duration READY = Duration.ofSeconds(60);
    private static final int SETUPS = 200;

    private final DriverRun driver;
    private final Api api;
    private final Rows rows;
    private final String column;
    private final Benchmark.Options options;

    GatewayRun(DriverRun driver, Api api, Rows rows, String column, Benchmark.Options options) {
        this.driver = driver;
        this.api = api;
        this.rows = rows;
        this.column = column;
        this.options = options;
    }

    void run(String big) throws Exception {
        DriverRun.Created branch = driver.create(Map.of("template", big));
        try {
            wakeAgainstDockerStart(branch);
            connectionSetup(branch);
            pgbench(branch);
        } finally {
            driver.delete(branch.name());
        }
    }

    /** Suspend, then time a connect through the gateway; suspend, then time docker start to a direct query. */
    private void wakeAgainstDockerStart(DriverRun.Created branch) throws Exception {
        Stats wakes = new Stats();
        Stats floors = new Stats();
        for (int i = 0; i < options.n(); i++) {
            suspend(branch);
            long start = System.nanoTime();
            Benchmark.firstQuery(branch.jdbcUrl(), branch.user(), branch.password(), READY);
            wakes.add(System.nanoTime() - start);

            suspend(branch);
            String container = container(branch);
            start = System.nanoTime();
            TestDocker.client().startContainerCmd(container).exec();
            Benchmark.firstQuery(direct(container), branch.user(), branch.password(), READY);
            floors.add(System.nanoTime() - start);
            TestDocker.client().stopContainerCmd(container).exec();
        }
        rows.put(rows.wakeP50, column, wakes.p(50));
        rows.put(rows.wakeP50, Benchmark.PEER, floors.p(50));
        rows.put(rows.wakeOverFloor, column, Stats.duration((wakes.percentile(50) - floors.percentile(50)) * 1e6));
        require(api.post("/api/v1/branches/" + branch.name() + "/wake", null), "wake");
    }

    /** Connect, SELECT 1, close: through the gateway with TLS, with plain text, and directly. */
    private void connectionSetup(DriverRun.Created branch) throws SQLException {
        String direct = direct(container(branch));
        String plain = branch.jdbcUrl().replace("sslmode=require", "sslmode=disable");
        Stats tls = setups(branch.jdbcUrl(), branch);
        Stats clear = setups(plain, branch);
        Stats floor = setups(direct, branch);
        rows.put(rows.setupTls, column, Stats.precise(tls.percentile(50)));
        rows.put(rows.setupPlain, column, Stats.precise(clear.percentile(50)));
        rows.put(rows.setupTls, Benchmark.PEER, Stats.precise(floor.percentile(50)));
        rows.put(rows.setupPlain, Benchmark.PEER, Stats.precise(floor.percentile(50)));
        rows.put(rows.setupOverhead, column, Stats.precise(tls.percentile(50) - floor.percentile(50)));
    }

    private static Stats setups(String url, DriverRun.Created branch) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", branch.user());
        props.setProperty("password", branch.password());
        Stats stats = new Stats();
        for (int i = 0; i < SETUPS + 20; i++) {
            long start = System.nanoTime();
            try (Connection c = DriverManager.getConnection(url, props); Statement st = c.createStatement()) {
                st.execute("SELECT 1");
            }
            if (i >= 20) {
                stats.add(System.nanoTime() - start);
            }
        }
        return stats;
    }

    /** pgbench's select-only run, 8 clients for 20 s, through the gateway and directly; TPS of each. */
    private void pgbench(DriverRun.Created branch) throws Exception {
        JsonNode c = api.get("/api/v1/branches/" + branch.name()).body().get("connection");
        Map<String, String> gateway = Map.of("PGHOST", c.get("host").asString(), "PGPORT", c.get("port").asString(),
                "PGSSLMODE", "require", "PGOPTIONS", c.get("options").asString(), "PGUSER", branch.user(),
                "PGPASSWORD", branch.password(), "PGDATABASE", c.get("database").asString());
        InspectContainerResponse inspected = TestDocker.client().inspectContainerCmd(container(branch)).exec();
        String ip = inspected.getNetworkSettings().getNetworks().get(TestDocker.BRANCH_NETWORK).getIpAddress();
        Map<String, String> direct = Map.of("PGHOST", ip, "PGPORT", "5432", "PGSSLMODE", "disable",
                "PGUSER", branch.user(), "PGPASSWORD", branch.password(), "PGDATABASE", c.get("database").asString());
        Shell.run(direct, "pgbench", "-i", "-q", "-s", "10");
        double throughGateway = tps(Shell.run(gateway, "pgbench", "-S", "-c", "8", "-j", "2", "-T", "20", "-n"));
        double directly = tps(Shell.run(direct, "pgbench", "-S", "-c", "8", "-j", "2", "-T", "20", "-n"));
        rows.put(rows.pgbench, column, String.format(java.util.Locale.ROOT, "%.0f tps", throughGateway));
        rows.put(rows.pgbench, Benchmark.PEER, String.format(java.util.Locale.ROOT, "%.0f tps", directly));
        rows.put(rows.pgbenchShare, column, String.format(java.util.Locale.ROOT, "%.0f %%", 100 * throughGateway / directly));
    }

    static double tps(String output) {
        return output.lines().filter(l -> l.startsWith("tps = ")).findFirst()
                .map(l -> Double.parseDouble(l.substring(6).split(" ")[0]))
                .orElseThrow(() -> new IllegalStateException("no tps in pgbench's output: " + output));
    }

    private void suspend(DriverRun.Created branch) {
        require(api.post("/api/v1/branches/" + branch.name() + "/suspend", null), "suspend");
    }

    private static String container(DriverRun.Created branch) {
        return TestDocker.client().listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(Labels.BRANCH_ID, branch.id())).exec().getFirst().getId();
    }

    /** The container's own address on the branch network, plain text: the floor of every connection. */
    private static String direct(String container) {
        String ip = TestDocker.client().inspectContainerCmd(container).exec().getNetworkSettings().getNetworks()
                .get(TestDocker.BRANCH_NETWORK).getIpAddress();
        return "jdbc:postgresql://" + ip + ":5432/bench?sslmode=disable";
    }

    private static void require(Api.Response response, String what) {
        DriverRun.require(response, 200, what);
    }
}
