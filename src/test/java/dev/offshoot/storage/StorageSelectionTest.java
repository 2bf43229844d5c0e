package dev.offshoot.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;

import java.nio.file.Path;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.offshoot.config.StorageProperties;
import dev.offshoot.error.OffshootException;
import dev.offshoot.runtime.ContainerRuntime;

/**
 * The driver is chosen at startup and says why. The test's temporary directory lies on the
 * machine's ext4 root, where a reflink copy fails (checked first, so the test cannot pass for the
 * wrong reason).
 */
class StorageSelectionTest {

    @TempDir
    Path noReflink;

    final ContainerRuntime runtime = mock(ContainerRuntime.class);
    final OverlayDriver overlay = new OverlayDriver(mock(dev.offshoot.runtime.ImageStore.class), "i1");

    ReflinkDriver reflink() {
        return new ReflinkDriver(new StoragePaths(noReflink, "i1"), runtime, new SimpleMeterRegistry());
    }

    @Test
    void autoWithoutReflinkFallsBackToOverlayAndSaysWhy() {
        assertThat(ReflinkProbe.failure(noReflink)).isPresent();

        Storage storage = StorageConfiguration.choose(new StorageProperties("auto", noReflink), overlay, reflink());

        assertThat(storage.active().name()).isEqualTo("overlay");
        assertThat(storage.reason()).startsWith("auto: a reflink copy in " + noReflink + " failed");
    }

    @Test
    void reflinkExplicitlyButUnavailableStopsTheStartWithTheReason() {
        assertThatThrownBy(() -> StorageConfiguration.choose(new StorageProperties("reflink", noReflink), overlay,
                reflink())).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("offshoot.storage.driver=reflink, but a reflink copy in " + noReflink)
                .hasMessageContaining("scripts/host/storage-volume.sh");
    }

    @Test
    void overlayExplicitlyNeedsNoProbe() {
        Storage storage = StorageConfiguration.choose(new StorageProperties("overlay", Path.of("/nonexistent/x")),
                overlay, reflink());

        assertThat(storage.active().name()).isEqualTo("overlay");
        assertThat(storage.reason()).contains("configured");
    }

    @Test
    void anUnknownDriverIsRefused() {
        assertThatThrownBy(() -> StorageConfiguration.choose(new StorageProperties("zfs", noReflink), overlay,
                reflink())).hasMessageContaining("auto, overlay or reflink");
    }

    @Test
    void aServiceRestartedWithOverlayStillRemovesABranchsReflinkData() throws Exception {
        Storage storage = StorageConfiguration.choose(new StorageProperties("overlay", noReflink), overlay, reflink());
        java.util.UUID id = java.util.UUID.randomUUID();
        Path dir = java.nio.file.Files.createDirectories(noReflink.resolve("i1/branches/" + id));
        java.nio.file.Files.writeString(dir.resolve("PG_VERSION"), "15\n");

        storage.holding("reflink").removeBranch(id);

        assertThat(dir).doesNotExist();
    }

    @Test
    void reflinkDataUnderAnOverlayServiceIsRefusedForCopiesButRemovable() {
        Storage storage = StorageConfiguration.choose(new StorageProperties("overlay", noReflink), overlay, reflink());

        assertThatThrownBy(() -> storage.copying("reflink")).isInstanceOf(OffshootException.class)
                .hasMessageContaining("held by the reflink storage driver");
        assertThat(storage.holding("reflink").name()).isEqualTo("reflink");
    }
}
