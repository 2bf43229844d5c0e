package dev.offshoot.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.offshoot.config.StorageProperties;
import dev.offshoot.runtime.ContainerRuntime;
import dev.offshoot.runtime.ImageStore;

/** Data directories nobody owns are swept like orphan containers; nothing in use, nothing being built. */
class StorageOrphansTest {

    @TempDir
    Path root;

    Storage storage() {
        return StorageConfiguration.choose(new StorageProperties("overlay", root),
                new OverlayDriver(mock(ImageStore.class), "i1"),
                new ReflinkDriver(new StoragePaths(root, "i1"), mock(ContainerRuntime.class),
                        new SimpleMeterRegistry()));
    }

    @Test
    void branchAndSnapshotDirectoriesWithoutALiveRowAreRemoved() throws Exception {
        UUID live = UUID.randomUUID();
        UUID gone = UUID.randomUUID();
        Path liveDir = Files.createDirectories(root.resolve("i1/branches/" + live));
        Path goneDir = Files.createDirectories(root.resolve("i1/branches/" + gone));
        Path goneSnapshot = Files.createDirectories(root.resolve("i1/snapshots/" + gone));
        Path otherInstance = Files.createDirectories(root.resolve("i2/branches/" + gone));

        int removed = storage().removeOrphanData(() -> Set.of(live));

        assertThat(removed).isEqualTo(2);
        assertThat(liveDir).isDirectory();
        assertThat(goneDir).doesNotExist();
        assertThat(goneSnapshot).doesNotExist();
        assertThat(otherInstance).as("another instance's data").isDirectory();
    }

    @Test
    void anOldRevisionDirectoryNoTemplateNamesIsRemovedButNotOneBeingBuilt() throws Exception {
        String template = "i1/templates/" + UUID.randomUUID();
        Path known = old(Files.createDirectories(root.resolve(template + "/r1-aaaaaaaa")));
        Path crashed = old(Files.createDirectories(root.resolve(template + "/r2-bbbbbbbb")));
        Path building = Files.createDirectories(root.resolve(template + "/r3-cccccccc"));

        int removed = storage().removeOrphanRevisions(() -> Set.of(template + "/r1-aaaaaaaa"), Duration.ofHours(1));

        assertThat(removed).isEqualTo(1);
        assertThat(known).isDirectory();
        assertThat(crashed).doesNotExist();
        assertThat(building).isDirectory();
    }

    private static Path old(Path dir) throws Exception {
        Files.setLastModifiedTime(dir, FileTime.from(Instant.now().minus(Duration.ofHours(2))));
        return dir;
    }
}
