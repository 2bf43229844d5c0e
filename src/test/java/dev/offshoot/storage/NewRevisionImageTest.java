package dev.offshoot.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

import java.nio.file.Path;
import java.util.UUID;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.offshoot.runtime.ContainerRuntime;
import dev.offshoot.runtime.ImageStore;

/** A new revision is built on the image of its template's major, whichever driver stores it. */
class NewRevisionImageTest {

    @TempDir
    Path root;

    @Test
    void overlayAndReflinkBuildOnTheImageTheyAreGiven() {
        UUID template = UUID.randomUUID();
        StorageDriver overlay = new OverlayDriver(mock(ImageStore.class), "i1");
        StorageDriver reflink = new ReflinkDriver(new StoragePaths(root, "i1"), mock(ContainerRuntime.class),
                new SimpleMeterRegistry());

        assertThat(overlay.newRevision(template, 1, "postgres:17").image()).isEqualTo("postgres:17");
        assertThat(overlay.newRevision(template, 2, "postgres:15").image()).isEqualTo("postgres:15");
        assertThat(reflink.newRevision(template, 1, "offshoot/postgres:17-local").image())
                .isEqualTo("offshoot/postgres:17-local");
        assertThat(reflink.newRevision(template, 2, "offshoot/postgres:15-local").image())
                .isEqualTo("offshoot/postgres:15-local");
    }
}
