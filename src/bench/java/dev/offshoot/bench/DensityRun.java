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
 * what the running branch containers use (docker stats, the engine's cgroup figure) and how many of
 * the branch containers run, and the service's heap after a GC and the resident size of the JVM it
 * runs in (this benchmark's JVM: the service plus the harness); then what of the host's figure is
 * the kernel's slab and Docker's engine, and the host's figure again once the kernel dropped its
 * clean caches (what it would give back under pressure). The floor (the peer column) is the
 * same figures with the 10 running branches alone and the service idle, taken before any suspended
 * branch exists. Branches are created and suspended four at a time and all deleted at the end.
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
        Memory baseline = Memory.now();
        ExecutorService pool = Executors.newFixedThreadPool(PARALLEL);
        try {
            grow(pool, template, RUNNING);
            Thread.sleep(5_000); // the 10 settle (checkpointer, autovacuum launcher) before the floor
            for (int count : options.density()) {
                measure(count, baseline, Benchmark.PEER);
            }
            for (int count : options.density()) {
                long start = System.nanoTime();
                grow(pool, template, count);
                System.out.printf("density: %d branches (%d suspended) in %.0f s%n", count, count - RUNNING,
                        (System.nanoTime() - start) / 1e9);
                measure(count, baseline, column);
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

    /** The figures now, into {@code into}: this driver's column, or the floor's (peer). */
    private void measure(int count, Memory baseline, String into) throws IOException {
        System.gc();
        Runtime jvm = Runtime.getRuntime();
        long heap = jvm.totalMemory() - jvm.freeMemory();
        List<String> running = branchContainers(false);
        int existing = branchContainers(true).size();
        long memory = memoryOf(running);
        System.out.printf("density (%s, %d asked): %d of %d branch containers running, %s%n", into, count,
                running.size(), existing, Stats.bytes(memory));
        Memory now = Memory.now();
        System.out.printf("density (%s, %d asked): slab grew most in %s%n", into, count, now.grownSince(baseline));
        rows.put(rows.densityHost(count), into, over(now.inUse(), baseline.inUse()));
        rows.put(rows.densitySlab(count), into, over(now.slab(), baseline.slab()));
        rows.put(rows.densityEngine(count), into, over(now.engine(), baseline.engine()));
        rows.put(rows.densityDropped(count), into, now.afterDrop() < 0 || baseline.afterDrop() < 0 ? "n/a"
                : over(now.afterDrop(), baseline.afterDrop()));
        rows.put(rows.densityRunning(count), into, Stats.bytes(memory));
        rows.put(rows.densityContainers(count), into, running.size() + " / " + existing);
        rows.put(rows.densityHeap(count), into, Stats.bytes(heap));
        rows.put(rows.densityRss(count), into, Stats.bytes(residentSize()));
    }

    /** Ids of this run's branch containers: the running ones, or all of them. */
    private List<String> branchContainers(boolean all) {
        return TestDocker.client().listContainersCmd().withShowAll(all).withLabelFilter(Map.of("offshoot.kind",
                "branch", "offshoot.instance", driver.instanceId())).exec().stream().map(c -> c.getId()).toList();
    }

    private static long memoryOf(List<String> containers) {
        if (containers.isEmpty()) {
            return 0;
        }
        List<String> command = new ArrayList<>(List.of("docker", "stats", "--no-stream", "--format", "{{.MemUsage}}"));
        command.addAll(containers);
        return Shell.run(command.toArray(String[]::new)).lines()
                .mapToLong(l -> DriverRun.parseSize(l.split("/")[0].strip())).sum();
    }

    private static String over(long now, long baseline) {
        return Stats.bytes(Math.max(0, now - baseline));
    }

    /**
     * The host's memory: in use (MemTotal − MemAvailable, what processes and the caches the kernel
     * does not count as available hold), the kernel's slab (Slab; XFS's in-core inode extent maps
     * are in it and not counted as reclaimable, though freed with their inodes), the resident size of
     * Docker's engine, and in use again once the kernel dropped its clean caches (root only: -1
     * otherwise). Dropping caches first writes back dirty pages (sync).
     */
    record Memory(long inUse, long slab, long engine, long afterDrop, Map<String, Long> caches) {

        static Memory now() throws IOException {
            Map<String, Long> before = meminfo();
            Map<String, Long> caches = slabCaches();
            long engine = residentOf("dockerd") + residentOf("containerd");
            long afterDrop = -1;
            try {
                Shell.run("sync");
                Files.writeString(Path.of("/proc/sys/vm/drop_caches"), "3");
                Map<String, Long> dropped = meminfo();
                afterDrop = dropped.get("MemTotal") - dropped.get("MemAvailable");
            } catch (IOException | RuntimeException e) {
                System.out.println("density: could not drop the kernel's caches (" + e.getMessage() + ")");
            }
            return new Memory(before.get("MemTotal") - before.get("MemAvailable"), before.get("Slab"), engine,
                    afterDrop, caches);
        }

        /** The slab caches that grew most since {@code start}, for the log: what the slab row is made of. */
        String grownSince(Memory start) {
            return caches.entrySet().stream()
                    .map(e -> Map.entry(e.getKey(), e.getValue() - start.caches().getOrDefault(e.getKey(), 0L)))
                    .filter(e -> e.getValue() > 0).sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(6)
                    .map(e -> e.getKey() + " +" + Stats.bytes(e.getValue()))
                    .collect(java.util.stream.Collectors.joining(", "));
        }

        /** Each slab cache's size (its slabs × pages per slab), from /proc/slabinfo; empty unless root. */
        private static Map<String, Long> slabCaches() {
            Map<String, Long> sizes = new java.util.HashMap<>();
            try {
                for (String line : Files.readAllLines(Path.of("/proc/slabinfo"))) {
                    String[] f = line.trim().split("\\s+");
                    if (f.length > 14 && !line.startsWith("#") && f[0].matches("[\\w.-]+")) {
                        sizes.put(f[0], Long.parseLong(f[14]) * Long.parseLong(f[5]) * 4096);
                    }
                }
            } catch (IOException | NumberFormatException e) {
                // not readable here: the log line just names no caches
            }
            return sizes;
        }

        private static Map<String, Long> meminfo() throws IOException {
            Map<String, Long> bytes = new java.util.HashMap<>();
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                bytes.put(line.substring(0, line.indexOf(':')), kilobytes(line) * 1024);
            }
            return bytes;
        }

        /** The summed resident size of the processes of this name (/proc/PID/comm). */
        private static long residentOf(String name) {
            return ProcessHandle.allProcesses().filter(p -> name.equals(comm(p.pid()))).mapToLong(p -> {
                try {
                    return Files.readAllLines(Path.of("/proc/" + p.pid() + "/status")).stream()
                            .filter(l -> l.startsWith("VmRSS:")).mapToLong(l -> kilobytes(l) * 1024).findFirst()
                            .orElse(0);
                } catch (IOException e) {
                    return 0; // the process ended
                }
            }).sum();
        }

        private static String comm(long pid) {
            try {
                return Files.readString(Path.of("/proc/" + pid + "/comm")).strip();
            } catch (IOException e) {
                return "";
            }
        }
    }

    private static long residentSize() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmRSS:"))
                .mapToLong(l -> kilobytes(l) * 1024).findFirst().orElse(0);
    }

    private static long kilobytes(String line) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
    }
}
