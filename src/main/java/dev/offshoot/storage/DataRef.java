package dev.offshoot.storage;

/**
 * One copy of PGDATA as a storage driver knows it. Features store it and hand it back; they never
 * look inside.
 *
 * @param driver the driver that holds the data ({@code overlay} or {@code reflink})
 * @param image  what an instance of this data runs: the overlay driver's image holds the data
 *               itself, the reflink driver's is the plain Postgres base image
 * @param path   the data directory relative to the storage root (reflink), or null (overlay)
 */
public record DataRef(String driver, String image, String path) {

    public static DataRef overlay(String image) {
        return new DataRef(OverlayDriver.NAME, image, null);
    }
}
