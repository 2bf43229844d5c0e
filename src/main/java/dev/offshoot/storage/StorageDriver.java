package dev.offshoot.storage;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

import dev.offshoot.instance.DataRef;
import dev.offshoot.instance.Resources;
import dev.offshoot.runtime.ContainerSpec;

/**
 * Owns branch data: a template revision's data, a branch's copy of it, a snapshot of a running
 * branch for a child, resets and removal, and a branch's own disk usage. Compute (starting the
 * instance that mounts the data) is the runtime's job; features hold {@link DataRef}s and
 * {@link Mount}s without looking inside.
 *
 * <p>Implementations: {@link OverlayDriver} (the data lives in image layers: a revision is an image,
 * a snapshot a {@code docker commit}) and {@link ReflinkDriver} (a revision is a cleanly shut-down
 * PGDATA directory, a branch a {@code cp --reflink=always} of it, bind-mounted into the base image).
 *
 * <p>{@link CsiSnapshotDriver}, the Kubernetes implementation, maps onto it as: a revision = a CSI {@code VolumeSnapshot} of a
 * build Pod's PVC; {@link #cloneFor} = a new PVC with that snapshot as its {@code dataSource};
 * {@link #snapshot} = a {@code VolumeSnapshot} of the running branch's PVC (after the caller's
 * CHECKPOINT); {@link #remove} / {@link #removeBranch} = deleting the PVC or snapshot;
 * {@link #ownBytes} = the CSI driver's capacity report, where it has one. {@link Mount#hostPath()}
 * then names the PVC and the runtime puts it in the Pod's volumes, mounted at PGDATA's parent.
 */
public interface StorageDriver {

    String name();

    /**
     * Where a new revision's build instance initialises PGDATA (an empty directory, or the image's
     * layer), run by {@code image}: the base image of the template's PostgreSQL major, which every
     * copy of the revision then runs.
     */
    Mount newRevision(UUID templateId, int revision, String image);

    /**
     * Makes the cleanly stopped instance's data a revision's. Overlay commits the container; reflink
     * copies the running data's directory, or keeps it when it was made by {@link #newRevision}.
     */
    Revision captureRevision(String containerId, Mount stopped, UUID templateId, int revision,
            Map<String, String> labels);

    /** Removes what {@link #newRevision} made, for a build that failed before its capture. */
    void discard(Mount build);

    /** A fresh copy of the parent's data for a branch; an earlier copy of that branch is replaced (reset). */
    Mount cloneFor(UUID branchId, DataRef parent);

    /**
     * Where {@link #cloneFor} will put a branch's data, made ready to be mounted before the copy:
     * reflink makes an empty directory holding a {@link Mount#gate() gate} file, which the copy
     * removes once it is complete, so that the instance can start while the copy runs. An earlier
     * copy of that branch is removed. Drivers that cannot do this return {@link #mountOf}.
     */
    default Mount prepareClone(UUID branchId, DataRef parent) {
        return mountOf(branchId, parent);
    }

    /** Where a branch's data is, without touching it (for a running branch, whose data exists). */
    Mount mountOf(UUID branchId, DataRef parent);

    /**
     * The branch's data as it is, for an instance recreated after its old one vanished (engine
     * restart, removed container); a fresh copy when none is left. Overlay keeps nothing: the data
     * went with the container's layer.
     */
    Mount existing(UUID branchId, DataRef parent);

    /** The child's snapshot, named before it exists so that the child's row can record it first. */
    DataRef plannedSnapshot(UUID childId, String childName, DataRef sourceParent);

    /** Copies a running branch's data, crash-consistently, into the planned snapshot. */
    void snapshot(String containerId, UUID sourceBranchId, DataRef planned, Map<String, String> labels);

    /**
     * Whether {@link #copyRunningInto} works: a crash-consistent copy of a running branch made
     * straight into another branch's directory. Overlay cannot (its copy is an image commit).
     */
    default boolean copiesRunningInto() {
        return false;
    }

    /**
     * Copies a running branch's data, crash-consistently, straight into the directory
     * {@link #prepareClone} made for another branch, which then keeps no snapshot: one copy instead of
     * {@link #snapshot} and {@link #cloneFor}, for a branch that is never reset (a throwaway).
     */
    default Mount copyRunningInto(String containerId, UUID sourceBranchId, UUID branchId, DataRef parent) {
        throw new UnsupportedOperationException(name() + " copies a running branch only through a snapshot");
    }

    /** Removes a revision's or a snapshot's data; one already gone is fine. False when still in use. */
    boolean remove(DataRef data);

    /**
     * Releases the snapshot a deleted branch started from. Reflink removes its directory; overlay
     * prunes every snapshot image no live row names (one may still be a grandchild's parent layer).
     *
     * @param liveSnapshots the snapshots live rows name, read after the driver lists its own
     */
    void release(DataRef snapshot, Supplier<Set<String>> liveSnapshots);

    /** Removes a branch's own data (what {@link #cloneFor} made); one already gone is fine. */
    void removeBranch(UUID branchId);

    /** Bytes the branch no longer shares with its parent, if known. */
    Optional<Long> ownBytes(String containerId, UUID branchId);

    /**
     * The data an instance runs on. Features hand it to the runtime as a spec ({@link #keyedInstance},
     * {@link #buildInstance}) without looking inside: which image runs and what is bound where is
     * the driver's business.
     *
     * @param image    what to run
     * @param hostPath directory to mount as PGDATA, or null when the image holds the data
     * @param gate     name of a file in that directory whose presence means the data is still being
     *                 copied into it (see {@link #prepareClone}), or null
     */
    record Mount(String image, String hostPath, String gate) {

        public Mount(String image, String hostPath) {
            this(image, hostPath, null);
        }

        /**
         * Whether an instance of it can be created before the data is in place: a directory is
         * filled in the meantime, while an image that holds the data must exist first.
         */
        public boolean fillableAfterCreate() {
            return hostPath != null;
        }

        /**
         * A long-lived instance on this data under a stable instance key (a branch): the engine
         * restarts it with itself, and it answers at the key's endpoint.
         *
         * @param pgdata PGDATA inside the instance (offshoot.runtime.pgdata)
         */
        public ContainerSpec keyedInstance(String name, String instanceKey, String pgdata) {
            ContainerSpec spec = ContainerSpec.keyed(name, instanceKey, image, env(pgdata), Map.of(), binds(pgdata),
                    Resources.DEFAULTS);
            return gate == null ? spec : spec.withDataGate(pgdata + "/" + gate);
        }

        /** A short-lived instance on this data (a template build), on a port the engine picks. */
        public ContainerSpec buildInstance(String name, String pgdata, String bindAddress) {
            return new ContainerSpec(name, image, env(pgdata), Map.of(), bindAddress, 0, binds(pgdata), false,
                    List.of());
        }

        /** The bind of the data directory at PGDATA, if there is one. */
        public Map<String, String> binds(String pgdata) {
            return hostPath == null ? Map.of() : Map.of(hostPath, pgdata);
        }

        /** The environment that points Postgres at the mounted directory (an image with data has its own). */
        public Map<String, String> env(String pgdata) {
            return hostPath == null ? Map.of() : Map.of("PGDATA", pgdata);
        }
    }

    /** A captured revision: its data, the id of what holds it, and the bytes that takes. */
    record Revision(DataRef data, String dataId, long sizeBytes) {
    }
}
