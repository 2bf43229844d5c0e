package dev.offshoot.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import dev.offshoot.Api;
import dev.offshoot.TestDocker;

/**
 * Density: many branches of one template, all but 10 suspended, at each count of BENCH_DENSITY
 * (100,1000). Reported: the host's memory in use over the run's start (what the branches cost),
 * what the 10 running ones use (docker stats), and the service's heap after a GC and the resident
 * size of the JVM it runs in (this benchmark's JVM: the service plus the harness). Branches are
 * created and suspended four at a time and all deleted at the end.
 */
final class DensityRun {

    private static final int RUNNING = 10;
    private static final int PARALLEL = 4;

    private final DriverRun driver;
    private final Api api;
    private final Rows rows;
    private final String column;
    private final Benchmark.Options options;
    private final List<String> made = new ArrayList<>();

    DensityRun(DriverRun driver, Api api, Rows rows, String column, Benchmark.Options options) {
        this.driver = driver;
        this.api = api;
        this.rows = rows;
        this.column = column;
        this.options = options;
    }

    void run(String template) throws Exception {
        long baseline = hostMemoryInUse();
        ExecutorService pool = Executors.newFixedThreadPool(PARALLEL);
        try {
            for (int count : options.density()) {
                long start = System.nanoTime();
                grow(pool, template, count);
                System.out.printf("density: %d branches (%d suspended) in %.0f s%n", count, count - RUNNING,
                        (System.nanoTime() - start) / 1e9);
                measure(count, baseline);
            }
        } finally {
            List<Future<?>> deletes = new ArrayList<>();
            made.forEach(name -> deletes.add(pool.submit(() -> driver.delete(name))));
            for (Future<?> f : deletes) {
                f.get();
            }
            pool.shutdown();
        }
    }

    /** Creates branches up to {@code count}; every one past the first 10 is suspended once created. */
    private void grow(ExecutorService pool, String template, int count) throws Exception {
        List<Future<String>> created = new ArrayList<>();
        for (int i = made.size(); i < count; i++) {
            boolean suspend = i >= RUNNING;
            created.add(pool.submit(() -> {
                String name = driver.create(Map.of("template", template)).name();
                if (suspend) {
                    DriverRun.require(api.post("/api/v1/branches/" + name + "/suspend", null), 200, "suspend");
                }
                return name;
            }));
        }
        for (Future<String> f : created) {
            made.add(f.get());
        }
    }

    private void measure(int count, long baseline) throws IOException {
        System.gc();
        Runtime jvm = Runtime.getRuntime();
        long heap = jvm.totalMemory() - jvm.freeMemory();
        long running = runningBranchMemory();
        rows.put(rows.densityHost(count), column, Stats.bytes(Math.max(0, hostMemoryInUse() - baseline)));
        rows.put(rows.densityRunning(count), column, Stats.bytes(running));
        rows.put(rows.densityHeap(count), column, Stats.bytes(heap));
        rows.put(rows.densityRss(count), column, Stats.bytes(residentSize()));
    }

    private long runningBranchMemory() {
        List<String> command = new ArrayList<>(List.of("docker", "stats", "--no-stream", "--format", "{{.MemUsage}}"));
        TestDocker.client().listContainersCmd().withLabelFilter(Map.of("offshoot.kind", "branch",
                "offshoot.instance", driver.instanceId())).exec().forEach(c -> command.add(c.getId()));
        if (command.size() == 5) {
            return 0;
        }
        return Shell.run(command.toArray(String[]::new)).lines()
                .mapToLong(l -> DriverRun.parseSize(l.split("/")[0].strip())).sum();
    }

    /** MemTotal − MemAvailable: what the host's processes and caches it cannot drop hold. */
    static long hostMemoryInUse() throws IOException {
        long total = 0;
        long available = 0;
        for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
            if (line.startsWith("MemTotal:")) {
                total = kilobytes(line);
            } else if (line.startsWith("MemAvailable:")) {
                available = kilobytes(line);
            }
        }
        return (total - available) * 1024;
    }

    private static long residentSize() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmRSS:"))
                .mapToLong(l -> kilobytes(l) * 1024).findFirst().orElse(0);
    }

    private static long kilobytes(String line) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
    }
}
