package dev.offshoot.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The reflink driver's directory layout under the storage root. Every path is built from ids
 * Offshoot generates (the instance id, template and branch UUIDs), never from a user's name, and
 * every path read back from the metadata store is resolved and checked to stay under the root.
 *
 * <pre>
 * root/INSTANCE/templates/TEMPLATE-ID/rREVISION-RANDOM   a revision: cleanly shut-down PGDATA
 * root/INSTANCE/snapshots/CHILD-ID                        a running branch's copy for a child
 * root/INSTANCE/branches/BRANCH-ID                        a branch's PGDATA, mounted into its instance
 * </pre>
 */
final class StoragePaths {

    private static final Pattern INSTANCE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");

    private static final FileAttribute<Set<PosixFilePermission>> ROOT_ONLY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));

    private final Path root;
    private final String instance;

    StoragePaths(Path root, String instanceId) {
        if (!INSTANCE.matcher(instanceId).matches()) {
            throw new IllegalArgumentException("instance id '" + instanceId
                    + "' cannot name a storage directory (a letter or digit, then letters, digits, '.', '-' and '_')");
        }
        this.root = root.toAbsolutePath().normalize();
        this.instance = instanceId;
    }

    Path root() {
        return root;
    }

    String branch(UUID branchId) {
        return instance + "/branches/" + branchId;
    }

    String snapshot(UUID childId) {
        return instance + "/snapshots/" + childId;
    }

    String revision(UUID templateId, int revision) {
        return instance + "/templates/" + templateId + "/r" + revision + "-"
                + UUID.randomUUID().toString().substring(0, 8);
    }

    String templatesDir() {
        return instance + "/templates";
    }

    String branchesDir() {
        return instance + "/branches";
    }

    String snapshotsDir() {
        return instance + "/snapshots";
    }

    /** Whether a relative path is one of this instance's revisions (made by a build, not a copy). */
    boolean isRevision(String relative) {
        return relative.startsWith(instance + "/templates/");
    }

    /**
     * The absolute path of a relative one, refused when it leaves the root: an absolute path, a
     * {@code ..} that climbs out, or a symbolic link on the way that points elsewhere.
     */
    Path resolve(String relative) {
        if (relative == null || relative.isBlank() || Path.of(relative).isAbsolute()) {
            throw new StorageException("refused storage path '" + relative + "': not a path under the storage root");
        }
        Path path = root.resolve(relative).normalize();
        if (!path.startsWith(root) || path.equals(root)) {
            throw new StorageException("refused storage path '" + relative + "': it leaves the storage root");
        }
        for (Path p = path; p != null && !p.equals(root); p = p.getParent()) {
            if (Files.isSymbolicLink(p)) {
                throw new StorageException("refused storage path '" + relative + "': it goes through a symbolic link");
            }
        }
        return path;
    }

    /** The path relative to the root of an absolute one under it. */
    String relative(Path absolute) {
        Path normalized = absolute.toAbsolutePath().normalize();
        if (!normalized.startsWith(root)) {
            throw new StorageException("refused storage path '" + absolute + "': it is not under the storage root");
        }
        return root.relativize(normalized).toString();
    }

    static void createParent(Path path) {
        createDirectories(path.getParent());
    }

    /**
     * Creates the directory and its missing parents for root only: they hold every branch's data,
     * and nothing but the service (and the engine, which mounts them) has business listing them.
     */
    static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir, ROOT_ONLY);
        } catch (IOException e) {
            throw new StorageException("cannot create " + dir + ": " + e.getMessage(), e);
        }
    }
}
