package dev.offshoot.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.util.unit.DataSize;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;

import dev.offshoot.config.KubernetesProperties;
import dev.offshoot.instance.DataRef;
import dev.offshoot.k8s.ClusterDispatcher;
import dev.offshoot.k8s.FakeCluster;
import dev.offshoot.k8s.LocalEngine;
import dev.offshoot.runtime.Labels;
import dev.offshoot.runtime.kubernetes.KubernetesClients;

/** The CSI snapshot driver against fabric8's mock API server, with a fake CSI driver copying directories. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CsiSnapshotDriverTest {

    static final String INSTANCE = "csiunit";
    FakeCluster cluster;
    KubernetesClients clients;
    CsiSnapshotDriver driver;

    @BeforeAll
    void startCluster() throws Exception {
        cluster = new FakeCluster(new LocalEngine(), Files.createTempDirectory("fake-csi"));
        KubernetesProperties properties = new KubernetesProperties(cluster.kubeconfig(), "", "zfs-local", "zfs-snaps",
                DataSize.ofGigabytes(2), "IfNotPresent", 100, 102, Duration.ofSeconds(20), List.of(), "");
        clients = KubernetesClients.connect(properties);
        driver = new CsiSnapshotDriver(new VolumeSnapshots(clients.client(), clients.namespace(), properties,
                INSTANCE), INSTANCE);
    }

    @AfterAll
    void stopCluster() {
        clients.close();
        cluster.close();
    }

    /** A revision as a build leaves it: a claim with PGDATA in it, captured into a ready snapshot. */
    DataRef revision(UUID template, String marker) throws Exception {
        StorageDriver.Mount build = driver.newRevision(template, 1, "offshoot/postgres:15-local");
        org.awaitility.Awaitility.await().until(() -> Files.isDirectory(cluster.claimDir(build.hostPath())));
        Files.createDirectories(cluster.claimDir(build.hostPath()).resolve("pgdata"));
        Files.writeString(cluster.claimDir(build.hostPath()).resolve("pgdata/PG_VERSION"), marker);
        return driver.captureRevision("build-pod", build, template, 1,
                Map.of(Labels.INSTANCE, INSTANCE, Labels.KIND, Labels.KIND_TEMPLATE_IMAGE)).data();
    }

    PersistentVolumeClaim claim(String name) {
        return clients.client().persistentVolumeClaims().withName(name).get();
    }

    @Test
    void aRevisionIsAClaimAndASnapshotReadyBeforeItIsReturned() throws Exception {
        UUID template = UUID.randomUUID();
        DataRef data = revision(template, "15");

        assertThat(data).isInstanceOf(DataRef.InVolumeSnapshot.class);
        assertThat(data.driver()).isEqualTo("csi");
        assertThat(data.image()).as("the image of the template's major, kept by the revision")
                .isEqualTo("offshoot/postgres:15-local");
        var snapshot = clients.client().genericKubernetesResources(VolumeSnapshots.VOLUME_SNAPSHOT).withName(data.path()).get();
        assertThat(VolumeSnapshots.ready(snapshot)).isTrue();
        assertThat(snapshot.<String>get("spec", "volumeSnapshotClassName")).isEqualTo("zfs-snaps");
        assertThat(snapshot.<String>get("spec", "source", "persistentVolumeClaimName")).isEqualTo(data.path());
        assertThat(claim(data.path()).getSpec().getStorageClassName()).isEqualTo("zfs-local");
        assertThat(DataRef.of("csi", data.image(), data.path())).isEqualTo(data);
    }

    @Test
    void aBranchIsAClaimRestoredFromItsParentsSnapshotAndAResetReplacesIt() throws Exception {
        DataRef parent = revision(UUID.randomUUID(), "15");
        UUID branch = UUID.randomUUID();

        assertThat(driver.prepareClone(branch, parent).fillableAfterCreate()).isFalse();
        StorageDriver.Mount first = driver.cloneFor(branch, parent);

        PersistentVolumeClaim pvc = claim(first.hostPath());
        assertThat(pvc.getSpec().getDataSource().getKind()).isEqualTo("VolumeSnapshot");
        assertThat(pvc.getSpec().getDataSource().getName()).isEqualTo(parent.path());
        assertThat(pvc.getMetadata().getLabels()).containsEntry(Labels.BRANCH_ID, branch.toString());
        assertThat(driver.mountOf(branch, parent).hostPath()).isEqualTo(first.hostPath());

        StorageDriver.Mount reset = driver.cloneFor(branch, parent);

        assertThat(reset.hostPath()).isNotEqualTo(first.hostPath());
        assertThat(claim(first.hostPath())).isNull();
        assertThat(driver.existing(branch, parent).hostPath()).isEqualTo(reset.hostPath());
        org.awaitility.Awaitility.await().until(() -> Files.exists(cluster.claimDir(reset.hostPath())
                .resolve("pgdata/PG_VERSION")));

        driver.removeBranch(branch);
        assertThat(clients.client().persistentVolumeClaims().withLabel(Labels.BRANCH_ID, branch.toString()).list()
                .getItems()).isEmpty();
    }

    @Test
    void aForkSnapshotsTheSourcesClaimAndItsChildStartsFromThatSnapshot() throws Exception {
        DataRef parent = revision(UUID.randomUUID(), "15");
        UUID source = UUID.randomUUID();
        StorageDriver.Mount sourceData = driver.cloneFor(source, parent);
        org.awaitility.Awaitility.await().until(() -> Files.isDirectory(cluster.claimDir(sourceData.hostPath())));
        Files.writeString(cluster.claimDir(sourceData.hostPath()).resolve("pgdata/written-by-source"), "x");
        UUID child = UUID.randomUUID();

        DataRef planned = driver.plannedSnapshot(child, "child", parent);
        driver.snapshot("source-pod", source, planned, Map.of(Labels.INSTANCE, INSTANCE, Labels.KIND,
                Labels.KIND_SNAPSHOT, Labels.BRANCH_ID, child.toString()));
        StorageDriver.Mount childData = driver.cloneFor(child, planned);

        org.awaitility.Awaitility.await().until(() -> Files.exists(cluster.claimDir(childData.hostPath())
                .resolve("pgdata/written-by-source")));
        driver.release(planned, Set::of);
        assertThat(clients.client().genericKubernetesResources(VolumeSnapshots.VOLUME_SNAPSHOT).withName(planned.path())
                .get()).isNull();
    }

    @Test
    void removingARevisionRemovesItsSnapshotAndItsClaim() throws Exception {
        DataRef data = revision(UUID.randomUUID(), "15");

        assertThat(driver.remove(data)).isTrue();

        assertThat(claim(data.path())).isNull();
        assertThat(clients.client().genericKubernetesResources(VolumeSnapshots.VOLUME_SNAPSHOT).withName(data.path())
                .get()).isNull();
        assertThatThrownBy(() -> driver.cloneFor(UUID.randomUUID(), data)).isInstanceOf(DataMissingException.class);
    }

    @Test
    void claimsAndSnapshotsOfBranchesThatAreNotLiveAreOrphans() throws Exception {
        DataRef parent = revision(UUID.randomUUID(), "15");
        UUID live = UUID.randomUUID();
        UUID gone = UUID.randomUUID();
        driver.cloneFor(live, parent);
        driver.cloneFor(gone, parent);

        assertThat(driver.removeOrphans(() -> Set.of(live))).isGreaterThanOrEqualTo(1);

        assertThat(clients.client().persistentVolumeClaims().withLabel(Labels.BRANCH_ID, gone.toString()).list()
                .getItems()).isEmpty();
        assertThat(clients.client().persistentVolumeClaims().withLabel(Labels.BRANCH_ID, live.toString()).list()
                .getItems()).hasSize(1);
    }

    @Test
    void anOrphanPassAsksTheApiServerNothingButDeletesAndSeesTheClaimItMadeAMomentAgo() throws Exception {
        DataRef parent = revision(UUID.randomUUID(), "15");
        UUID gone = UUID.randomUUID();
        String claim = driver.cloneFor(gone, parent).hostPath();
        int before = cluster.calls().size();

        int removed = driver.removeOrphans(Set::of);

        List<ClusterDispatcher.Call> made = cluster.calls().subList(before, cluster.calls().size());
        assertThat(removed).isGreaterThanOrEqualTo(1);
        assertThat(cluster.client().persistentVolumeClaims().withName(claim).get()).isNull();
        assertThat(made).extracting(ClusterDispatcher.Call::verb).containsOnly("delete");
    }

    @Test
    void anOrphanPassSeesAClaimAnotherClientMadeThroughTheWatchNotAList() {
        String name = "offshoot-" + INSTANCE + "-data-elsewhere-" + UUID.randomUUID().toString().substring(0, 6);
        int before = cluster.calls().size();
        cluster.client().persistentVolumeClaims().resource(new PersistentVolumeClaimBuilder().withNewMetadata()
                .withName(name).withLabels(Map.of(Labels.MANAGED, "true", Labels.INSTANCE, INSTANCE, Labels.KIND,
                        Labels.KIND_BRANCH_DATA, Labels.BRANCH_ID, UUID.randomUUID().toString())).endMetadata()
                .withNewSpec().withAccessModes("ReadWriteOnce").withNewResources()
                .addToRequests("storage", new Quantity("1Gi")).endResources().endSpec().build()).create();

        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10))
                .until(() -> driver.removeOrphans(Set::of) > 0);

        assertThat(cluster.client().persistentVolumeClaims().withName(name).get()).isNull();
        assertThat(cluster.calls().subList(before, cluster.calls().size()))
                .extracting(ClusterDispatcher.Call::verb).containsOnly("delete");
    }

    @Test
    void aSnapshotTheInformerHasNotSeenIsAskedOfTheApiServerBeforeACloneIsRefused() {
        String missing = "offshoot-" + INSTANCE + "-rev-never-made";
        int before = cluster.calls().size();

        assertThatThrownBy(() -> driver.cloneFor(UUID.randomUUID(), new DataRef.InVolumeSnapshot("img", missing)))
                .isInstanceOf(DataMissingException.class).hasMessageContaining(missing);
        assertThat(cluster.calls().subList(before, cluster.calls().size())).extracting(ClusterDispatcher.Call::rule)
                .contains("snapshot.storage.k8s.io/volumesnapshots:get");
    }
}
