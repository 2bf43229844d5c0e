package dev.offshoot.storage;

import static org.mockito.ArgumentMatchers.anyMap;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import dev.offshoot.runtime.ImageStore;

/**
 * LoadIT's IMAGE_NOT_FOUND on a fork: a delete's prune read the owned images, then a child saved
 * its row and committed its snapshot, then the prune listed images and took the child's as unowned.
 */
class SnapshotImagesTest {

    final ImageStore runtime = mock(ImageStore.class);

    @Test
    void anImageCommittedAfterItsRowWasSavedIsNeverPrunedAsUnowned() {
        String child = "offshoot/snapshot-i1-child:0000";
        AtomicBoolean rowSaved = new AtomicBoolean();
        // the child saves its row, then commits: by the time the image can be listed, its row exists
        when(runtime.listImages(anyMap())).thenAnswer(call -> {
            rowSaved.set(true);
            return List.of(child);
        });

        SnapshotImages.prune(runtime, "i1", () -> rowSaved.get() ? Set.of(child) : Set.of());

        verify(runtime, never()).removeImage(child);
    }

    @Test
    void anUnownedImageIsRemoved() {
        String orphan = "offshoot/snapshot-i1-gone:0000";
        when(runtime.listImages(anyMap())).thenReturn(List.of(orphan), List.of());
        when(runtime.removeImage(orphan)).thenReturn(true);

        SnapshotImages.prune(runtime, "i1", Set::of);

        verify(runtime).removeImage(orphan);
    }
}
