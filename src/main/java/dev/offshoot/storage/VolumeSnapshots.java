package dev.offshoot.storage;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;

import dev.offshoot.config.KubernetesProperties;
import dev.offshoot.runtime.Labels;
import dev.offshoot.runtime.kubernetes.InformerWaits;

/**
 * The claims and VolumeSnapshots of one service instance in one namespace. VolumeSnapshots are
 * generic resources of {@code snapshot.storage.k8s.io/v1} (the CSI external-snapshotter's CRD),
 * named with their plural so that no discovery request precedes each call. Writes go to the API
 * server; reads (listings, a snapshot's readiness) come from two informers (one list and one watch
 * each, for the instance's label), and a create returns once its own informer has the object, so
 * a read right after a write sees it.
 */
final class VolumeSnapshots implements AutoCloseable {

    static final ResourceDefinitionContext VOLUME_SNAPSHOT = new ResourceDefinitionContext.Builder()
            .withGroup("snapshot.storage.k8s.io").withVersion("v1").withKind("VolumeSnapshot")
            .withPlural("volumesnapshots").withNamespaced(true).build();

    private final KubernetesClient client;
    private final String namespace;
    private final KubernetesProperties properties;
    private final SharedIndexInformer<PersistentVolumeClaim> claims;
    private final SharedIndexInformer<GenericKubernetesResource> snapshots;
    private final InformerWaits waits = new InformerWaits();

    VolumeSnapshots(KubernetesClient client, String namespace, KubernetesProperties properties, String instanceId) {
        this.client = client;
        this.namespace = namespace;
        this.properties = properties;
        this.claims = client.persistentVolumeClaims().inNamespace(namespace).withLabel(Labels.INSTANCE, instanceId)
                .inform(waits.handler(), 0);
        this.snapshots = snapshots().withLabel(Labels.INSTANCE, instanceId).inform(waits.handler(), 0);
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
        awaitInformed(() -> claims.getStore().getByKey(key(name)));
    }

    /** The instance's claims carrying the labels, as the informer last saw them. */
    List<PersistentVolumeClaim> claims(Map<String, String> labels) {
        return claims.getStore().list().stream().filter(c -> InformerWaits.carries(c, labels)).toList();
    }

    /**
     * The claims carrying the labels as the API server has them: for a look-up that found none in
     * the informer, should another replica have made one a moment ago.
     */
    List<PersistentVolumeClaim> claimsFromServer(Map<String, String> labels) {
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
     * Waits (on the informer's events) until the snapshot is ready to use; throws when the
     * snapshotter reports an error, the snapshot goes, or the configured time passes.
     */
    GenericKubernetesResource awaitReady(String name) {
        Duration timeout = properties.snapshotTimeout();
        GenericKubernetesResource done = await(() -> Optional.ofNullable(snapshots.getStore().getByKey(key(name)))
                .filter(s -> ready(s) || error(s).isPresent()), timeout)
                .orElseThrow(() -> new StorageException("the VolumeSnapshot " + name + " was not ready within "
                        + timeout));
        Optional<String> error = error(done);
        if (error.isPresent()) {
            throw new StorageException("the VolumeSnapshot " + name + " failed: " + error.get());
        }
        return done;
    }

    /** The snapshot from the informer, or from the API server when the informer has not seen it. */
    Optional<GenericKubernetesResource> find(String name) {
        return Optional.ofNullable(snapshots.getStore().getByKey(key(name)))
                .or(() -> Optional.ofNullable(snapshots().withName(name).get()));
    }

    /** The instance's snapshots carrying the labels, as the informer last saw them. */
    List<GenericKubernetesResource> snapshots(Map<String, String> labels) {
        return snapshots.getStore().list().stream().filter(s -> InformerWaits.carries(s, labels)).toList();
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

    private String key(String name) {
        return namespace + "/" + name;
    }

    /**
     * Returns once the informer has what was just created: the watch brings it within a moment of
     * the create. Should the watch be down longer than a snapshot may take, the create stands and
     * reads fall back as they do for another replica's objects.
     */
    private void awaitInformed(Supplier<? extends HasMetadata> lookup) {
        await(() -> Optional.ofNullable(lookup.get()), properties.snapshotTimeout());
    }

    /** Re-checks on every event of either informer until {@code check} answers or the time is up. */
    private <T> Optional<T> await(Supplier<Optional<T>> check, Duration timeout) {
        try {
            return waits.await(check, timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException("interrupted while waiting for the informer", e);
        }
    }

    @Override
    public void close() {
        claims.close();
        snapshots.close();
    }

    private NonNamespaceOperation<GenericKubernetesResource, GenericKubernetesResourceList,
            Resource<GenericKubernetesResource>> snapshots() {
        return client.genericKubernetesResources(VOLUME_SNAPSHOT).inNamespace(namespace);
    }
}
