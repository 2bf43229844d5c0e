package dev.offshoot.storage;

import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.offshoot.error.OffshootException;
import dev.offshoot.instance.DataRef;
import dev.offshoot.runtime.ImageStore;

/**
 * The storage drivers of this service: the active one, which new templates use, and why it was
 * chosen; and the driver that holds any stored data, found by the name persisted with it, so that
 * a service restarted with another driver still removes (or clearly refuses to copy) older data.
 */
public class Storage {

    private static final Logger log = LoggerFactory.getLogger(Storage.class);

    private final StorageDriver active;
    private final String reason;
    private final OverlayDriver overlay;
    private final ReflinkDriver reflink;
    private final CsiSnapshotDriver csi;

    Storage(StorageDriver active, String reason, OverlayDriver overlay, ReflinkDriver reflink) {
        this(active, reason, overlay, reflink, null);
    }

    private Storage(StorageDriver active, String reason, OverlayDriver overlay, ReflinkDriver reflink,
            CsiSnapshotDriver csi) {
        this.active = active;
        this.reason = reason;
        this.overlay = overlay;
        this.reflink = reflink;
        this.csi = csi;
    }

    /** CSI snapshots only: the Kubernetes runtime, where neither image layers nor host directories exist. */
    static Storage csiOnly(CsiSnapshotDriver csi, String reason) {
        return new Storage(csi, reason, null, null, csi);
    }

    /** Overlay only, without a storage path: for tests around mocks of the runtime. */
    public static Storage overlayOnly(ImageStore images, String instanceId) {
        OverlayDriver overlay = new OverlayDriver(images, instanceId);
        return new Storage(overlay, "overlay only", overlay, null);
    }

    /** The driver new template revisions are stored with. */
    public StorageDriver active() {
        return active;
    }

    /** Why the active driver runs, for the log and the health endpoint. */
    public String reason() {
        return reason;
    }

    /** The driver that holds data stored under this name; good for removals whatever is active. */
    public StorageDriver holding(String driver) {
        StorageDriver holder = switch (driver) {
            case OverlayDriver.NAME -> overlay;
            case ReflinkDriver.NAME -> reflink;
            case CsiSnapshotDriver.NAME -> csi;
            default -> throw new StorageException("unknown storage driver '" + driver + "'");
        };
        if (holder == null) {
            throw new StorageException("no " + driver + " storage configured (this service runs '" + active.name()
                    + "')");
        }
        return holder;
    }

    /**
     * The driver to copy data stored under this name; refused when it is reflink data and this
     * service runs without reflink (copies would fail, or silently become full copies).
     */
    public StorageDriver copying(String driver) {
        if (CsiSnapshotDriver.NAME.equals(driver) != (active == csi)) {
            throw OffshootException.conflict("STORAGE_DRIVER_UNAVAILABLE", "this data is held by the '" + driver
                    + "' storage driver, but this service runs '" + active.name() + "' (" + reason + "): data"
                    + " moves between Docker and Kubernetes only by a template refresh");
        }
        if (ReflinkDriver.NAME.equals(driver) && active != reflink) {
            throw OffshootException.conflict("STORAGE_DRIVER_UNAVAILABLE", "this data is held by the reflink storage"
                    + " driver, but this service runs '" + active.name() + "' (" + reason + "); run it with"
                    + " offshoot.storage.driver=reflink on the same storage path, or refresh the template");
        }
        return holding(driver);
    }

    /**
     * Removes revision directories no template revision names that have not changed for the grace
     * period (longer than any build: a build in progress has its directory before its row).
     *
     * @param knownRevisions the data paths of every stored revision, read after the listing
     * @return how many were removed
     */
    public int removeOrphanRevisions(Supplier<Set<String>> knownRevisions, java.time.Duration grace) {
        if (reflink == null) {
            return 0;
        }
        var dirs = reflink.revisionDirs(java.time.Instant.now().minus(grace));
        if (dirs.isEmpty()) {
            return 0;
        }
        Set<String> known = knownRevisions.get();
        int removed = 0;
        for (String dir : dirs) {
            if (!known.contains(dir)) {
                reflink.remove(new DataRef.InDirectory(null, dir));
                log.warn("removed orphan revision directory {}", dir);
                removed++;
            }
        }
        return removed;
    }

    /**
     * Removes reflink data directories whose branch is not live: left by a crash between a copy and
     * its row, or by a delete that failed halfway. Directories are listed before the live ids are
     * read, so a create that saves its row meanwhile is never taken for an orphan.
     *
     * @return how many were removed
     */
    public int removeOrphanData(Supplier<Set<UUID>> liveBranchIds) {
        if (csi != null) {
            return csi.removeOrphans(liveBranchIds);
        }
        if (reflink == null) {
            return 0;
        }
        var ids = reflink.dataIds();
        if (ids.isEmpty()) {
            return 0;
        }
        Set<UUID> live = liveBranchIds.get();
        int removed = 0;
        for (UUID id : ids) {
            if (!live.contains(id)) {
                reflink.removeData(id);
                log.warn("removed orphan data directory of branch id {}", id);
                removed++;
            }
        }
        return removed;
    }
}
