package dev.offshoot.load;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import dev.offshoot.Api;

/**
 * A fixed number of REST operations from concurrent clients (virtual threads) over a few branch
 * names: create, get, list, reset, SQL, migration apply and delete. Calls that change a name are
 * serialised per name on the client side, so what each name should end as is known exactly (the
 * last successful change); reads run alongside them, and everything runs alongside the service's
 * own sweeps and reconciles.
 */
public final class LoadRun {

    public enum Op { CREATE, FORK, GET, LIST, RESET, SQL, MIGRATE, DELETE }

    /**
     * What a name should be after the last successful change on it: whether it exists, whether its
     * data holds the migration, and whether a reset brings the migration back (a branch forked from
     * a migrated branch starts from that snapshot).
     */
    public record Expected(boolean exists, boolean migrated, boolean resetsToMigrated) {
    }

    public record Call(Op op, String name, int status, String code, long micros) {
    }

    private static final Map<String, Object> MIGRATION = Map.of("migrations", List.of(Map.of("name",
            "V1__load.sql", "sql", "CREATE TABLE load_t (id int PRIMARY KEY, note text)")));

    private final Api api;
    private final String template;
    private final List<String> names;
    private final Map<String, Expected> expected = new ConcurrentHashMap<>();
    private final Map<String, ReentrantLock> changing = new ConcurrentHashMap<>();
    private final List<Call> calls = Collections.synchronizedList(new ArrayList<>());
    private long elapsedNanos;

    public LoadRun(Api api, String template, List<String> names) {
        this.api = api;
        this.template = template;
        this.names = List.copyOf(names);
        names.forEach(n -> expected.put(n, new Expected(false, false, false)));
    }

    /** Runs {@code operations} calls from {@code clients} virtual threads; returns every call made. */
    public List<Call> run(int operations, int clients, long seed) throws Exception {
        AtomicInteger next = new AtomicInteger();
        long start = System.nanoTime();
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> futures = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                Random random = new Random(seed + c);
                futures.add(executor.submit(() -> {
                    while (next.getAndIncrement() < operations) {
                        one(random);
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get(10, TimeUnit.MINUTES);
            }
        }
        elapsedNanos = System.nanoTime() - start;
        return List.copyOf(calls);
    }

    public Map<String, Expected> expected() {
        return Map.copyOf(expected);
    }

    private void one(Random random) {
        String name = names.get(random.nextInt(names.size()));
        int roll = random.nextInt(100);
        Op op = roll < 18 ? Op.CREATE : roll < 24 ? Op.FORK : roll < 37 ? Op.GET : roll < 44 ? Op.LIST
                : roll < 53 ? Op.RESET : roll < 70 ? Op.SQL : roll < 83 ? Op.MIGRATE : Op.DELETE;
        switch (op) {
            case FORK -> fork(name, names.get((names.indexOf(name) + 1 + random.nextInt(names.size() - 1))
                    % names.size()));
            case GET -> call(op, name, () -> api.get("/api/v1/branches/" + name));
            case LIST -> call(op, name, () -> api.get("/api/v1/branches"));
            case SQL -> call(op, name, () -> api.post("/api/v1/branches/" + name + "/sql",
                    Map.of("sql", "SELECT count(*) FROM pg_class", "readOnly", true)));
            default -> change(op, name);
        }
    }

    private void change(Op op, String name) {
        ReentrantLock lock = changing.computeIfAbsent(name, n -> new ReentrantLock());
        lock.lock();
        try {
            Api.Response r = call(op, name, () -> switch (op) {
                case CREATE -> api.post("/api/v1/branches", Map.of("name", name, "template", template));
                case RESET -> api.post("/api/v1/branches/" + name + "/reset", null);
                case MIGRATE -> api.post("/api/v1/branches/" + name + "/migrations", MIGRATION);
                default -> api.delete("/api/v1/branches/" + name);
            });
            Expected before = expected.get(name);
            if (r.status() / 100 == 2) {
                expected.put(name, switch (op) {
                    case CREATE -> r.status() == 201 ? new Expected(true, false, false) : before;
                    case RESET -> new Expected(true, before.resetsToMigrated(), before.resetsToMigrated());
                    case MIGRATE -> new Expected(true, true, before.resetsToMigrated());
                    default -> new Expected(false, false, false);
                });
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * A child from a parent's snapshot. Both names are held (in a fixed order, so two forks cannot
     * wait for each other), so the parent's data at the snapshot is known exactly.
     */
    private void fork(String child, String parent) {
        ReentrantLock first = changing.computeIfAbsent(child.compareTo(parent) < 0 ? child : parent,
                n -> new ReentrantLock());
        ReentrantLock second = changing.computeIfAbsent(child.compareTo(parent) < 0 ? parent : child,
                n -> new ReentrantLock());
        first.lock();
        second.lock();
        try {
            Api.Response r = call(Op.FORK, child, () -> api.post("/api/v1/branches",
                    Map.of("name", child, "fromBranch", parent)));
            if (r.status() == 201) {
                boolean migrated = expected.get(parent).migrated();
                expected.put(child, new Expected(true, migrated, migrated));
            }
        } finally {
            second.unlock();
            first.unlock();
        }
    }

    private Api.Response call(Op op, String name, Supplier<Api.Response> request) {
        long start = System.nanoTime();
        Api.Response r = request.get();
        calls.add(new Call(op, name, r.status(), r.code(), (System.nanoTime() - start) / 1000));
        return r;
    }

    /** Throughput and p50/p95/p99 latency per operation, as a table. */
    public String report() {
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
                "%d calls in %.1f s: %.1f calls/s%n%-8s %6s %8s %8s %8s %8s  statuses%n", calls.size(),
                elapsedNanos / 1e9, calls.size() / (elapsedNanos / 1e9), "op", "n", "p50 ms", "p95 ms", "p99 ms",
                "max ms"));
        Map<Op, List<Call>> byOp = new TreeMap<>();
        synchronized (calls) {
            calls.forEach(c -> byOp.computeIfAbsent(c.op(), o -> new ArrayList<>()).add(c));
        }
        byOp.forEach((op, list) -> {
            long[] ms = list.stream().mapToLong(c -> c.micros() / 1000).sorted().toArray();
            Map<Integer, Long> statuses = new TreeMap<>();
            list.forEach(c -> statuses.merge(c.status(), 1L, Long::sum));
            out.append(String.format(Locale.ROOT, "%-8s %6d %8d %8d %8d %8d  %s%n", op, ms.length,
                    percentile(ms, 50), percentile(ms, 95), percentile(ms, 99), ms[ms.length - 1], statuses));
        });
        return out.toString();
    }

    private static long percentile(long[] sorted, int p) {
        return sorted[Math.max(0, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }
}
