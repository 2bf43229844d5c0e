package dev.offshoot.load;

import static dev.offshoot.IntegrationTest.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import javax.sql.DataSource;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.zaxxer.hikari.HikariDataSource;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.scheduling.annotation.ScheduledAnnotationBeanPostProcessor;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import dev.offshoot.Api;
import dev.offshoot.IntegrationTest;
import dev.offshoot.TestDocker;

/**
 * Not part of the suite (its name matches neither *Test nor *IT; scripts/load.sh runs it): 200
 * live branches, deleted 20 and then 50 at a time while a sweep and a reconcile run every few
 * seconds. Every delete must answer 204. Thread dumps (virtual threads included) are taken during
 * the deletes and summarised: where request threads wait, and whether any waits for a connection
 * while holding one (a nested transaction on its stack).
 */
@TestPropertySource(properties = {"offshoot.runtime.port-range-start=24300", "offshoot.runtime.port-range-end=24599",
        "offshoot.quota.max-live-branches=0", "offshoot.quota.max-live-branches-per-creator=0",
        "offshoot.reaper.reconcile-interval=5s", "offshoot.reaper.sweep-interval=5s",
        "spring.datasource.hikari.maximum-pool-size=10"})
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BulkDeleteRun {

    static final String INSTANCE = "bd" + UUID.randomUUID().toString().substring(0, 8);
    static final int BRANCHES = Integer.getInteger("offshoot.bulk.branches", 200);

    @DynamicPropertySource
    static void isolated(DynamicPropertyRegistry registry) {
        IntegrationTest.isolated(registry, "bulk", INSTANCE);
    }

    @LocalServerPort
    int port;

    @Autowired
    DataSource dataSource;

    @Autowired
    ScheduledAnnotationBeanPostProcessor scheduling;

    final List<String> dumps = new ArrayList<>();

    @AfterAll
    void removeInstance() {
        scheduling.destroy();
        TestDocker.removeEverythingOf(INSTANCE);
    }

    @Test
    void twoHundredBranchesDeleted20And50AtATimeAllAnswer204() throws Exception {
        Api api = Api.concurrent(port, ADMIN_TOKEN);
        String template = "bulk-" + UUID.randomUUID().toString().substring(0, 6);
        assertThat(api.post("/api/v1/templates", Map.of("name", template)).status()).isEqualTo(201);
        List<String> names = IntStream.range(0, BRANCHES).mapToObj(i -> "bd-" + i).toList();

        long start = System.nanoTime();
        assertThat(inParallel(10, names, n -> api.post("/api/v1/branches", Map.of("name", n, "template", template))
                .status())).containsOnly(201);
        System.out.printf("%d creates, 10 at a time: %d ms%n", BRANCHES, (System.nanoTime() - start) / 1_000_000);

        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        sampler.scheduleAtFixedRate(this::dump, 0, 1, TimeUnit.SECONDS);
        try {
            List<String> first = names.subList(0, BRANCHES / 2);
            List<String> second = names.subList(BRANCHES / 2, BRANCHES);
            start = System.nanoTime();
            List<Integer> byTwenty = inParallel(20, first, n -> api.delete("/api/v1/branches/" + n).status());
            System.out.printf("%d deletes, 20 at a time: %d ms%n", first.size(), (System.nanoTime() - start) / 1_000_000);
            start = System.nanoTime();
            List<Integer> byFifty = inParallel(50, second, n -> api.delete("/api/v1/branches/" + n).status());
            System.out.printf("%d deletes, 50 at a time: %d ms%n", second.size(), (System.nanoTime() - start) / 1_000_000);
            dumps.stream().map(d -> d.substring(0, d.indexOf('\n'))).forEach(System.out::println);
            assertThat(byTwenty).containsOnly(204);
            assertThat(byFifty).containsOnly(204);
        } finally {
            sampler.shutdownNow();
            Files.writeString(Path.of("target", "bulk-delete-threads.txt"), String.join("\n\n", dumps));
        }
    }

    /** One dump, summarised on its first line, kept whole after it. */
    private void dump() {
        try {
            Path file = Files.createTempFile("offshoot-threads-", ".txt");
            Files.delete(file);
            ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class).dumpThreads(file.toString(),
                    HotSpotDiagnosticMXBean.ThreadDumpFormat.TEXT_PLAIN);
            String text = Files.readString(file);
            Files.delete(file);
            int poolWaits = 0;
            int poolWaitsHolding = 0;
            int lockWaits = 0;
            int docker = 0;
            int querying = 0;
            for (String thread : text.split("\n\n")) {
                if (thread.contains("org.postgresql.core.") && !thread.contains("PostgresReadiness")) {
                    querying++;
                }
                if (thread.contains("HikariPool.getConnection") && thread.contains("ConcurrentBag.borrow")) {
                    poolWaits++;
                    // holding one: an outer JDBC call (its result set open) below the one that waits
                    if (thread.split("JdbcTemplate.execute(", -1).length > 2
                            || thread.split("invokeWithinTransaction", -1).length > 2) {
                        poolWaitsHolding++;
                    }
                }
                if (thread.contains("NamedLocks.withLock") && thread.contains("tryLock")) {
                    lockWaits++;
                }
                if (thread.contains("DockerRuntime.") && thread.contains("BranchService.delete")) {
                    docker++;
                }
            }
            var pool = ((HikariDataSource) dataSource).getHikariPoolMXBean();
            dumps.add(String.format("pool active=%d idle=%d waiting=%d | threads waiting for a connection=%d,"
                    + " of them holding one=%d | waiting for a name lock=%d | deletes in Docker calls=%d"
                    + " | threads inside the JDBC driver=%d%n%s",
                    pool.getActiveConnections(), pool.getIdleConnections(), pool.getThreadsAwaitingConnection(),
                    poolWaits, poolWaitsHolding, lockWaits, docker, querying, text));
        } catch (Exception e) {
            dumps.add("dump failed: " + e + "\n");
        }
    }

    private static <T> List<T> inParallel(int parallelism, List<String> names, java.util.function.Function<String, T> call)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(parallelism);
        try {
            List<Callable<T>> tasks = names.stream().map(n -> (Callable<T>) () -> call.apply(n)).toList();
            List<T> out = new ArrayList<>();
            for (Future<T> f : pool.invokeAll(tasks)) {
                out.add(f.get());
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }
}
