package dev.offshoot.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.springframework.util.FileSystemUtils;

/** Proves reflink in a directory with a real {@code cp --reflink=always}; says why not when it fails. */
final class ReflinkProbe {

    private ReflinkProbe() {
    }

    /** Empty when reflink copies work in the directory; otherwise why they do not. */
    static Optional<String> failure(Path root) {
        Path probe = null;
        try {
            Files.createDirectories(root);
            probe = Files.createTempDirectory(root, ".reflink-probe-");
            Path source = Files.write(probe.resolve("a"), new byte[65536]);
            Commands.reflinkCopy(source, probe.resolve("b"));
            return Optional.empty();
        } catch (IOException | StorageException e) {
            return Optional.of("a reflink copy in " + root + " failed: " + e.getMessage().strip());
        } finally {
            if (probe != null) {
                try {
                    FileSystemUtils.deleteRecursively(probe);
                } catch (IOException e) {
                    // a leftover probe directory is harmless
                }
            }
        }
    }
}
