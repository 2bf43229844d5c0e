package dev.offshoot.storage;

import java.security.SecureRandom;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;

import dev.offshoot.instance.DataRef;
import dev.offshoot.runtime.Labels;

/**
 * Branch data on a CSI driver through VolumeSnapshots ({@code snapshot.storage.k8s.io/v1}): a
 * template revision is a claim holding a cleanly shut-down PGDATA plus a VolumeSnapshot of it,
 * ready before the revision is; a branch is a claim whose {@code dataSource} is that snapshot
 * (copy-on-write where the driver clones so: ZFS, thin LVM, Ceph RBD; a full copy where it does
 * not: docs/kubernetes.md); a fork is the caller's CHECKPOINT, then a snapshot of the running
 * branch's claim (crash-consistent by the storage itself: no Pod is frozen) and a claim from it;
 * a reset a new claim from the parent's snapshot. Claims are named per copy, so a reset never
 * waits for the old claim to go. The claim holds PGDATA as its directory {@code pgdata}: the
 * runtime mounts a claim at the parent of the data directory it is bound to.
 */
public class CsiSnapshotDriver implements StorageDriver {

    public static final String NAME = DataRef.CSI;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final VolumeSnapshots snapshots;
    private final String instanceId;
    /** Restore sizes of snapshots, which never change once ready. */
    private final Map<String, Quantity> restoreSizes = new ConcurrentHashMap<>();

    CsiSnapshotDriver(VolumeSnapshots snapshots, String instanceId) {
        this.snapshots = snapshots;
        this.instanceId = instanceId;
    }

    @Override
    public String name() {
        return NAME;
    }

    /** An empty claim for the build; the base image's initdb fills it. */
    @Override
    public Mount newRevision(UUID templateId, int revision, String image) {
        String name = revisionName(templateId, revision);
        Map<String, String> labels = labels(Labels.KIND_TEMPLATE_IMAGE);
        labels.put(Labels.REVISION, String.valueOf(revision));
        snapshots.createClaim(name, labels, null, null);
        return new Mount(image, name);
    }

    /** A snapshot of the stopped build's claim (or of an adopted branch's), ready before this returns. */
    @Override
    public Revision captureRevision(String containerId, Mount stopped, UUID templateId, int revision,
            Map<String, String> labels) {
        String name = revisionName(templateId, revision);
        GenericKubernetesResource ready = takeSnapshot(name, stopped.hostPath(), labels);
        Quantity size = VolumeSnapshots.restoreSize(ready).orElse(new Quantity("0"));
        return new Revision(new DataRef.InVolumeSnapshot(stopped.image(), name), name,
                Quantity.getAmountInBytes(size).longValue());
    }

    @Override
    public void discard(Mount build) {
        if (build.hostPath() != null && build.hostPath().startsWith(prefix("rev"))) {
            snapshots.deleteClaim(build.hostPath());
        }
    }

    /**
     * No claim yet: the claim is made by {@link #cloneFor}, before the Pod, which names it (a Pod
     * whose claim is missing waits on the scheduler's back-off).
     */
    @Override
    public Mount prepareClone(UUID branchId, DataRef parent) {
        return new Mount(parent.image(), null);
    }

    /** A new claim restored from the parent's snapshot; the branch's earlier claims go (a reset). */
    @Override
    public Mount cloneFor(UUID branchId, DataRef parent) {
        removeBranch(branchId);
        String snapshot = parent.path();
        Quantity size = restoreSizes.computeIfAbsent(snapshot, s -> snapshots.find(s)
                .flatMap(VolumeSnapshots::restoreSize)
                .orElseThrow(() -> new DataMissingException("the VolumeSnapshot " + s + " is gone or not ready")));
        String name = prefix("data") + branchId + "-" + Integer.toString(RANDOM.nextInt(36 * 36 * 36), 36);
        Map<String, String> labels = labels(Labels.KIND_BRANCH_DATA);
        labels.put(Labels.BRANCH_ID, branchId.toString());
        snapshots.createClaim(name, labels, snapshot, size);
        return new Mount(parent.image(), name);
    }

    @Override
    public Mount mountOf(UUID branchId, DataRef parent) {
        return new Mount(parent.image(), currentClaim(branchId).orElseThrow(() -> new DataMissingException(
                "branch " + branchId + " has no claim")));
    }

    @Override
    public Mount existing(UUID branchId, DataRef parent) {
        return currentClaim(branchId).map(claim -> new Mount(parent.image(), claim))
                .orElseGet(() -> cloneFor(branchId, parent));
    }

    /**
     * The branch's newest claim that is not going, from the informer; from the API server only
     * when the informer has none (another replica may have made it a moment ago).
     */
    private Optional<String> currentClaim(UUID branchId) {
        return newest(snapshots.claims(branchLabels(branchId)))
                .or(() -> newest(snapshots.claimsFromServer(branchLabels(branchId))));
    }

    private static Optional<String> newest(List<PersistentVolumeClaim> claims) {
        return claims.stream().filter(c -> c.getMetadata().getDeletionTimestamp() == null)
                .max(Comparator.comparing(c -> String.valueOf(c.getMetadata().getCreationTimestamp())))
                .map(c -> c.getMetadata().getName());
    }

    @Override
    public DataRef plannedSnapshot(UUID childId, String childName, DataRef sourceParent) {
        return new DataRef.InVolumeSnapshot(sourceParent.image(), prefix("snap") + childId);
    }

    @Override
    public void snapshot(String containerId, UUID sourceBranchId, DataRef planned, Map<String, String> labels) {
        String claim = currentClaim(sourceBranchId).orElseThrow(() -> new DataMissingException(
                "branch " + sourceBranchId + " has no claim to snapshot"));
        // a second try (the source was reset meanwhile) replaces the first
        snapshots.deleteSnapshot(planned.path());
        takeSnapshot(planned.path(), claim, labels);
    }

    private GenericKubernetesResource takeSnapshot(String name, String claim, Map<String, String> labels) {
        Map<String, String> own = new LinkedHashMap<>(labels);
        own.put(Labels.MANAGED, "true");
        own.put(Labels.INSTANCE, instanceId);
        snapshots.createSnapshot(name, claim, own);
        try {
            GenericKubernetesResource ready = snapshots.awaitReady(name);
            VolumeSnapshots.restoreSize(ready).ifPresent(size -> restoreSizes.put(name, size));
            return ready;
        } catch (RuntimeException e) {
            snapshots.deleteSnapshot(name);
            throw e;
        }
    }

    /** Removes a snapshot and, for a revision's, the claim it was taken of. */
    @Override
    public boolean remove(DataRef data) {
        snapshots.deleteSnapshot(data.path());
        restoreSizes.remove(data.path());
        if (data.path().startsWith(prefix("rev"))) {
            snapshots.deleteClaim(data.path());
        }
        return true;
    }

    @Override
    public void release(DataRef snapshot, Supplier<Set<String>> liveSnapshots) {
        // a fork's snapshot is its child's alone
        remove(snapshot);
    }

    @Override
    public void removeBranch(UUID branchId) {
        snapshots.deleteClaims(branchLabels(branchId));
    }

    /** A CSI driver reports no per-volume usage through the API. */
    @Override
    public Optional<Long> ownBytes(String containerId, UUID branchId) {
        return Optional.empty();
    }

    /**
     * Removes claims and fork snapshots whose branch is not live. They are read (from the
     * informers: a pass asks the API server nothing but the deletes) before the live ids are read,
     * so a create that saves its row meanwhile is never taken for an orphan.
     */
    int removeOrphans(Supplier<Set<UUID>> liveBranchIds) {
        List<PersistentVolumeClaim> claims = snapshots.claims(labels(Labels.KIND_BRANCH_DATA));
        List<GenericKubernetesResource> forks = snapshots.snapshots(labels(Labels.KIND_SNAPSHOT));
        if (claims.isEmpty() && forks.isEmpty()) {
            return 0;
        }
        Set<UUID> live = liveBranchIds.get();
        int removed = 0;
        for (PersistentVolumeClaim claim : claims) {
            if (!live.contains(owner(claim.getMetadata().getLabels()))) {
                snapshots.deleteClaim(claim.getMetadata().getName());
                removed++;
            }
        }
        for (GenericKubernetesResource fork : forks) {
            if (!live.contains(owner(fork.getMetadata().getLabels()))) {
                snapshots.deleteSnapshot(fork.getMetadata().getName());
                removed++;
            }
        }
        return removed;
    }

    private static UUID owner(Map<String, String> labels) {
        try {
            return UUID.fromString(labels.getOrDefault(Labels.BRANCH_ID, ""));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private String revisionName(UUID templateId, int revision) {
        return prefix("rev") + templateId + "-r" + revision;
    }

    private String prefix(String what) {
        return "offshoot-" + instanceId.toLowerCase(java.util.Locale.ROOT) + "-" + what + "-";
    }

    private Map<String, String> labels(String kind) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(Labels.MANAGED, "true");
        labels.put(Labels.INSTANCE, instanceId);
        labels.put(Labels.KIND, kind);
        return labels;
    }

    private Map<String, String> branchLabels(UUID branchId) {
        Map<String, String> labels = labels(Labels.KIND_BRANCH_DATA);
        labels.put(Labels.BRANCH_ID, branchId.toString());
        return labels;
    }
}
