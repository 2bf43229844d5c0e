package dev.offshoot.bench;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import com.github.dockerjava.api.command.InspectContainerResponse;

import dev.offshoot.Api;
import dev.offshoot.TestDocker;
import dev.offshoot.runtime.Labels;
import tools.jackson.databind.JsonNode;

/**
 * The gateway's figures beside their floors, on one branch of the big template: a wake on connect
 * against a raw {@code docker start} of the same container to its first query; connection setup
 * (pgjdbc in a JVM of its own, and libpq) and {@code pgbench -S -c 8 -T 20} through the gateway
 * against a direct connection to the container, TLS against TLS and plain text against plain text,
 * with socat (a bare TCP relay) as the floor of any proxy; the pgbench runs once more with the
 * database and the gateway on cores of their own. The memory of many branches, nearly all
 * suspended, is {@link DensityRun}'s.
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
            serveTlsDirectly(container(branch));
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

    /**
     * The branch's own server takes TLS as well (Debian's snapshot certificate, RSA 2048, which the
     * image has), so the floor of a TLS connection is a direct TLS connection: the gateway's cost is
     * what it adds to the same client doing the same handshake.
     */
    private static void serveTlsDirectly(String container) {
        Shell.run("docker", "exec", "-u", "postgres", container, "psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-U",
                "postgres", "-d", "postgres", "-c", "ALTER SYSTEM SET ssl_cert_file = '/etc/ssl/certs/ssl-cert-snakeoil.pem'",
                "-c", "ALTER SYSTEM SET ssl_key_file = '/etc/ssl/private/ssl-cert-snakeoil.key'",
                "-c", "ALTER SYSTEM SET ssl = on", "-c", "SELECT pg_reload_conf()");
    }

    /**
     * Connect, SELECT 1, close (pgjdbc, in a JVM of its own): through the gateway and directly, each
     * with TLS and in plain text.
     */
    private void connectionSetup(DriverRun.Created branch) {
        String direct = direct(container(branch));
        String plain = branch.jdbcUrl().replace("sslmode=require", "sslmode=disable");
        Stats tls = setups(branch.jdbcUrl(), branch);
        Stats clear = setups(plain, branch);
        Stats floor = setups(direct, branch);
        Stats tlsFloor = setups(direct.replace("sslmode=disable", "sslmode=require"), branch);
        rows.put(rows.setupTls, column, Stats.precise(tls.percentile(50)));
        rows.put(rows.setupTls, Benchmark.PEER, Stats.precise(tlsFloor.percentile(50)));
        rows.put(rows.setupOverhead, column, Stats.precise(tls.percentile(50) - tlsFloor.percentile(50)));
        rows.put(rows.setupPlain, column, Stats.precise(clear.percentile(50)));
        rows.put(rows.setupPlain, Benchmark.PEER, Stats.precise(floor.percentile(50)));
        rows.put(rows.setupPlainOverhead, column, Stats.precise(clear.percentile(50) - floor.percentile(50)));
    }

    private static Stats setups(String url, DriverRun.Created branch) {
        return JdbcSetups.inOwnJvm(url, branch.user(), branch.password(), SETUPS);
    }

    /**
     * pgbench's select-only run, 8 clients for 20 s, through the gateway and directly, each with TLS
     * and in plain text; TPS of each. Then libpq's connection setup (pgbench -C) the same four ways.
     */
    private void pgbench(DriverRun.Created branch) throws Exception {
        JsonNode c = api.get("/api/v1/branches/" + branch.name()).body().get("connection");
        Map<String, String> gateway = Map.of("PGHOST", c.get("host").asString(), "PGPORT", c.get("port").asString(),
                "PGSSLMODE", "require", "PGOPTIONS", c.get("options").asString(), "PGUSER", branch.user(),
                "PGPASSWORD", branch.password(), "PGDATABASE", c.get("database").asString());
        InspectContainerResponse inspected = TestDocker.client().inspectContainerCmd(container(branch)).exec();
        String ip = inspected.getNetworkSettings().getNetworks().get(TestDocker.BRANCH_NETWORK).getIpAddress();
        Map<String, String> direct = Map.of("PGHOST", ip, "PGPORT", "5432", "PGSSLMODE", "require",
                "PGUSER", branch.user(), "PGPASSWORD", branch.password(), "PGDATABASE", c.get("database").asString());
        Shell.run(plain(direct), "pgbench", "-i", "-q", "-s", "10");
        String[] run = {"pgbench", "-S", "-c", "8", "-j", "2", "-T", "20", "-n"};
        Throughput shared = Throughput.of(gateway, direct, run, null);
        rows.put(rows.pgbench, column, tpsText(shared.gatewayTls()));
        rows.put(rows.pgbench, Benchmark.PEER, tpsText(shared.directTls()));
        rows.put(rows.pgbenchShare, column, share(shared.gatewayTls(), shared.directTls()));
        rows.put(rows.pgbenchPlain, column, tpsText(shared.gatewayPlain()));
        rows.put(rows.pgbenchPlain, Benchmark.PEER, tpsText(shared.directPlain()));
        rows.put(rows.pgbenchPlainShare, column, share(shared.gatewayPlain(), shared.directPlain()));
        rows.put(rows.pgbenchRelay, Benchmark.PEER, tpsText(shared.relayed()));
        rows.put(rows.pgbenchRelayShare, Benchmark.PEER, share(shared.relayed(), shared.directPlain()));
        pinned(container(branch), gateway, direct, run);
        String[] connects = {"pgbench", "-S", "-C", "-c", "1", "-T", "10", "-n"};
        rows.put(rows.setupLibpq, column, Stats.precise(connectionTime(Shell.run(gateway, connects))));
        rows.put(rows.setupLibpq, Benchmark.PEER, Stats.precise(connectionTime(Shell.run(direct, connects))));
        rows.put(rows.setupLibpqPlain, column, Stats.precise(connectionTime(Shell.run(plain(gateway), connects))));
        rows.put(rows.setupLibpqPlain, Benchmark.PEER, Stats.precise(connectionTime(Shell.run(plain(direct), connects))));
        rows.put(rows.setupLibpqRelay, Benchmark.PEER, Stats.precise(connectionTime(throughRelay(plain(direct), connects,
                null))));
    }

    /**
     * The same runs with the cores shared out as on a host where the gateway does not compete with
     * the database it serves: the branch's container and pgbench on core 0, this JVM (the service
     * and its gateway) and socat on core 1; direct runs have the same core 0 and leave core 1 idle.
     * Needs two cores; the affinities are put back after.
     */
    private void pinned(String container, Map<String, String> gateway, Map<String, String> direct, String[] run)
            throws Exception {
        int cores = Runtime.getRuntime().availableProcessors();
        if (cores < 2) {
            List.of(rows.pinnedTls, rows.pinnedTlsShare, rows.pinnedPlain, rows.pinnedPlainShare, rows.pinnedRelay)
                    .forEach(row -> rows.put(row, column, "n/a (one core)"));
            return;
        }
        String self = String.valueOf(ProcessHandle.current().pid());
        String all = "0-" + (cores - 1);
        String[] onCore0 = java.util.stream.Stream.concat(java.util.stream.Stream.of("taskset", "-c", "0"),
                java.util.Arrays.stream(run)).toArray(String[]::new);
        requireShell(Shell.run("docker", "update", "--cpuset-cpus", "0", container), "docker update --cpuset-cpus");
        requireShell(Shell.run("taskset", "-a", "-c", "-p", "1", self), "taskset");
        try {
            Throughput pinned = Throughput.of(gateway, direct, onCore0, "1");
            rows.put(rows.pinnedTls, column, tpsText(pinned.gatewayTls()));
            rows.put(rows.pinnedTls, Benchmark.PEER, tpsText(pinned.directTls()));
            rows.put(rows.pinnedTlsShare, column, share(pinned.gatewayTls(), pinned.directTls()));
            rows.put(rows.pinnedPlain, column, tpsText(pinned.gatewayPlain()));
            rows.put(rows.pinnedPlain, Benchmark.PEER, tpsText(pinned.directPlain()));
            rows.put(rows.pinnedPlainShare, column, share(pinned.gatewayPlain(), pinned.directPlain()));
            rows.put(rows.pinnedRelay, Benchmark.PEER, tpsText(pinned.relayed()) + " ("
                    + share(pinned.relayed(), pinned.directPlain()) + ")");
        } finally {
            Shell.run("taskset", "-a", "-c", "-p", all, self);
            Shell.run("docker", "update", "--cpuset-cpus", all, container);
        }
    }

    /** One pgbench run each way: through the gateway and directly, with TLS and in plain text, and through socat. */
    private record Throughput(double gatewayTls, double directTls, double gatewayPlain, double directPlain,
            double relayed) {

        static Throughput of(Map<String, String> gateway, Map<String, String> direct, String[] run, String relayCore)
                throws Exception {
            return new Throughput(tps(Shell.run(gateway, run)), tps(Shell.run(direct, run)),
                    tps(Shell.run(plain(gateway), run)), tps(Shell.run(plain(direct), run)),
                    tps(throughRelay(plain(direct), run, relayCore)));
        }
    }

    private static void requireShell(String output, String what) {
        if ("?".equals(output)) {
            throw new IllegalStateException(what + " failed: the pinned rows need it");
        }
    }

    /**
     * The same pgbench run through socat on the loopback: a bare TCP relay (a process per
     * connection, no protocol, no TLS), the floor of what any proxy on this machine costs; on
     * {@code core} when one is given. pgbench's output.
     */
    private static String throughRelay(Map<String, String> direct, String[] run, String core) throws Exception {
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            port = free.getLocalPort();
        }
        List<String> command = new java.util.ArrayList<>(core == null ? List.of() : List.of("taskset", "-c", core));
        command.addAll(List.of("socat", "TCP-LISTEN:" + port + ",bind=127.0.0.1,fork,reuseaddr,nodelay",
                "TCP:" + direct.get("PGHOST") + ":5432,nodelay"));
        Process relay = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            Thread.sleep(300);
            Map<String, String> through = new java.util.HashMap<>(direct);
            through.put("PGHOST", "127.0.0.1");
            through.put("PGPORT", String.valueOf(port));
            return Shell.run(through, run);
        } finally {
            relay.descendants().forEach(ProcessHandle::destroy);
            relay.destroy();
        }
    }

    private static Map<String, String> plain(Map<String, String> env) {
        Map<String, String> plain = new java.util.HashMap<>(env);
        plain.put("PGSSLMODE", "disable");
        return plain;
    }

    private static String tpsText(double tps) {
        return String.format(java.util.Locale.ROOT, "%.0f tps", tps);
    }

    private static String share(double part, double whole) {
        return String.format(java.util.Locale.ROOT, "%.0f %%", 100 * part / whole);
    }

    /** pgbench's "average connection time", in ms. */
    static double connectionTime(String output) {
        return output.lines().filter(l -> l.startsWith("average connection time = ")).findFirst()
                .map(l -> Double.parseDouble(l.substring("average connection time = ".length()).split(" ")[0]))
                .orElseThrow(() -> new IllegalStateException("no connection time in pgbench's output: " + output));
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
