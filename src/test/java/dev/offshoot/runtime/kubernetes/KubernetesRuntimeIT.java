package dev.offshoot.runtime.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.springframework.util.unit.DataSize;

import com.github.dockerjava.api.command.InspectContainerResponse;

import dev.offshoot.TestDocker;
import dev.offshoot.config.KubernetesProperties;
import dev.offshoot.config.LimitsProperties;
import dev.offshoot.config.RuntimeProperties;
import dev.offshoot.k8s.FakeCluster;
import dev.offshoot.runtime.ContainerRuntime.ExecOptions;
import dev.offshoot.runtime.ContainerSpec;
import dev.offshoot.runtime.Labels;

/**
 * The Kubernetes runtime on the fake cluster whose kubelet runs real Postgres containers: what a
 * Pod's spec asks for is what the container gets, and a build's Pod initialises, takes a file and
 * SQL through exec, and stops cleanly.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
// once per full run: in the runtime-kubernetes execution, not again in the Docker one
@EnabledIfSystemProperty(named = "offshoot.runtime.type", matches = "kubernetes")
class KubernetesRuntimeIT {

    static final String IMAGE = System.getenv().getOrDefault("OFFSHOOT_BASE_IMAGE", "offshoot/postgres:15-local");
    static final String INSTANCE = "k8sit" + UUID.randomUUID().toString().substring(0, 6);
    KubernetesClients clients;
    KubernetesRuntime runtime;
    String build;

    @BeforeAll
    void startABuildPod() {
        long[] ids = TestDocker.postgresIds(IMAGE);
        KubernetesProperties kubernetes = new KubernetesProperties(FakeCluster.shared().kubeconfig(), "", "", "",
                DataSize.ofGigabytes(1), "Never", ids[0], ids[1], Duration.ofSeconds(60), List.of(), "");
        clients = KubernetesClients.connect(kubernetes);
        runtime = new KubernetesRuntime(clients.client(), clients.namespace(), kubernetes, new RuntimeProperties("",
                INSTANCE, IMAGE, "", "/offshoot/pgdata", "--wal-segsize=1", "127.0.0.1", "", false, "offshoot-branches", 25000,
                25999, Duration.ofSeconds(60), Duration.ofSeconds(20), Duration.ofMinutes(2)),
                new LimitsProperties(DataSize.ofMegabytes(256), 512, 1024, DataSize.ofGigabytes(4), 4096));
        String claim = "offshoot-" + INSTANCE + "-rev";
        clients.client().persistentVolumeClaims().resource(new io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder()
                .withNewMetadata().withName(claim).addToLabels(Labels.INSTANCE, INSTANCE).endMetadata().withNewSpec()
                .withAccessModes("ReadWriteOnce").withNewResources().addToRequests("storage",
                        new io.fabric8.kubernetes.api.model.Quantity("1Gi")).endResources().endSpec().build()).create();
        long t0 = System.nanoTime();
        build = runtime.start(new ContainerSpec("offshoot-" + INSTANCE + "-build", IMAGE,
                Map.of("POSTGRES_PASSWORD", "build-secret", "PGDATA", "/offshoot/pgdata"),
                Map.of(Labels.INSTANCE, INSTANCE, Labels.KIND, Labels.KIND_BUILD), "127.0.0.1", 0,
                Map.of(claim, "/offshoot/pgdata"), false, List.of()));
        System.out.printf("build Pod has an address after %d ms%n", (System.nanoTime() - t0) / 1_000_000);
    }

    @AfterAll
    void removeEverything() {
        FakeCluster.shared().removeEverythingOf(INSTANCE);
        runtime.close();
        clients.close();
        TestDocker.removeEverythingOf(INSTANCE);
    }

    @Test
    void theContainerRunsAsThePodSaysBoxedAsRestricted() {
        InspectContainerResponse container = TestDocker.client().inspectContainerCmd("k8s-" + build).exec();
        long[] ids = TestDocker.postgresIds(IMAGE);

        assertThat(container.getConfig().getUser()).isEqualTo(ids[0] + ":" + ids[1]);
        assertThat(container.getHostConfig().getReadonlyRootfs()).isTrue();
        assertThat(container.getHostConfig().getMemory()).isEqualTo(256L << 20);
        assertThat(container.getConfig().getEnv()).contains("POSTGRES_PASSWORD=build-secret");
    }

    @Test
    void aBuildTakesAFileAndSqlThroughExecAndStopsCleanly() throws Exception {
        long t0 = System.nanoTime();
        try (Connection c = DriverManager.getConnection(runtime.endpoint(build).jdbcUrl("postgres"), "postgres",
                "build-secret")) {
            assertThat(c.isValid(2)).isTrue();
        } catch (java.sql.SQLException e) {
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
                try (Connection c = DriverManager.getConnection(runtime.endpoint(build).jdbcUrl("postgres"),
                        "postgres", "build-secret")) {
                    return c.isValid(2);
                }
            });
        }
        System.out.printf("login after %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        Path file = Files.createTempFile("load", ".sql");
        Files.writeString(file, "CREATE TABLE t (x int); INSERT INTO t VALUES (42);\n");
        long t1 = System.nanoTime();
        runtime.copyInto(build, file, "/tmp");
        System.out.printf("copy %d ms%n", (System.nanoTime() - t1) / 1_000_000);
        long t2 = System.nanoTime();
        var loaded = runtime.exec(build, List.of("psql", "-X", "-v", "ON_ERROR_STOP=1", "-U", "postgres", "-h", "127.0.0.1",
                "-f", "/tmp/" + file.getFileName()), new ExecOptions("", Map.of("PGPASSWORD", "build-secret")),
                Duration.ofSeconds(30));
        System.out.printf("psql %d ms%n", (System.nanoTime() - t2) / 1_000_000);
        assertThat(loaded.succeeded()).as(loaded.output()).isTrue();
        assertThat(runtime.logTail(build, 50)).contains("database system is ready to accept connections");

        long t3 = System.nanoTime();
        assertThat(runtime.stop(build, Duration.ofSeconds(20))).isZero();
        System.out.printf("stop %d ms%n", (System.nanoTime() - t3) / 1_000_000);
        assertThat(runtime.state(build)).hasValueSatisfying(s -> assertThat(s.running()).isFalse());
    }
}
