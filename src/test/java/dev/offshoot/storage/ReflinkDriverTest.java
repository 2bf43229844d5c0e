package dev.offshoot.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.inOrder;
import static org.mockito.Mockito.mock;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.InOrder;
import org.springframework.util.FileSystemUtils;

import dev.offshoot.instance.DataRef;
import dev.offshoot.runtime.ContainerRuntime;
import dev.offshoot.storage.StorageDriver.Mount;

/**
 * The reflink driver on the real storage volume (no Docker: the runtime is a mock). Needs the
 * storage path on a reflink-capable filesystem, as scripts/test.sh makes it (scripts/host/storage-volume.sh).
 */
class ReflinkDriverTest {

    static final Path ROOT = Path.of(System.getProperty("offshoot.storage.path",
            System.getenv().getOrDefault("OFFSHOOT_STORAGE_PATH", "/var/lib/offshoot/storage")));
    static final long MB = 1024 * 1024;

    final String instance = "unit" + UUID.randomUUID().toString().substring(0, 8);
    final ContainerRuntime runtime = mock(ContainerRuntime.class);
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    ReflinkDriver driver;
    DataRef revision;

    @BeforeEach
    void aRevisionOf8Mb() throws Exception {
        assertThat(ReflinkProbe.failure(ROOT)).as("reflink in " + ROOT + " (run scripts/host/storage-volume.sh)").isEmpty();
        driver = new ReflinkDriver(new StoragePaths(ROOT, instance), runtime, meters);
        UUID template = UUID.randomUUID();
        Mount build = driver.newRevision(template, 1, "base");
        Path data = Path.of(build.hostPath());
        byte[] random = new byte[(int) (8 * MB)];
        new Random(1).nextBytes(random);
        Files.write(data.resolve("relation"), random);
        revision = driver.captureRevision("c-build", build, template, 1, Map.of()).data();
    }

    @AfterEach
    void removeThisInstance() throws Exception {
        FileSystemUtils.deleteRecursively(ROOT.resolve(instance));
    }

    @Test
    void aCloneSharesEveryBlockUntilItWritesOne() throws Exception {
        UUID branch = UUID.randomUUID();

        Mount mount = driver.cloneFor(branch, revision);

        assertThat(mount.image()).isEqualTo("base");
        assertThat(driver.ownBytes(null, branch)).contains(0L);
        try (RandomAccessFile file = new RandomAccessFile(Path.of(mount.hostPath(), "relation").toFile(), "rw")) {
            file.seek(4 * MB);
            file.write(new byte[8192]);
            file.getFD().sync();
        }
        assertThat(driver.ownBytes(null, branch).orElseThrow()).isBetween(8192L, 64 * 1024L);
    }

    @Test
    void aResetReplacesTheBranchsCopyWithAFreshOne() throws Exception {
        UUID branch = UUID.randomUUID();
        Path dir = Path.of(driver.cloneFor(branch, revision).hostPath());
        Files.writeString(dir.resolve("scratch"), "written by the branch");

        driver.cloneFor(branch, revision);

        assertThat(dir.resolve("scratch")).doesNotExist();
        assertThat(dir.resolve("relation")).hasSize(8 * MB);
    }

    @Test
    void aSnapshotCopiesThePausedBranchWithoutItsPidFile() throws Exception {
        UUID source = UUID.randomUUID();
        Path dir = Path.of(driver.cloneFor(source, revision).hostPath());
        Files.writeString(dir.resolve("postmaster.pid"), "1\n");
        UUID child = UUID.randomUUID();
        DataRef planned = driver.plannedSnapshot(child, "child", revision);

        driver.snapshot("c-source", source, planned, Map.of());

        InOrder order = inOrder(runtime);
        order.verify(runtime).pause("c-source");
        order.verify(runtime).unpause("c-source");
        Path snapshot = ROOT.resolve(planned.path());
        assertThat(snapshot.resolve("relation")).hasSize(8 * MB);
        assertThat(snapshot.resolve("postmaster.pid")).doesNotExist();
        assertThat(driver.cloneFor(child, planned).hostPath()).endsWith("branches/" + child);
    }

    @Test
    void aCopyOfARunningBranchIsTimedFromThePauseOfItsSourceToTheUnpause() throws Exception {
        UUID source = UUID.randomUUID();
        driver.cloneFor(source, revision);
        UUID child = UUID.randomUUID();
        driver.prepareClone(child, revision);

        Mount copy = driver.copyRunningInto("c-source", source, child, revision);

        assertThat(Path.of(copy.hostPath()).resolve("relation")).hasSize(8 * MB);
        for (String phase : List.of("pause", "copy", "unpause")) {
            Timer timer = meters.get("offshoot.fork.copy").tag("phase", phase).timer();
            assertThat(timer.count()).as(phase).isEqualTo(1);
        }
        assertThat(meters.get("offshoot.fork.copy").tag("phase", "copy").timer().totalTime(TimeUnit.NANOSECONDS))
                .isPositive();
    }

    @Test
    void removingABranchOrARevisionLeavesNoDirectory() throws Exception {
        UUID branch = UUID.randomUUID();
        Path dir = Path.of(driver.cloneFor(branch, revision).hostPath());
        Path revisionDir = ROOT.resolve(revision.path());

        driver.removeBranch(branch);
        driver.remove(revision);

        assertThat(dir).doesNotExist();
        assertThat(revisionDir).doesNotExist();
        assertThat(revisionDir.getParent()).as("the template's directory with its last revision").doesNotExist();
        driver.removeBranch(branch);
    }

    @Test
    void aCloneOfARevisionWhoseDataIsGoneSaysSo() throws Exception {
        FileSystemUtils.deleteRecursively(ROOT.resolve(revision.path()));

        assertThatThrownBy(() -> driver.cloneFor(UUID.randomUUID(), revision))
                .isInstanceOf(DataMissingException.class).hasMessageContaining("is gone");
    }
}
