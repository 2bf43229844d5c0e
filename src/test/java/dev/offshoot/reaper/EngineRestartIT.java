package dev.offshoot.reaper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.File;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

import tools.jackson.databind.JsonNode;

import dev.offshoot.Api;
import dev.offshoot.IntegrationTest;
import dev.offshoot.ServiceProcess;
import dev.offshoot.TestDocker;

/**
 * Restarts the Docker engine under running branches: they come back (restart policy
 * unless-stopped) and answer on the same connection strings, and the service sees them READY.
 *
 * <p>Restarting dockerd stops every container on the engine, other test runs' too, so this runs
 * only with OFFSHOOT_ENGINE_RESTART_TEST=true on a machine nobody else is testing on. The service
 * runs as a separate process with its managed metadata store (a container with a restart policy
 * and a named volume): the Testcontainers metadata store of the other ITs has no restart policy
 * and would not survive the restart. OFFSHOOT_ENGINE_RESTART_COMMAND overrides how the engine is
 * restarted (default: SIGTERM to the pid in /var/run/docker.pid, then scripts/host/ensure-docker.sh); it
 * sees this run's instance id in OFFSHOOT_INSTANCE_ID.
 */
@EnabledIfEnvironmentVariable(named = "OFFSHOOT_ENGINE_RESTART_TEST", matches = "true")
class EngineRestartIT {

    static final String INSTANCE = "er" + UUID.randomUUID().toString().substring(0, 8);
    static final String METADATA = "offshoot-metadata-" + INSTANCE;
    static final String DEFAULT_RESTART = "kill $(cat /var/run/docker.pid); "
            + "while [ -e /var/run/docker.pid ] || docker info >/dev/null 2>&1; do sleep 0.2; done; "
            + "bash scripts/host/ensure-docker.sh";

    @AfterAll
    static void removeInstance() {
        TestDocker.removeEverythingOf(INSTANCE);
        try {
            TestDocker.client().removeContainerCmd(METADATA).withForce(true).withRemoveVolumes(true).exec();
            TestDocker.client().removeVolumeCmd(METADATA).exec();
        } catch (RuntimeException ignored) {
            // gone already
        }
    }

    @Test
    void branchesComeBackOnTheSameConnectionStringsAfterAnEngineRestart() throws Exception {
        List<String> args = List.of("--offshoot.runtime.instance-id=" + INSTANCE,
                "--offshoot.metadata.container-name=" + METADATA, "--offshoot.metadata.volume-name=" + METADATA,
                "--offshoot.metadata.port=23998", "--offshoot.runtime.port-range-start=23700",
                "--offshoot.runtime.port-range-end=23799", "--offshoot.reaper.reconcile-interval=2s");
        try (ServiceProcess service = new ServiceProcess("engine-restart", args).start()) {
            Api api = new Api(service.port, IntegrationTest.ADMIN_TOKEN);
            assertThat(api.post("/api/v1/templates", Map.of("name", "er")).status()).isEqualTo(201);
            JsonNode one = api.post("/api/v1/branches", Map.of("name", "er-one", "template", "er")).body();
            JsonNode two = api.post("/api/v1/branches", Map.of("name", "er-two", "template", "er")).body();
            sql(one, "CREATE TABLE survives (id int); INSERT INTO survives VALUES (1)");

            long start = System.nanoTime();
            ProcessBuilder command = new ProcessBuilder("bash", "-c", System.getenv()
                    .getOrDefault("OFFSHOOT_ENGINE_RESTART_COMMAND", DEFAULT_RESTART))
                    .directory(new File(".")).inheritIO();
            command.environment().put("OFFSHOOT_INSTANCE_ID", INSTANCE);
            Process restart = command.start();
            assertThat(restart.waitFor()).as("engine restart command").isZero();
            long engineBack = System.nanoTime();

            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                    .until(() -> count(one, "SELECT count(*) FROM survives") == 1 && count(two, "SELECT 1") == 1);
            long branchesBack = System.nanoTime();
            await().atMost(Duration.ofMinutes(1)).ignoreExceptions().until(() ->
                    "READY".equals(api.get("/api/v1/branches/er-one").body().get("status").asString())
                            && "READY".equals(api.get("/api/v1/branches/er-two").body().get("status").asString()));
            System.out.printf("engine restart: engine back after %d ms, both branches answering on their old URIs"
                    + " after %d ms, API answering READY after %d ms%n", (engineBack - start) / 1_000_000,
                    (branchesBack - start) / 1_000_000, (System.nanoTime() - start) / 1_000_000);
            assertThat(api.get("/api/v1/branches/er-one").body().get("connection")).isEqualTo(one.get("connection"));
        }
    }

    private static void sql(JsonNode branch, String sql) throws Exception {
        try (Connection c = connect(branch); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private static long count(JsonNode branch, String sql) throws Exception {
        try (Connection c = connect(branch); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Connects with the libpq URI's parts exactly as the API returned them. */
    private static Connection connect(JsonNode branch) throws Exception {
        JsonNode c = branch.get("connection");
        return DriverManager.getConnection(c.get("jdbcUrl").asString(), c.get("user").asString(),
                c.get("password").asString());
    }
}
