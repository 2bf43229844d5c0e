package dev.offshoot.storage;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.offshoot.runtime.ImageStore;
import dev.offshoot.runtime.Labels;

/**
 * Snapshot images belong to the branch created from them. One that a deleted branch owned may
 * still be the parent layer of a live grandchild's snapshot, so the engine refuses to remove it
 * then; pruning retries every unowned snapshot after each delete of a branch that had a snapshot
 * until nothing more goes. "Owned" means named by any live row, CREATING ones included: a child's
 * row names its image before the image is committed, so no prune can take an image being made.
 */
final class SnapshotImages {

    private static final Logger log = LoggerFactory.getLogger(SnapshotImages.class);

    private SnapshotImages() {
    }

    /**
     * @param owned reads the images live rows name; read after each listing of images, so that an
     *              image committed after its row was saved is never seen without its owner
     */
    static void prune(ImageStore runtime, String instanceId, Supplier<Set<String>> owned) {
        boolean progress = true;
        while (progress) {
            progress = false;
            List<String> images = runtime.listImages(Map.of(Labels.INSTANCE, instanceId,
                    Labels.KIND, Labels.KIND_SNAPSHOT));
            Set<String> ownedNow = owned.get();
            for (String image : images) {
                if (ownedNow.contains(image)) {
                    continue;
                }
                if (runtime.removeImage(image)) {
                    progress = true;
                } else {
                    log.debug("snapshot image {} kept: still a parent layer", image);
                }
            }
        }
    }
}
