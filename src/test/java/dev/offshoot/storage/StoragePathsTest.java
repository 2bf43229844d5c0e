package dev.offshoot.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Storage paths come from ids Offshoot generates and every stored one is checked to stay under the
 * root: a tampered row, a hostile instance id or a planted link cannot make Offshoot copy or delete
 * outside it.
 */
class StoragePathsTest {

    @TempDir
    Path root;

    @Test
    void aStoredPathWithDotDotCannotLeaveTheStorageRoot() {
        StoragePaths paths = new StoragePaths(root, "i1");

        assertThatThrownBy(() -> paths.resolve("i1/branches/../../../etc")).isInstanceOf(StorageException.class)
                .hasMessageContaining("leaves the storage root");
        assertThatThrownBy(() -> paths.resolve("..")).isInstanceOf(StorageException.class);
        assertThatThrownBy(() -> paths.resolve("i1/..")).isInstanceOf(StorageException.class);
    }

    @Test
    void anAbsoluteStoredPathIsRefused() {
        StoragePaths paths = new StoragePaths(root, "i1");

        assertThatThrownBy(() -> paths.resolve("/etc")).isInstanceOf(StorageException.class)
                .hasMessageContaining("not a path under the storage root");
        assertThatThrownBy(() -> paths.relative(Path.of("/etc"))).isInstanceOf(StorageException.class);
    }

    @Test
    void anInstanceIdWithSlashOrDotDotCannotNameADirectory() {
        assertThatThrownBy(() -> new StoragePaths(root, "../evil")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new StoragePaths(root, "a/b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new StoragePaths(root, "..")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aSymbolicLinkPlantedUnderTheRootIsNotFollowed() throws Exception {
        StoragePaths paths = new StoragePaths(root, "i1");
        Path outside = Files.createTempDirectory("outside");
        Files.createDirectories(root.resolve("i1"));
        Files.createSymbolicLink(root.resolve("i1/branches"), outside);

        assertThatThrownBy(() -> paths.resolve(paths.branch(UUID.randomUUID()))).isInstanceOf(StorageException.class)
                .hasMessageContaining("symbolic link");
        Files.delete(root.resolve("i1/branches"));
        Files.delete(outside);
    }

    @Test
    void pathsAreBuiltFromIdsOnly() {
        StoragePaths paths = new StoragePaths(root, "i1");
        UUID id = UUID.randomUUID();

        assertThat(paths.resolve(paths.branch(id))).isEqualTo(root.resolve("i1/branches/" + id));
        assertThat(paths.resolve(paths.snapshot(id))).isEqualTo(root.resolve("i1/snapshots/" + id));
        assertThat(paths.revision(id, 3)).startsWith("i1/templates/" + id + "/r3-");
        assertThat(paths.isRevision(paths.revision(id, 3))).isTrue();
        assertThat(paths.isRevision(paths.branch(id))).isFalse();
    }
}
