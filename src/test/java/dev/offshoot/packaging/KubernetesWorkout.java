package dev.offshoot.packaging;

import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import org.springframework.util.unit.DataSize;

import io.fabric8.kubernetes.api.model.Pod;

import dev.offshoot.config.KubernetesProperties;
import dev.offshoot.config.LimitsProperties;
import dev.offshoot.config.RuntimeProperties;
import dev.offshoot.instance.DataRef;
import dev.offshoot.instance.Resources;
import dev.offshoot.k8s.ClusterDispatcher;
import dev.offshoot.k8s.FakeCluster;
import dev.offshoot.k8s.LocalEngine;
import dev.offshoot.runtime.ContainerRuntime;
import dev.offshoot.runtime.ContainerSpec;
import dev.offshoot.runtime.Labels;
import dev.offshoot.runtime.kubernetes.KubernetesClients;
import dev.offshoot.runtime.kubernetes.KubernetesRuntime;
import dev.offshoot.storage.CsiStorage;
import dev.offshoot.storage.Storage;
import dev.offshoot.storage.StorageDriver;

/**
 * Every kind of call the Kubernetes runtime and the CSI storage driver make, once, against the mock
 * API server: a template build (claim, Pod with a Secret, exec, a copy, logs, a clean stop, a
 * snapshot), a branch (claim from the snapshot, Pod), its stop and start, a fork, an import job,
 * listings, orphans and every removal. What the API server saw, and the Pods made, are the result.
 */
final class KubernetesWorkout {

    record Result(List<ClusterDispatcher.Call> calls, List<Pod> pods) {
    }

    static Result run() throws Exception {
        LocalEngine engine = new LocalEngine();
        String instance = "workout";
        try (FakeCluster cluster = new FakeCluster(engine, Files.createTempDirectory("workout"))) {
            KubernetesProperties properties = new KubernetesProperties(cluster.kubeconfig(), "", "", "",
                    DataSize.ofGigabytes(1), "IfNotPresent", 999, 999, Duration.ofSeconds(20), List.of(), "");
            try (KubernetesClients clients = KubernetesClients.connect(properties);
                    KubernetesRuntime runtime = new KubernetesRuntime(clients.client(), clients.namespace(), properties,
                            new RuntimeProperties("", instance, "postgres:16", "", "/offshoot/pgdata", "", "127.0.0.1",
                                    "", false, "offshoot-branches", 25000, 25999, Duration.ofSeconds(20), Duration.ofSeconds(2), Duration.ofMinutes(1)),
                            new LimitsProperties(DataSize.ofMegabytes(256), 512, 1024, DataSize.ofGigabytes(4), 4096))) {
                Storage storage = CsiStorage.of(clients, properties, instance);
                List<Pod> pods = new java.util.ArrayList<>();
                DataRef revision = workout(runtime, storage.active(), storage, engine, clients, cluster.client(),
                        instance, pods);
                // a service restarted meanwhile knows no restore size: it asks for the snapshot
                StorageDriver restarted = CsiStorage.of(clients, properties, instance).active();
                UUID late = UUID.randomUUID();
                restarted.cloneFor(late, revision);
                restarted.removeBranch(late);
                restarted.remove(revision);
                // a snapshot its informer has not seen (another replica's, or gone) is asked for
                try {
                    restarted.cloneFor(late, new DataRef.InVolumeSnapshot("postgres:16", "offshoot-workout-rev-gone"));
                } catch (dev.offshoot.storage.DataMissingException expected) {
                    // gone
                }
                failedStart(clients, properties, instance);
                return new Result(cluster.calls(), pods);
            }
        }
    }

    /** A Pod that gets no address in time: its start fails naming the Pod's last Warning event. */
    private static void failedStart(KubernetesClients clients, KubernetesProperties properties, String instance) {
        try (KubernetesRuntime impatient = new KubernetesRuntime(clients.client(), clients.namespace(), properties,
                new RuntimeProperties("", instance, "postgres:16", "", "/offshoot/pgdata", "", "127.0.0.1", "", false,
                        "offshoot-branches", 25000, 25999, Duration.ofSeconds(1), Duration.ofSeconds(2),
                        Duration.ofMinutes(1)),
                new LimitsProperties(DataSize.ofMegabytes(256), 512, 1024, DataSize.ofGigabytes(4), 4096))) {
            impatient.start(ContainerSpec.keyed("offshoot-workout-b-unbound", "unbound", "postgres:16", Map.of(),
                    Map.of(Labels.MANAGED, "true", Labels.INSTANCE, instance, Labels.KIND, Labels.KIND_BRANCH),
                    Map.of("offshoot-workout-no-such-claim", "/offshoot/pgdata"), Resources.DEFAULTS));
            throw new IllegalStateException("a Pod on a claim that does not exist got an address");
        } catch (dev.offshoot.runtime.ContainerFailedException expected) {
            // no address within a second
        }
    }

    private static DataRef workout(KubernetesRuntime runtime, StorageDriver driver, Storage storage, LocalEngine engine,
            KubernetesClients clients, io.fabric8.kubernetes.client.KubernetesClient cluster, String instance,
            List<Pod> pods) throws Exception {
        UUID template = UUID.randomUUID();
        StorageDriver.Mount revisionData = driver.newRevision(template, 1, "postgres:16");
        String build = runtime.start(revisionData.buildInstance("offshoot-workout-build-t", "/offshoot/pgdata", "")
                .withEnv(Map.of("POSTGRES_PASSWORD", "secret", "PGDATA", "/offshoot/pgdata"))
                .withLabels(Map.of(Labels.MANAGED, "true", Labels.INSTANCE, instance, Labels.KIND, Labels.KIND_BUILD)));
        Path file = Files.createTempFile("load", ".sql");
        runtime.copyInto(build, file, "/tmp");
        runtime.exec(build, List.of("true"), new ContainerRuntime.ExecOptions("", Map.of("PGPASSWORD", "x")),
                Duration.ofSeconds(10));
        runtime.logTail(build, 10);
        runtime.environment(build);
        Pod buildPod = cluster.pods().withName(build).get();
        pods.add(buildPod);
        engine.exit(build, 0, false);
        runtime.stop(build, Duration.ofSeconds(2));
        DataRef revision = driver.captureRevision(build, revisionData, template, 1,
                Map.of(Labels.INSTANCE, instance, Labels.KIND, Labels.KIND_TEMPLATE_IMAGE)).data();
        runtime.remove(build);

        UUID branch = UUID.randomUUID();
        String handle = runtime.start(driver.cloneFor(branch, revision).keyedInstance("offshoot-workout-b",
                branch.toString(), "/offshoot/pgdata").withLabels(Map.of(Labels.MANAGED, "true", Labels.INSTANCE,
                instance, Labels.KIND, Labels.KIND_BRANCH, Labels.BRANCH_ID, branch.toString()))
                .withResources(new Resources(512L << 20, 1024)), CompletableFuture.completedFuture(null));
        pods.add(cluster.pods().withName(handle).get());
        runtime.endpointOf(branch.toString());
        runtime.list(Map.of(Labels.INSTANCE, instance));
        runtime.outOfMemorySince(Map.of(Labels.INSTANCE, instance), Instant.EPOCH, Instant.now());
        runtime.stop(handle, Duration.ofSeconds(2));
        runtime.startExisting(handle);

        UUID child = UUID.randomUUID();
        DataRef planned = driver.plannedSnapshot(child, "child", revision);
        driver.snapshot(handle, branch, planned, Map.of(Labels.INSTANCE, instance, Labels.KIND, Labels.KIND_SNAPSHOT,
                Labels.BRANCH_ID, child.toString()));
        driver.cloneFor(child, planned);
        driver.mountOf(child, planned);

        CompletableFuture<ContainerRuntime.ExecResult> job = CompletableFuture.supplyAsync(() -> runtime.runJob(
                new ContainerRuntime.JobSpec("postgres:16", List.of("pg_dump"), Map.of("SOURCE_PGPASSWORD", "s"),
                        Map.of(Labels.MANAGED, "true", Labels.INSTANCE, instance, Labels.KIND, Labels.KIND_JOB),
                        new ContainerRuntime.JobNetwork.SharedWith(handle)), Duration.ofSeconds(20)),
                java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> job.isDone() || !cluster.pods()
                    .withLabel(Labels.KIND, Labels.KIND_JOB).list().getItems().isEmpty()
                    && cluster.pods().withLabel(Labels.KIND, Labels.KIND_JOB).list().getItems().getFirst()
                            .getStatus() != null);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("job Pods: " + cluster.getKubernetesSerialization().asJson(cluster.pods()
                    .list().getItems().stream().map(p -> p.getMetadata().getName() + " " + p.getMetadata().getLabels()
                            + " " + p.getStatus()).toList()), e);
        }
        if (job.isDone()) {
            job.get();
        }
        pods.add(cluster.pods().withLabel(Labels.KIND, Labels.KIND_JOB).list().getItems().getFirst());
        engine.exit(cluster.pods().withLabel(Labels.KIND, Labels.KIND_JOB).list().getItems().getFirst()
                .getMetadata().getName(), 0, false);
        job.get();

        runtime.remove(handle);
        driver.removeBranch(branch);
        driver.release(planned, Set::of);
        storage.removeOrphanData(() -> Set.of(branch));
        if (buildPod == null) {
            throw new IllegalStateException("the build Pod was never seen");
        }
        return revision;
    }
}
