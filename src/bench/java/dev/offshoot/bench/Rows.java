package dev.offshoot.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The table's rows by group, named once so every column fills the same ones. */
final class Rows {

    final String buildBig;
    final String createTinyP50;
    final String createTinyP90;
    final String createBigP50;
    final String createBigP90;
    final String claimP50;
    final String claimQueryP50;
    final String dockerRunTiny;
    final String dockerRunBig;
    final String fileCopy;
    final String writeTime;
    final String writeBytes;
    final String fork;
    final String reset;
    final String check;
    final String checkBackToBack;
    final String explainAnalyze;
    final String tuning;
    final String tuningMeasured;
    final String tuningCopy;
    final String idleMemory;
    final String idleDisk;
    final String wakeP50;
    final String wakeOverFloor;
    final String setupTls;
    final String setupPlain;
    final String setupOverhead;
    final String pgbench;
    final String pgbenchShare;
    final String pgbenchPlain;
    final String pgbenchPlainShare;
    final String pgbenchRelay;
    final String pgbenchRelayShare;
    final String setupLibpqRelay;
    final String pinnedTls;
    final String pinnedTlsShare;
    final String pinnedPlain;
    final String pinnedPlainShare;
    final String pinnedRelay;
    final String setupPlainOverhead;
    final String setupLibpq;
    final String setupLibpqPlain;
    private final Map<String, List<String>> groups = new LinkedHashMap<>();
    private final Table table;
    private final String big;

    Rows(Benchmark.Options o, Table table) {
        this.table = table;
        this.big = o.big();
        buildBig = "template build from SQL, " + o.big();
        createTinyP50 = "create → first query p50, " + o.tiny();
        createTinyP90 = "create → first query p90, " + o.tiny();
        createBigP50 = "create → first query p50, " + o.big();
        createBigP90 = "create → first query p90, " + o.big();
        claimP50 = "warm-pool claim (create answered) p50, " + o.big();
        claimQueryP50 = "warm-pool claim → first query p50, " + o.big();
        dockerRunTiny = "raw docker run → first query, " + o.tiny();
        dockerRunBig = "raw docker run → first query, " + o.big();
        fileCopy = "CREATE DATABASE … STRATEGY FILE_COPY, " + o.big();
        writeTime = "first write (UPDATE 1 row) to the " + o.big() + " table";
        writeBytes = "… new bytes on the branch's own disk";
        fork = "branch of a branch → first query, " + o.big();
        reset = "reset → first query, " + o.big();
        check = "migration check, 2 statements, Pagila p50";
        checkBackToBack = "… back to back (previous throwaway still being removed) p50";
        explainAnalyze = "EXPLAIN ANALYZE on a throwaway copy, Pagila p50";
        tuning = "query tuning, 2 index candidates × 5 runs, Pagila p50";
        tuningMeasured = "… of it the measured runs and index builds p50";
        tuningCopy = "… a copy of the branch (what a copy per candidate would add) p50";
        idleMemory = "memory per idle branch (" + o.n() + " of " + o.big() + ")";
        idleDisk = "disk per idle branch (" + o.n() + " of " + o.big() + ")";
        wakeP50 = "wake on connect → first query p50, " + o.big() + " (peer: raw docker start of it)";
        wakeOverFloor = "… wake minus docker start";
        setupTls = "connection setup with pgjdbc (connect, SELECT 1, close; a JVM of its own) p50 through the gateway, TLS (peer: direct, TLS)";
        setupOverhead = "… with pgjdbc, gateway minus direct, TLS";
        setupPlain = "… with pgjdbc through the gateway, plain text from the loopback (peer: direct, plain text)";
        setupPlainOverhead = "… with pgjdbc, gateway minus direct, plain text";
        setupLibpq = "connection setup with libpq (pgbench -C -S, 10 s, mean) through the gateway, TLS (peer: direct, TLS)";
        setupLibpqPlain = "… with libpq through the gateway, plain text from the loopback (peer: direct, plain text)";
        setupLibpqRelay = "… with libpq through socat, a bare TCP relay on the loopback, plain text (peer only)";
        pgbench = "pgbench -S -c 8 -T 20, scale 10, through the gateway, TLS (peer: direct, TLS)";
        pgbenchShare = "… TLS, gateway's share of direct";
        pgbenchPlain = "… pgbench through the gateway, plain text from the loopback (peer: direct, plain text)";
        pgbenchPlainShare = "… plain text, gateway's share of direct";
        pgbenchRelay = "… pgbench through socat, a bare TCP relay on the loopback, plain text (peer only)";
        pgbenchRelayShare = "… socat's share of direct, plain text: the floor of any proxy here";
        pinnedTls = "pgbench as above, the branch and pgbench on core 0, the service on core 1, TLS (peer: direct, core 0)";
        pinnedTlsShare = "… on cores of their own, TLS, gateway's share of direct";
        pinnedPlain = "… on cores of their own, plain text (peer: direct, core 0, plain text)";
        pinnedPlainShare = "… on cores of their own, plain text, gateway's share of direct";
        pinnedRelay = "… on cores of their own, through socat on core 1, plain text (peer only; its share)";
        group("create", buildBig, createTinyP50, createTinyP90, createBigP50, createBigP90);
        group("pool", claimP50, claimQueryP50);
        group("peers", dockerRunTiny, dockerRunBig, fileCopy);
        group("write", writeTime, writeBytes);
        group("fork", fork);
        group("reset", reset);
        group("check", check, checkBackToBack);
        group("tuning", explainAnalyze, tuning, tuningMeasured, tuningCopy);
        group("idle", idleMemory, idleDisk);
        group("gateway", wakeP50, wakeOverFloor, setupTls, setupOverhead, setupPlain,
                setupPlainOverhead, setupLibpq, setupLibpqPlain, setupLibpqRelay, pgbench, pgbenchShare, pgbenchPlain, pgbenchPlainShare,
                pgbenchRelay, pgbenchRelayShare, pinnedTls, pinnedTlsShare, pinnedPlain, pinnedPlainShare, pinnedRelay);
        group("density", o.density().stream().flatMap(count -> java.util.stream.Stream.of(densityHost(count),
                densityRunning(count), densityContainers(count), densityHeap(count), densityRss(count),
                densitySlab(count), densityEngine(count), densityDropped(count)))
                .toArray(String[]::new));
        groups.forEach((group, rows) -> {
            if (o.measures(group)) {
                rows.forEach(table::row);
            }
        });
    }

    String densityHost(int count) {
        return "host memory in use, " + count + " branches of " + big + ", " + (count - 10)
                + " suspended, over the run's start (peer: the 10 running alone, service idle)";
    }

    String densityRunning(int count) {
        return "… of it the running branch containers (docker stats), " + count + " branches";
    }

    String densityContainers(int count) {
        return "… branch containers running / existing, " + count + " branches";
    }

    String densityHeap(int count) {
        return "… the service's heap after GC, " + count + " branches";
    }

    String densityRss(int count) {
        return "… resident size of its JVM (service and benchmark), " + count + " branches";
    }

    String densitySlab(int count) {
        return "… of it the kernel's slab (inodes, dentries, XFS's in-core extent maps), " + count + " branches";
    }

    String densityEngine(int count) {
        return "… of it Docker's engine (dockerd and containerd resident size), " + count + " branches";
    }

    String densityDropped(int count) {
        return "… host memory in use once the kernel dropped its clean caches (drop_caches), " + count
                + " branches, over the run's start likewise";
    }

    /** Rows are told apart by their labels: two rows of one label would write into one line. */
    private void group(String name, String... rows) {
        for (String row : rows) {
            boolean elsewhere = groups.values().stream().anyMatch(g -> g.contains(row));
            if (elsewhere || List.of(rows).indexOf(row) != List.of(rows).lastIndexOf(row)) {
                throw new IllegalStateException("two benchmark rows are labelled \"" + row + "\"");
            }
        }
        groups.put(name, List.of(rows));
    }

    void put(String row, String column, String value) {
        table.put(row, column, value);
    }

    /** Every row of a driver that could not run says why. */
    void unavailable(String driver, String reason) {
        System.out.println(driver + ": n/a (" + reason + ")");
        table.note(driver + ": n/a (" + reason + ")");
        groups.forEach((group, rows) -> {
            if (!group.equals("peers")) {
                rows.forEach(r -> table.put(r, driver, "n/a"));
            }
        });
    }
}
