package dev.offshoot.storage;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

import dev.offshoot.instance.DataRef;
import dev.offshoot.runtime.ImageStore.ImageRef;
import dev.offshoot.runtime.ImageStore;
import dev.offshoot.runtime.Labels;

/**
 * Copy-on-write through image layers, on any Docker host: a revision is an image committed from a
 * cleanly stopped build container, a branch a container of that image (overlayfs shares the files
 * until the branch opens one for writing, which copies the whole file up: a 1 GB segment for a
 * one-row UPDATE), a snapshot a {@code docker commit} of the paused running branch. A branch's own
 * data is its container's writable layer and goes with the container.
 */
public class OverlayDriver implements StorageDriver {

    public static final String NAME = DataRef.OVERLAY;

    private final ImageStore images;
    private final String instanceId;

    OverlayDriver(ImageStore images, String instanceId) {
        this.images = images;
        this.instanceId = instanceId;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Mount newRevision(UUID templateId, int revision, String image) {
        return new Mount(image, null);
    }

    @Override
    public Revision captureRevision(String containerId, Mount stopped, UUID templateId, int revision,
            Map<String, String> labels) {
        ImageRef image = new ImageRef("offshoot/template-" + instanceId + "-" + labels.getOrDefault(
                Labels.TEMPLATE, templateId.toString()), "r" + revision);
        // the build's superuser password must not stay readable in the image's configuration
        String imageId = images.commit(containerId, image, labels, List.of("POSTGRES_PASSWORD="));
        long size = images.inspectImage(imageId).map(ImageStore.ImageInfo::sizeBytes).orElse(0L);
        return new Revision(new DataRef.InImage(image.toString()), imageId, size);
    }

    @Override
    public void discard(Mount build) {
        // the build container's layer goes with the container
    }

    @Override
    public Mount cloneFor(UUID branchId, DataRef parent) {
        // the container's own layer is the copy: nothing to prepare, a new container is a fresh copy
        return new Mount(parent.image(), null);
    }

    @Override
    public Mount mountOf(UUID branchId, DataRef parent) {
        return new Mount(parent.image(), null);
    }

    @Override
    public Mount existing(UUID branchId, DataRef parent) {
        return mountOf(branchId, parent);
    }

    @Override
    public DataRef plannedSnapshot(UUID childId, String childName, DataRef sourceParent) {
        return new DataRef.InImage("offshoot/snapshot-" + instanceId + "-" + childName + ":"
                + childId.toString().substring(0, 8));
    }

    @Override
    public void snapshot(String containerId, UUID sourceBranchId, DataRef planned, Map<String, String> labels) {
        images.commit(containerId, ImageRef.parse(planned.image()), labels, List.of());
    }

    @Override
    public boolean remove(DataRef data) {
        return images.removeImage(data.image());
    }

    @Override
    public void release(DataRef snapshot, Supplier<Set<String>> liveSnapshots) {
        // only a branch started from a snapshot can leave images unowned: deleting any other one has
        // nothing to prune, and listing images on every delete slowed bulk deletes
        SnapshotImages.prune(images, instanceId, liveSnapshots);
    }

    @Override
    public void removeBranch(UUID branchId) {
        // the writable layer went with the container
    }

    @Override
    public Optional<Long> ownBytes(String containerId, UUID branchId) {
        return containerId == null ? Optional.empty() : images.writableLayerBytes(containerId);
    }
}
