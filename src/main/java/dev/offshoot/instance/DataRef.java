package dev.offshoot.instance;

/**
 * One copy of PGDATA, bound to the storage driver that holds it: features store it and hand it
 * back, without looking inside; which driver copies, snapshots or removes it follows from its
 * type.
 */
public sealed interface DataRef permits DataRef.InImage, DataRef.InDirectory, DataRef.InVolumeSnapshot {

    /** The overlay driver's name, stored with its data. */
    String OVERLAY = "overlay";
    /** The reflink driver's name, stored with its data. */
    String REFLINK = "reflink";
    /** The CSI snapshot driver's name (the Kubernetes runtime), stored with its data. */
    String CSI = "csi";

    /** The driver that holds the data. */
    String driver();

    /** What an instance of this data runs: an image that holds it, or the base image that mounts it. */
    String image();

    /** The data directory relative to the storage root, or null when an image holds the data. */
    String path();

    /** Data held in an image's layers (overlay): the image is the data. */
    record InImage(String image) implements DataRef {

        @Override
        public String driver() {
            return OVERLAY;
        }

        @Override
        public String path() {
            return null;
        }
    }

    /** Data in a directory on the reflink volume, mounted into the base image as PGDATA. */
    record InDirectory(String image, String path) implements DataRef {

        @Override
        public String driver() {
            return REFLINK;
        }
    }

    /**
     * Data in a CSI VolumeSnapshot (Kubernetes): a branch's claim is restored from it and mounted
     * into the base image as PGDATA's volume. Its name is stored where a directory's path would be.
     */
    record InVolumeSnapshot(String image, String snapshot) implements DataRef {

        @Override
        public String driver() {
            return CSI;
        }

        @Override
        public String path() {
            return snapshot;
        }
    }

    /** The data a stored driver name, image and path describe (columns of a row). */
    static DataRef of(String driver, String image, String path) {
        return switch (driver) {
            case OVERLAY -> new InImage(image);
            case REFLINK -> new InDirectory(image, path);
            case CSI -> new InVolumeSnapshot(image, path);
            default -> throw new IllegalArgumentException("unknown storage driver '" + driver + "'");
        };
    }
}
