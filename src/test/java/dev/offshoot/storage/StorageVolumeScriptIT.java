package dev.offshoot.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.util.FileSystemUtils;

/**
 * scripts/host/storage-volume.sh on a path of its own (a small sparse volume in /tmp): it completes a
 * half-done run, a second run changes nothing, and an unmounted volume is mounted again rather than
 * made anew. Needs root and a loop device, as the script does.
 */
class StorageVolumeScriptIT {

    final Path dir = Path.of("/tmp/offshoot-volume-" + UUID.randomUUID().toString().substring(0, 8));
    final Path path = dir.resolve("storage");
    final Path image = dir.resolve("storage.xfs");

    @AfterEach
    void unmountAndRemove() throws Exception {
        if (run(List.of("mountpoint", "-q", path.toString())).exit() == 0) {
            assertThat(run(List.of("umount", path.toString())).exit()).isZero();
        }
        FileSystemUtils.deleteRecursively(dir);
    }

    @Test
    void aHalfDoneRunIsCompletedAndASecondRunDoesNothing() throws Exception {
        Files.createDirectories(dir);
        // an earlier run died between truncate and mkfs
        Files.write(dir.resolve("storage.xfs.partial"), new byte[4096]);

        Result first = script();
        Result second = script();

        assertThat(first.exit()).as(first.output()).isZero();
        assertThat(first.output()).contains("creating sparse file").contains("mounting").contains("supports reflink");
        assertThat(second.exit()).as(second.output()).isZero();
        assertThat(second.output()).contains("already supports reflink").doesNotContain("creating")
                .doesNotContain("mounting");
        assertThat(dir.resolve("storage.xfs.partial")).doesNotExist();
        assertThat(Files.size(image)).isEqualTo(512L * 1024 * 1024);
        assertThat(ReflinkProbe.failure(path)).isEmpty();
    }

    @Test
    void anUnmountedVolumeIsMountedAgainWithItsData() throws Exception {
        assertThat(script().exit()).isZero();
        Files.writeString(path.resolve("kept"), "data");
        assertThat(run(List.of("umount", path.toString())).exit()).isZero();

        Result again = script();

        assertThat(again.exit()).as(again.output()).isZero();
        assertThat(again.output()).contains("mounting").doesNotContain("creating");
        assertThat(path.resolve("kept")).hasContent("data");
    }

    private Result script() throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder("bash", "scripts/host/storage-volume.sh");
        builder.environment().put("OFFSHOOT_STORAGE_PATH", path.toString());
        builder.environment().put("OFFSHOOT_STORAGE_SIZE", "512M");
        builder.environment().remove("OFFSHOOT_STORAGE_IMAGE");
        builder.environment().remove("OFFSHOOT_STORAGE_DRIVER");
        return run(builder);
    }

    private static Result run(List<String> command) throws IOException, InterruptedException {
        return run(new ProcessBuilder(command));
    }

    private static Result run(ProcessBuilder builder) throws IOException, InterruptedException {
        Process process = builder.redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(process.waitFor(), output);
    }

    record Result(int exit, String output) {
    }
}
