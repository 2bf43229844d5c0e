package dev.offshoot.runtime.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.util.unit.DataSize;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;

import dev.offshoot.config.KubernetesProperties;
import dev.offshoot.config.LimitsProperties;
import dev.offshoot.config.RuntimeProperties;
import dev.offshoot.instance.Resources;
import dev.offshoot.k8s.FakeCluster;
import dev.offshoot.k8s.LocalEngine;
import dev.offshoot.runtime.ContainerFailedException;
import dev.offshoot.runtime.ContainerRuntime.ExecOptions;
import dev.offshoot.runtime.ContainerSpec;
import dev.offshoot.runtime.ImageMissingException;
import dev.offshoot.runtime.Labels;

/** The Kubernetes runtime against fabric8's mock API server and a fake kubelet that runs no containers. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KubernetesRuntimeTest {

    static final String INSTANCE = "k8sunit";
    final LocalEngine engine = new LocalEngine();
    FakeCluster cluster;
    KubernetesClients clients;
    KubernetesRuntime runtime;

    @BeforeAll
    void startCluster() throws Exception {
        cluster = new FakeCluster(engine, Files.createTempDirectory("fake-cluster"));
        KubernetesProperties kubernetes = properties(cluster.kubeconfig());
        clients = KubernetesClients.connect(kubernetes);
        runtime = new KubernetesRuntime(clients.client(), clients.namespace(), kubernetes, runtimeProperties(),
                new LimitsProperties(DataSize.ofMegabytes(256), 512, 1024, DataSize.ofGigabytes(4), 4096));
    }

    static KubernetesProperties properties(String kubeconfig) {
        return new KubernetesProperties(kubeconfig, "", "fast", "snaps", DataSize.ofGigabytes(1), "IfNotPresent",
                100, 102, Duration.ofSeconds(20), List.of("100.64.0.0/10"), "");
    }

    static RuntimeProperties runtimeProperties() {
        return new RuntimeProperties("", INSTANCE, "offshoot/postgres:15-local", "", "/offshoot/pgdata",
                "--wal-segsize=1", "127.0.0.1", "", false, "offshoot-branches", 25000, 25999, Duration.ofSeconds(20), Duration.ofSeconds(5),
                Duration.ofMinutes(1));
    }

    @AfterAll
    void stopCluster() {
        runtime.close();
        clients.close();
        cluster.close();
    }

    String claim(String name) {
        clients.client().persistentVolumeClaims().resource(new PersistentVolumeClaimBuilder().withNewMetadata()
                .withName(name).endMetadata().withNewSpec().withAccessModes("ReadWriteOnce").withNewResources()
                .addToRequests("storage", new Quantity("1Gi")).endResources().endSpec().build()).create();
        return name;
    }

    ContainerSpec branch(String key, String claim) {
        return ContainerSpec.keyed("offshoot-" + INSTANCE + "-b-" + key, key, "offshoot/postgres:15-local",
                Map.of("PGDATA", "/offshoot/pgdata"), Map.of(Labels.INSTANCE, INSTANCE, Labels.KIND, Labels.KIND_BRANCH,
                        Labels.BRANCH_ID, key), Map.of(claim, "/offshoot/pgdata"), new Resources(512L << 20, 2048))
                .withCommand(List.of("postgres", "-c", "recovery_init_sync_method=syncfs"));
    }

    Pod pod(String name) {
        return clients.client().pods().withName(name).get();
    }

    @Test
    void aBranchPodIsBoxedAsRestrictedAndAnswersAtItsAddress() {
        String handle = runtime.start(branch("k1", claim("data-k1")), java.util.concurrent.CompletableFuture
                .completedFuture(null));
        Pod pod = pod(handle);

        var security = pod.getSpec().getSecurityContext();
        assertThat(security.getRunAsNonRoot()).isTrue();
        assertThat(security.getRunAsUser()).isEqualTo(100L);
        assertThat(security.getFsGroup()).isEqualTo(102L);
        assertThat(security.getFsGroupChangePolicy()).isEqualTo("OnRootMismatch");
        assertThat(security.getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
        var container = pod.getSpec().getContainers().getFirst();
        assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(container.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(pod.getSpec().getAutomountServiceAccountToken()).isFalse();
        assertThat(container.getResources().getLimits().get("memory")).isEqualTo(new Quantity(String.valueOf(512L << 20)));
        assertThat(container.getResources().getRequests().get("cpu")).isEqualTo(new Quantity("2000m"));
        assertThat(container.getVolumeMounts()).anyMatch(m -> m.getMountPath().equals("/offshoot"));
        assertThat(pod.getMetadata().getLabels()).containsEntry(Labels.KEY, "k1").containsEntry(Labels.BRANCH_ID, "k1");
        assertThat(pod.getMetadata().getOwnerReferences()).singleElement()
                .satisfies(o -> assertThat(o.getKind() + "/" + o.getName()).isEqualTo("PersistentVolumeClaim/data-k1"));
        assertThat(pod.getSpec().getRestartPolicy()).isEqualTo("Always");
        assertThat(runtime.endpointOf("k1")).hasValueSatisfying(e -> {
            assertThat(e.host()).isEqualTo(pod.getStatus().getPodIP());
            assertThat(e.port()).isEqualTo(5432);
        });
        assertThat(clients.client().secrets().withName(handle).get()).as("no secret in a branch's environment").isNull();
    }

    @Test
    void aBuildsPasswordReachesItsPodOnlyThroughASecretTheBuildOwns() {
        ContainerSpec build = new ContainerSpec("offshoot-" + INSTANCE + "-build-t", "offshoot/postgres:15-local",
                Map.of("POSTGRES_PASSWORD", "s3cret-build", "PGDATA", "/offshoot/pgdata"),
                Map.of(Labels.INSTANCE, INSTANCE, Labels.KIND, Labels.KIND_BUILD), "127.0.0.1", 0,
                Map.of(claim("rev-t"), "/offshoot/pgdata"), false, List.of());
        String handle = runtime.start(build);

        Pod pod = pod(handle);
        assertThat(clients.client().getKubernetesSerialization().asJson(pod)).doesNotContain("s3cret-build");
        assertThat(pod.getSpec().getRestartPolicy()).isEqualTo("Never");
        var secret = clients.client().secrets().withName(handle).get();
        assertThat(secret.getMetadata().getOwnerReferences()).singleElement()
                .satisfies(o -> assertThat(o.getUid()).isEqualTo(pod.getMetadata().getUid()));
        assertThat(engine.environmentOf(handle)).containsEntry("POSTGRES_PASSWORD", "s3cret-build");

        runtime.remove(handle);
        assertThat(clients.client().secrets().withName(handle).get()).isNull();
    }

    @Test
    void execHandsVariablesOverOnStandardInputNeverInTheCommand() {
        String handle = runtime.start(branch("k2", claim("data-k2")));
        String secret = "line one\nand 'quotes' $HOME ; two";

        var result = runtime.exec(handle, List.of("printenv", "OFFSHOOT_SECRET"),
                new ExecOptions("", Map.of("OFFSHOOT_SECRET", secret)), Duration.ofSeconds(10));

        assertThat(result.succeeded()).as(result.output()).isTrue();
        assertThat(result.output()).isEqualTo(secret + "\n");
        assertThat(runtime.exec(handle, List.of("sh", "-c", "exit 3"), Duration.ofSeconds(10)).exitCode()).isEqualTo(3);
    }

    @Test
    void stoppingABranchDeletesItsPodAndStartingItBringsItBackUnderItsHandle() {
        String handle = runtime.start(branch("k3", claim("data-k3")));

        assertThat(runtime.stop(handle, Duration.ofSeconds(5))).isZero();

        assertThat(pod(handle)).isNull();
        assertThat(runtime.list(Map.of(Labels.BRANCH_ID, "k3"))).singleElement()
                .satisfies(c -> assertThat(c.id() + " " + c.state()).isEqualTo(handle + " exited"));
        assertThat(runtime.state(handle)).hasValueSatisfying(s -> assertThat(s.running()).isFalse());
        assertThat(clients.client().persistentVolumeClaims().withName("data-k3").get()).isNotNull();

        runtime.startExisting(handle);

        assertThat(pod(handle).getStatus().getPodIP()).isNotBlank();
        assertThat(runtime.list(Map.of(Labels.BRANCH_ID, "k3"))).singleElement()
                .satisfies(c -> assertThat(c.id() + " " + c.state()).isEqualTo(handle + " running"));
        assertThat(clients.client().configMaps().withName(handle).get()).isNull();
    }

    @Test
    void anOutOfMemoryKillIsTheInstancesStateAndListedSinceItHappened() {
        String handle = runtime.start(branch("k4", claim("data-k4")));
        Instant before = Instant.now().minusSeconds(1);

        engine.exit(handle, 137, true);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(runtime.state(handle)).hasValueSatisfying(s -> assertThat(s.oomKilled()).isTrue()));
        assertThat(runtime.state(handle).orElseThrow().memoryLimitBytes()).isEqualTo(512L << 20);
        assertThat(runtime.outOfMemorySince(Map.of(Labels.BRANCH_ID, "k4"), before, Instant.now().plusSeconds(1)))
                .containsExactly(handle);
        assertThat(runtime.outOfMemorySince(Map.of(Labels.BRANCH_ID, "k4"), Instant.now().plusSeconds(1),
                Instant.now().plusSeconds(2))).isEmpty();
    }

    @Test
    void aMissingImageFailsTheStartAndLeavesNoPod() {
        ContainerSpec spec = ContainerSpec.keyed("offshoot-" + INSTANCE + "-b-k5", "k5", LocalEngine.MISSING_IMAGE,
                Map.of(), Map.of(Labels.INSTANCE, INSTANCE, Labels.BRANCH_ID, "k5"), Map.of(claim("data-k5"),
                        "/offshoot/pgdata"), Resources.DEFAULTS);

        assertThatThrownBy(() -> runtime.start(spec)).isInstanceOf(ImageMissingException.class);
        assertThat(clients.client().pods().withLabel(Labels.BRANCH_ID, "k5").list().getItems()).isEmpty();
    }

    @Test
    void listingsStatesAndEndpointsReadTheInformersNotTheApiServer() {
        String handle = runtime.start(branch("k6", claim("data-k6")));
        int before = cluster.calls().size();

        for (int i = 0; i < 50; i++) {
            runtime.list(Map.of(Labels.INSTANCE, INSTANCE, Labels.KIND, Labels.KIND_BRANCH));
            runtime.state(handle);
            runtime.endpointOf("k6");
        }

        assertThat(cluster.calls().subList(before, cluster.calls().size())).isEmpty();
    }

    @Test
    void aPodOneReplicaStartedIsStoppedByAnotherAndStartedAgainByTheFirst() {
        String handle = runtime.start(branch("k7", claim("data-k7")));
        try (KubernetesRuntime other = new KubernetesRuntime(clients.client(), clients.namespace(),
                properties(cluster.kubeconfig()), runtimeProperties(),
                new LimitsProperties(DataSize.ofMegabytes(256), 512, 1024, DataSize.ofGigabytes(4), 4096))) {

            assertThat(other.stop(handle, Duration.ofSeconds(5))).isZero();

            assertThat(pod(handle)).isNull();
            runtime.startExisting(handle);
            assertThat(pod(handle).getStatus().getPodIP()).isNotBlank();
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(other.list(
                    Map.of(Labels.BRANCH_ID, "k7"))).singleElement().satisfies(c -> assertThat(c.state())
                    .isEqualTo("running")));
        }
    }

    @Test
    void aStoppedInstanceIsNotDialedAtItsLastAddressWhichAnotherPodMayHaveNow() {
        String handle = runtime.start(branch("k12", claim("data-k12")));
        assertThat(runtime.runningEndpointOf("k12")).isPresent().isEqualTo(runtime.endpointOf("k12"));

        runtime.stop(handle, Duration.ofSeconds(5));

        assertThat(runtime.endpointOf("k12")).as("the stopped instance's record keeps its last address").isPresent();
        assertThat(runtime.runningEndpointOf("k12")).isEmpty();
    }

    @Test
    void aWakeThatFailsRemovesOnlyTheNewPodAndKeepsTheStoppedRecord() {
        String handle = runtime.start(branch("k8", claim("data-k8")));
        runtime.stop(handle, Duration.ofSeconds(5));
        clients.client().configMaps().withName(handle).edit(record -> {
            record.getData().put("pod.json", record.getData().get("pod.json")
                    .replace("offshoot/postgres:15-local", LocalEngine.MISSING_IMAGE));
            return record;
        });
        // the informer takes the edited record a moment later
        await().pollDelay(Duration.ofMillis(500)).until(() -> true);

        assertThatThrownBy(() -> runtime.startExisting(handle)).isInstanceOf(RuntimeException.class);

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(pod(handle)).isNull());
        assertThat(clients.client().configMaps().withName(handle).get()).isNotNull();
        assertThat(runtime.state(handle)).hasValueSatisfying(s -> assertThat(s.running()).isFalse());
    }

    @Test
    void aCopyThePodCannotTakeIsAContainerFailureNotAnInternalError() throws Exception {
        String handle = runtime.start(branch("k9", claim("data-k9")));
        Path file = Files.createTempFile("load", ".sql");
        Files.write(file, new byte[1 << 20]);

        assertThatThrownBy(() -> runtime.copyInto(handle, file, "/no/such/directory"))
                .isInstanceOfSatisfying(ContainerFailedException.class,
                        e -> assertThat(e.code()).isEqualTo("CONTAINER_FAILED"));
        assertThatThrownBy(() -> runtime.copyInto("offshoot-" + INSTANCE + "-gone", file, "/tmp"))
                .isInstanceOfSatisfying(ContainerFailedException.class,
                        e -> assertThat(e.code()).isEqualTo("CONTAINER_FAILED"));
    }

    @Test
    void aLargeCopyIntoAPodThatReadsSlowlyArrivesWhole() throws Exception {
        String handle = runtime.start(branch("k10", claim("data-k10")));
        Path file = Files.createTempFile("load", ".sql");
        byte[] bytes = new byte[24 << 20];
        new java.util.Random(7).nextBytes(bytes);
        Files.write(file, bytes);
        Path directory = Files.createTempDirectory("pod-dir");
        engine.delayExecs(2);
        try {
            runtime.copyInto(handle, file, directory.toString());
        } finally {
            engine.delayExecs(0);
        }

        assertThat(Files.readAllBytes(directory.resolve(file.getFileName()))).isEqualTo(bytes);
    }

    @Test
    void anExecWithVariablesInAPodThatIsGoneFailsAsACommandWithoutThem() {
        var result = runtime.exec("offshoot-" + INSTANCE + "-gone", List.of("true"),
                new ExecOptions("", Map.of("PGPASSWORD", "s3cret-value")), Duration.ofSeconds(10));

        assertThat(result.succeeded()).isFalse();
        assertThat(result.output()).doesNotContain("s3cret-value");
    }

    @Test
    void aPodThatGetsNoAddressFailsItsStartWithTheReasonOfItsLastWarningEvent() throws Exception {
        RuntimeProperties impatient = new RuntimeProperties("", INSTANCE, "offshoot/postgres:15-local", "",
                "/offshoot/pgdata", "", "127.0.0.1", "", false, "offshoot-branches", 25000, 25999,
                Duration.ofSeconds(3), Duration.ofSeconds(5), Duration.ofMinutes(1));
        try (KubernetesRuntime quick = new KubernetesRuntime(clients.client(), clients.namespace(),
                properties(cluster.kubeconfig()), impatient,
                new LimitsProperties(DataSize.ofMegabytes(256), 512, 1024, DataSize.ofGigabytes(4), 4096))) {
            // no such claim: the fake kubelet, like a real one, keeps the Pod waiting for it
            var start = java.util.concurrent.CompletableFuture.supplyAsync(() -> quick.start(branch("k11",
                    "data-never-made")));
            Pod pod = await().atMost(Duration.ofSeconds(3)).until(() -> clients.client().pods()
                    .withLabel(Labels.BRANCH_ID, "k11").list().getItems().stream().findFirst().orElse(null),
                    java.util.Objects::nonNull);
            event(pod, "Normal", "Scheduled", "Successfully assigned offshoot/" + podName(pod) + " to node-1", 1);
            event(pod, "Warning", "FailedMount", "MountVolume.SetUp failed for volume \"data\" :"
                    + " persistentvolumeclaim \"data-never-made\" not found", 2);
            event(pod, "Normal", "Pulled", "Container image already present on machine", 3);

            assertThat(start).failsWithin(Duration.ofSeconds(10)).withThrowableThat().havingCause()
                    .isInstanceOfSatisfying(ContainerFailedException.class, e -> {
                        assertThat(e.getMessage()).contains("got no address within PT3S (FailedMount: MountVolume"
                                + ".SetUp failed for volume \"data\" : persistentvolumeclaim \"data-never-made\""
                                + " not found)");
                        assertThat(e.properties()).containsEntry("reason", "FailedMount");
                    });
            await().atMost(Duration.ofSeconds(5)).until(() -> pod(podName(pod)) == null);
            assertThat(cluster.calls()).extracting(c -> c.rule()).contains("events:list");
        }
    }

    private static String podName(Pod pod) {
        return pod.getMetadata().getName();
    }

    /** An event as the scheduler or kubelet posts it about a Pod; a higher {@code order} is newer. */
    private void event(Pod pod, String type, String reason, String message, int order) {
        String at = Instant.now().minusSeconds(10 - order).truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
        cluster.client().v1().events().resource(new io.fabric8.kubernetes.api.model.EventBuilder().withNewMetadata()
                .withName(podName(pod) + "." + reason.toLowerCase()).endMetadata()
                .withType(type).withReason(reason).withMessage(message).withLastTimestamp(at).withFirstTimestamp(at)
                .withNewInvolvedObject().withKind("Pod").withName(podName(pod)).withNamespace(FakeCluster.NAMESPACE)
                .withUid(pod.getMetadata().getUid()).endInvolvedObject().build()).create();
        // another Pod's warning is not this one's
        cluster.client().v1().events().resource(new io.fabric8.kubernetes.api.model.EventBuilder().withNewMetadata()
                .withName("other-" + order + "-" + reason.toLowerCase()).endMetadata().withType("Warning")
                .withReason("FailedScheduling").withMessage("0/1 nodes are available").withLastTimestamp(
                        Instant.now().toString()).withNewInvolvedObject().withKind("Pod").withName("other-pod")
                .endInvolvedObject().build()).create();
    }
}
