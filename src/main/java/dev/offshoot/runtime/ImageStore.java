package dev.offshoot.runtime;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Images and container layers as data: what the overlay storage driver keeps template revisions,
 * snapshots and a branch's own writes in. Only
 * {@code dev.offshoot.storage} uses it; features never see an image. A Kubernetes backend has no
 * use for it: its storage driver keeps data in VolumeSnapshots and PVCs.
 */
public interface ImageStore {

    /** Commits the (paused) container's filesystem to an image; returns the image id. */
    String commit(String containerId, ImageRef target, Map<String, String> labels, List<String> envOverrides);

    Optional<ImageInfo> inspectImage(String imageRef);

    /** Images carrying all the given labels, as repository:tag references. */
    List<String> listImages(Map<String, String> labels);

    /**
     * Removes an image. Removing an image already gone succeeds; returns false when the engine
     * keeps it because a container or a child image still uses it.
     */
    boolean removeImage(String imageRef);

    /** Bytes a container wrote into its own layer on top of its image (copy-on-write cost), if known. */
    Optional<Long> writableLayerBytes(String containerId);

    record ImageRef(String repository, String tag) {

        /** An image reference as {@code repository:tag}. */
        public static ImageRef parse(String reference) {
            int colon = reference.lastIndexOf(':');
            return new ImageRef(reference.substring(0, colon), reference.substring(colon + 1));
        }

        @Override
        public String toString() {
            return repository + ":" + tag;
        }
    }

    record ImageInfo(String id, long sizeBytes, Map<String, String> labels) {
    }
}
