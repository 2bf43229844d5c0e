package dev.offshoot.reaper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Objects;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ContainerPort;

import dev.offshoot.Api;
import dev.offshoot.IntegrationTest;
import dev.offshoot.ServiceProcess;
import dev.offshoot.TestDocker;

/**
 * SIGKILL the service in the middle of a batch of creates, start it again, and find every row
 * consistent with what runs: no orphan container, no held port, no row left in CREATING/DELETING.
 * The service runs as a separate process against its own database in the metadata Postgres.
 */
class CrashRecoveryIT {

    static final String INSTANCE = "cr" + UUID.randomUUID().toString().substring(0, 8);
    static final int PORT_START = 23800;
    static final int PORT_END = 23899;

    @AfterAll
    static void removeInstance() {
        TestDocker.removeEverythingOf(INSTANCE);
    }

    @Test
    void killedDuringCreatesComesBackConsistent() throws Exception {
        String db = IntegrationTest.freshDatabase("crash");
        List<String> args = List.of("--spring.datasource.url=" + db,
                "--spring.datasource.username=" + IntegrationTest.METADATA.getUsername(),
                "--spring.datasource.password=" + IntegrationTest.METADATA.getPassword(),
                "--offshoot.runtime.instance-id=" + INSTANCE,
                "--offshoot.runtime.port-range-start=" + PORT_START, "--offshoot.runtime.port-range-end=" + PORT_END,
                "--offshoot.reaper.reconcile-interval=2s");
        AtomicInteger created = new AtomicInteger();
        try (ServiceProcess first = new ServiceProcess("crash-first", args).start()) {
            Api api = new Api(first.port, IntegrationTest.ADMIN_TOKEN);
            String template = "crash-" + UUID.randomUUID().toString().substring(0, 6);
            assertThat(api.post("/api/v1/templates", Map.of("name", template)).status()).isEqualTo(201);
            ExecutorService pool = Executors.newFixedThreadPool(6);
            for (int i = 0; i < 24; i++) {
                String name = "crash-" + i;
                pool.submit(() -> {
                    if (api.post("/api/v1/branches", Map.of("name", name, "template", template)).status() == 201) {
                        created.incrementAndGet();
                    }
                });
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> created.get() >= 4);
            first.kill();
            pool.shutdownNow();
        }
        Map<String, Long> before = rowStatuses(db);
        int containersBefore = branchContainers().size();
        System.out.printf("after SIGKILL: %d creates answered, rows by status %s, %d branch containers%n",
                created.get(), before, containersBefore);

        try (ServiceProcess second = new ServiceProcess("crash-second", args)) {
            long start = System.nanoTime();
            second.start();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                    assertConsistent(db));
            System.out.printf("consistent %d ms after the restart began; rows by status %s%n",
                    (System.nanoTime() - start) / 1_000_000, rowStatuses(db));
            assertThat(rowStatuses(db).getOrDefault("READY", 0L)).isGreaterThanOrEqualTo(created.get());
        }
    }

    /**
     * Every live row READY with its own running container on the branch network (no host port, an
     * address of its own, its key's label); no container without a row, and no key holding a host
     * port: a rolled-back create left nothing, and neither did the reconciler for a crash in between.
     */
    private void assertConsistent(String db) throws SQLException {
        List<Map<String, Object>> live = query(db, "SELECT b.id::text AS id, b.name, b.status, b.instance_handle"
                + " FROM branch b WHERE b.status <> 'DELETED'");
        assertThat(live).extracting(r -> r.get("status")).as("live rows").containsOnly("READY");
        assertThat(query(db, "SELECT instance_key FROM instance_port WHERE released_at IS NULL"))
                .as("instance keys holding a host port").isEmpty();
        List<Container> containers = branchContainers();
        assertThat(containers).extracting(Container::getId).as("branch containers vs. READY rows")
                .containsExactlyInAnyOrderElementsOf(live.stream().map(r -> (String) r.get("instance_handle")).toList());
        assertThat(containers).extracting(Container::getState).containsOnly("running");
        TestDocker.assertOnTheBranchNetwork(containers, live.stream().collect(Collectors.toMap(
                r -> (String) r.get("instance_handle"), r -> (String) r.get("id"))));
    }

    private static List<Container> branchContainers() {
        return TestDocker.containersOf(INSTANCE).stream()
                .filter(c -> "branch".equals(c.getLabels().get("offshoot.kind"))).toList();
    }

    private static Map<String, Long> rowStatuses(String db) throws SQLException {
        return query(db, "SELECT status, count(*) AS n FROM branch GROUP BY status").stream()
                .collect(Collectors.toMap(r -> (String) r.get("status"), r -> (Long) r.get("n")));
    }

    private static List<Map<String, Object>> query(String db, String sql) throws SQLException {
        List<Map<String, Object>> rows = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(db, IntegrationTest.METADATA.getUsername(),
                IntegrationTest.METADATA.getPassword()); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                Map<String, Object> row = new HashMap<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    row.put(rs.getMetaData().getColumnLabel(i), rs.getObject(i));
                }
                rows.add(row);
            }
        }
        return rows;
    }
}
