package dev.offshoot.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TreeDeletionTest {

    @TempDir
    Path tmp;

    @Test
    void twoDeletesOfOneDataDirectoryBothSucceedAndLeaveNothing() throws Exception {
        for (int round = 0; round < 5; round++) {
            Path data = tmp.resolve("snapshot-" + round);
            for (int d = 0; d < 20; d++) {
                Path dir = Files.createDirectories(data.resolve("base").resolve(String.valueOf(d)));
                for (int f = 0; f < 100; f++) {
                    Files.writeString(dir.resolve(String.valueOf(f)), "x");
                }
            }
            CountDownLatch start = new CountDownLatch(1);
            Callable<Void> delete = () -> {
                start.await();
                TreeDeletion.delete(data);
                return null;
            };
            try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
                List<Future<Void>> both = new ArrayList<>(List.of(pool.submit(delete), pool.submit(delete)));
                start.countDown();
                for (Future<Void> one : both) {
                    one.get();
                }
            }
            assertThat(data).doesNotExist();
        }
    }

    @Test
    void aMissingDirectoryIsAlreadyDeleted() throws Exception {
        TreeDeletion.delete(tmp.resolve("never-made"));

        assertThat(tmp.resolve("never-made")).doesNotExist();
    }

    @Test
    void aSymbolicLinkIsRemovedNotFollowed() throws Exception {
        Path outside = Files.writeString(tmp.resolve("outside"), "keep");
        Path data = Files.createDirectories(tmp.resolve("data"));
        Files.createSymbolicLink(data.resolve("link"), outside);

        TreeDeletion.delete(data);

        assertThat(data).doesNotExist();
        assertThat(outside).hasContent("keep");
    }
}
