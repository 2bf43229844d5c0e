package dev.offshoot.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Stream;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.offshoot.instance.DataRef;
import dev.offshoot.runtime.ContainerRuntime;

/**
 * Block-level copy-on-write through reflink copies on XFS ({@code mkfs.xfs -m reflink=1}) or btrfs:
 * a template revision is a cleanly shut-down PGDATA directory, a branch a {@code cp -a
 * --reflink=always} of it (milliseconds, no new blocks), bind-mounted as PGDATA into an instance of
 * the plain base image. A first write into a 1 GB relation then costs the blocks written, not the
 * 1 GB segment file overlayfs copies up. Branch of a branch: the caller's CHECKPOINT, then a copy
 * of the running branch's directory while its instance is paused (crash-consistent, as a commit).
 */
public class ReflinkDriver implements StorageDriver {

    public static final String NAME = DataRef.REFLINK;
    /** The file in a branch's directory that holds its server back while its copy is made. */
    static final String GATE = ".offshoot-copying";
    private static final Logger log = LoggerFactory.getLogger(ReflinkDriver.class);

    private final StoragePaths paths;
    private final ContainerRuntime runtime;
    private final Timer pausing;
    private final Timer copying;
    private final Timer unpausing;

    ReflinkDriver(StoragePaths paths, ContainerRuntime runtime, MeterRegistry meters) {
        this.paths = paths;
        this.runtime = runtime;
        this.pausing = phase(meters, "pause", "the engine's pause of the running source");
        this.copying = phase(meters, "copy", "the reflink copy of the paused source's data directory");
        this.unpausing = phase(meters, "unpause", "the engine's unpause of the source");
    }

    /** A copy of a running branch for a fork; its source's clients wait from the pause to the unpause. */
    private static Timer phase(MeterRegistry meters, String phase, String description) {
        return Timer.builder("offshoot.fork.copy").tag("phase", phase).description(description)
                .publishPercentiles(0.5, 0.95).register(meters);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Mount newRevision(UUID templateId, int revision, String image) {
        Path dir = paths.resolve(paths.revision(templateId, revision));
        StoragePaths.createDirectories(dir);
        // empty: the base image's entrypoint gives it to the postgres user and runs initdb in it
        return new Mount(image, dir.toString());
    }

    @Override
    public Revision captureRevision(String containerId, Mount stopped, UUID templateId, int revision,
            Map<String, String> labels) {
        String relative = paths.relative(Path.of(stopped.hostPath()));
        if (!paths.isRevision(relative)) {
            // a migrated branch: its directory goes on living (and is removed) with the branch
            relative = paths.revision(templateId, revision);
            Path target = paths.resolve(relative);
            StoragePaths.createParent(target);
            Commands.reflinkCopy(paths.resolve(paths.relative(Path.of(stopped.hostPath()))), target);
        }
        Path dir = paths.resolve(relative);
        return new Revision(new DataRef.InDirectory(stopped.image(), relative), relative, apparentSize(dir));
    }

    @Override
    public void discard(Mount build) {
        String relative = paths.relative(Path.of(build.hostPath()));
        if (paths.isRevision(relative)) {
            delete(paths.resolve(relative));
        }
    }

    /** An empty directory for the branch's copy, holding only the gate file. */
    @Override
    public Mount prepareClone(UUID branchId, DataRef parent) {
        Path target = paths.resolve(paths.branch(branchId));
        delete(target);
        StoragePaths.createParent(target);
        try {
            Files.createDirectory(target, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Files.createFile(target.resolve(GATE));
        } catch (IOException e) {
            throw new StorageException("cannot prepare the directory of branch " + branchId + ": " + e.getMessage(), e);
        }
        return new Mount(parent.image(), target.toString(), GATE);
    }

    /**
     * Copies the parent's data into the directory {@link #prepareClone} made, and then removes its
     * gate: the instance that waits for it starts on complete data only. Without a prepared
     * directory, makes the copy as a new one.
     */
    @Override
    public Mount cloneFor(UUID branchId, DataRef parent) {
        Path source = paths.resolve(parent.path());
        Path target = paths.resolve(paths.branch(branchId));
        if (!Files.isDirectory(source)) {
            throw new DataMissingException("the data directory " + parent.path() + " under the storage path is gone");
        }
        if (Files.exists(target.resolve(GATE))) {
            Commands.reflinkFill(source, target);
            try {
                Files.delete(target.resolve(GATE));
            } catch (IOException e) {
                throw new StorageException("cannot open the gate of branch " + branchId + ": " + e.getMessage(), e);
            }
        } else {
            delete(target);
            StoragePaths.createParent(target);
            Commands.reflinkCopy(source, target);
        }
        return new Mount(parent.image(), target.toString());
    }

    @Override
    public Mount mountOf(UUID branchId, DataRef parent) {
        return new Mount(parent.image(), paths.resolve(paths.branch(branchId)).toString());
    }

    @Override
    public Mount existing(UUID branchId, DataRef parent) {
        Mount mount = mountOf(branchId, parent);
        Path dir = Path.of(mount.hostPath());
        if (Files.isDirectory(dir) && !Files.exists(dir.resolve(GATE))) {
            return mount;
        }
        // none, or a copy that never finished: a fresh one
        delete(dir);
        return cloneFor(branchId, parent);
    }

    @Override
    public DataRef plannedSnapshot(UUID childId, String childName, DataRef sourceParent) {
        return new DataRef.InDirectory(sourceParent.image(), paths.snapshot(childId));
    }

    @Override
    public void snapshot(String containerId, UUID sourceBranchId, DataRef planned, Map<String, String> labels) {
        Path source = paths.resolve(paths.branch(sourceBranchId));
        Path target = paths.resolve(planned.path());
        delete(target);
        StoragePaths.createParent(target);
        // paused, no process writes while the files are copied one by one: the copy is what a crash
        // at that instant would leave, which Postgres recovers from (WAL replay since the checkpoint)
        whilePaused(containerId, () -> Commands.reflinkCopy(source, target));
        try {
            Files.deleteIfExists(target.resolve("postmaster.pid"));
        } catch (IOException e) {
            throw new StorageException("cannot clean the snapshot's postmaster.pid: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean copiesRunningInto() {
        return true;
    }

    @Override
    public Mount copyRunningInto(String containerId, UUID sourceBranchId, UUID branchId, DataRef parent) {
        Path source = paths.resolve(paths.branch(sourceBranchId));
        Path target = paths.resolve(paths.branch(branchId));
        if (!Files.exists(target.resolve(GATE))) {
            throw new StorageException("the directory of branch " + branchId + " was not prepared for a copy");
        }
        // a second try (the source was replaced meanwhile) starts from an empty directory again; the
        // directory itself stays, its instance has it mounted
        try (Stream<Path> entries = Files.list(target)) {
            for (Path entry : entries.filter(p -> !p.getFileName().toString().equals(GATE)).toList()) {
                delete(entry);
            }
        } catch (IOException e) {
            throw new StorageException("cannot list the directory of branch " + branchId + ": " + e.getMessage(), e);
        }
        whilePaused(containerId, () -> Commands.reflinkFill(source, target));
        try {
            Files.deleteIfExists(target.resolve("postmaster.pid"));
            Files.delete(target.resolve(GATE));
        } catch (IOException e) {
            throw new StorageException("cannot open the copy of branch " + branchId + ": " + e.getMessage(), e);
        }
        return new Mount(parent.image(), target.toString());
    }

    /**
     * Copies while the container is paused: no process writes while the files are copied one by
     * one, so the copy is what a crash at that instant would leave.
     */
    private void whilePaused(String containerId, Runnable copy) {
        pausing.record(() -> runtime.pause(containerId));
        try {
            copying.record(copy);
        } finally {
            unpausing.record(() -> runtime.unpause(containerId));
        }
    }

    @Override
    public boolean remove(DataRef data) {
        Path dir = paths.resolve(data.path());
        delete(dir);
        if (paths.isRevision(data.path())) {
            // the template's directory goes with its last revision
            try {
                Files.deleteIfExists(dir.getParent());
            } catch (java.nio.file.DirectoryNotEmptyException stillUsed) {
                // other revisions remain
            } catch (IOException e) {
                log.debug("template directory {} kept: {}", dir.getParent(), e.getMessage());
            }
        }
        return true;
    }

    @Override
    public void release(DataRef snapshot, Supplier<Set<String>> liveSnapshots) {
        // a reflink snapshot is its child's alone: no other branch's data shares its name
        remove(snapshot);
    }

    @Override
    public void removeBranch(UUID branchId) {
        delete(paths.resolve(paths.branch(branchId)));
    }

    @Override
    public Optional<Long> ownBytes(String containerId, UUID branchId) {
        Path dir = paths.resolve(paths.branch(branchId));
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        List<String> command = new ArrayList<>(List.of("filefrag", "-v"));
        try (Stream<Path> files = Files.walk(dir)) {
            files.filter(Files::isRegularFile).forEach(f -> command.add(f.toString()));
        } catch (IOException | UncheckedIOException e) {
            // files come and go while Postgres runs
            log.debug("disk usage of branch {} unknown: {}", branchId, e.getMessage());
            return Optional.empty();
        }
        try {
            return Optional.of(SharedExtents.unsharedBytes(Commands.runTolerant(command)));
        } catch (StorageException e) {
            log.debug("disk usage of branch {} unknown: {}", branchId, e.getMessage());
            return Optional.empty();
        }
    }

    /** Branch and snapshot ids that have a directory, for the reconciler's orphan sweep. */
    List<UUID> dataIds() {
        List<UUID> ids = new ArrayList<>();
        for (String dir : List.of(paths.branchesDir(), paths.snapshotsDir())) {
            Path parent = paths.resolve(dir);
            if (!Files.isDirectory(parent)) {
                continue;
            }
            try (Stream<Path> children = Files.list(parent)) {
                children.map(p -> p.getFileName().toString()).map(ReflinkDriver::uuid).flatMap(Optional::stream)
                        .forEach(ids::add);
            } catch (IOException e) {
                throw new StorageException("cannot list " + parent + ": " + e.getMessage(), e);
            }
        }
        return ids;
    }

    /**
     * Revision directories (relative paths) last changed before the instant: a build that crashed
     * between making one and saving its row leaves one behind.
     */
    List<String> revisionDirs(java.time.Instant changedBefore) {
        Path templates = paths.resolve(paths.templatesDir());
        if (!Files.isDirectory(templates)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.walk(templates, 2)) {
            return dirs.filter(p -> p.getNameCount() == templates.getNameCount() + 2 && Files.isDirectory(p))
                    .filter(p -> changedBefore(p, changedBefore))
                    .map(paths::relative)
                    .toList();
        } catch (IOException | UncheckedIOException e) {
            throw new StorageException("cannot list " + templates + ": " + e.getMessage(), e);
        }
    }

    private static boolean changedBefore(Path dir, java.time.Instant instant) {
        try {
            return Files.getLastModifiedTime(dir).toInstant().isBefore(instant);
        } catch (IOException e) {
            return false;
        }
    }

    /** Removes the branch directory and the snapshot directory named by this id. */
    void removeData(UUID id) {
        delete(paths.resolve(paths.branch(id)));
        delete(paths.resolve(paths.snapshot(id)));
    }

    private static Optional<UUID> uuid(String name) {
        try {
            return Optional.of(UUID.fromString(name));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static void delete(Path path) {
        try {
            TreeDeletion.delete(path);
        } catch (IOException e) {
            throw new StorageException("cannot remove " + path + ": " + e.getMessage(), e);
        }
    }

    private static long apparentSize(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        } catch (IOException e) {
            return 0;
        }
    }
}
