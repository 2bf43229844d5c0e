package dev.offshoot.storage;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;

import dev.offshoot.config.KubernetesProperties;

/**
 * The claims and VolumeSnapshots of one namespace through the API server. VolumeSnapshots are
 * generic resources of {@code snapshot.storage.k8s.io/v1} (the CSI external-snapshotter's CRD),
 * named with their plural so that no discovery request precedes each call.
 */
final class VolumeSnapshots {

    static final ResourceDefinitionContext VOLUME_SNAPSHOT = new ResourceDefinitionContext.Builder()
            .withGroup("snapshot.storage.k8s.io").withVersion("v1").withKind("VolumeSnapshot")
            .withPlural("volumesnapshots").withNamespaced(true).build();

    private final KubernetesClient client;
    private final String namespace;
    private final KubernetesProperties properties;

    VolumeSnapshots(KubernetesClient client, String namespace, KubernetesProperties properties) {
        this.client = client;
        this.namespace = namespace;
        this.properties = properties;
    }

    /** A ReadWriteOnce claim of the configured class: empty, or restored from a snapshot. */
    void createClaim(String name, Map<String, String> labels, String fromSnapshot, Quantity atLeast) {
        Quantity size = new Quantity(String.valueOf(properties.volumeSize().toBytes()));
        if (atLeast != null && Quantity.getAmountInBytes(atLeast).compareTo(Quantity.getAmountInBytes(size)) > 0) {
            size = atLeast;
        }
        PersistentVolumeClaimBuilder claim = new PersistentVolumeClaimBuilder()
                .withNewMetadata().withName(name).withLabels(labels).endMetadata()
                .withNewSpec().withAccessModes("ReadWriteOnce")
                .withStorageClassName(properties.storageClass().isBlank() ? null : properties.storageClass())
                .withNewResources().addToRequests("storage", size).endResources()
                .endSpec();
        if (fromSnapshot != null) {
            claim.editSpec().withNewDataSource().withApiGroup(VOLUME_SNAPSHOT.getGroup())
                    .withKind(VOLUME_SNAPSHOT.getKind()).withName(fromSnapshot).endDataSource().endSpec();
        }
        client.persistentVolumeClaims().inNamespace(namespace).resource(claim.build()).create();
    }

    List<PersistentVolumeClaim> claims(Map<String, String> labels) {
        return client.persistentVolumeClaims().inNamespace(namespace).withLabels(labels).list().getItems();
    }

    void deleteClaim(String name) {
        client.persistentVolumeClaims().inNamespace(namespace).withName(name).delete();
    }

    void deleteClaims(Map<String, String> labels) {
        client.persistentVolumeClaims().inNamespace(namespace).withLabels(labels).delete();
    }

    void createSnapshot(String name, String claim, Map<String, String> labels) {
        Map<String, Object> spec = new LinkedHashMap<>();
        if (!properties.volumeSnapshotClass().isBlank()) {
            spec.put("volumeSnapshotClassName", properties.volumeSnapshotClass());
        }
        spec.put("source", Map.of("persistentVolumeClaimName", claim));
        GenericKubernetesResource snapshot = new GenericKubernetesResourceBuilder()
                .withApiVersion("snapshot.storage.k8s.io/v1").withKind("VolumeSnapshot")
                .withNewMetadata().withName(name).withLabels(labels).endMetadata()
                .addToAdditionalProperties("spec", spec).build();
        snapshots().resource(snapshot).create();
    }

    /**
     * Waits (on a watch) until the snapshot is ready to use; throws when the snapshotter reports an
     * error or the configured time passes.
     */
    GenericKubernetesResource awaitReady(String name) {
        Duration timeout = properties.snapshotTimeout();
        GenericKubernetesResource done = snapshots().withName(name).waitUntilCondition(
                s -> s != null && (ready(s) || error(s).isPresent()), timeout.toMillis(), TimeUnit.MILLISECONDS);
        Optional<String> error = error(done);
        if (error.isPresent()) {
            throw new StorageException("the VolumeSnapshot " + name + " failed: " + error.get());
        }
        return done;
    }

    Optional<GenericKubernetesResource> find(String name) {
        return Optional.ofNullable(snapshots().withName(name).get());
    }

    List<GenericKubernetesResource> snapshots(Map<String, String> labels) {
        return snapshots().withLabels(labels).list().getItems();
    }

    void deleteSnapshot(String name) {
        snapshots().withName(name).delete();
    }

    static boolean ready(GenericKubernetesResource snapshot) {
        return Boolean.TRUE.equals(snapshot.get("status", "readyToUse"));
    }

    static Optional<Quantity> restoreSize(GenericKubernetesResource snapshot) {
        if (!ready(snapshot)) {
            return Optional.empty();
        }
        Object size = snapshot.get("status", "restoreSize");
        return Optional.of(new Quantity(size == null ? "0" : String.valueOf(size)));
    }

    private static Optional<String> error(GenericKubernetesResource snapshot) {
        Object message = snapshot.get("status", "error", "message");
        return Optional.ofNullable(message).map(String::valueOf);
    }

    private NonNamespaceOperation<GenericKubernetesResource, GenericKubernetesResourceList,
            Resource<GenericKubernetesResource>> snapshots() {
        return client.genericKubernetesResources(VOLUME_SNAPSHOT).inNamespace(namespace);
    }
}
