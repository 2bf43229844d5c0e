package dev.offshoot.storage;

/**
 * A running instance and the data it mounts, for turning it into a template revision.
 *
 * @param containerId the runtime's id of the instance
 * @param driver      the storage driver holding its data
 * @param data        what it runs on
 */
public record StoredInstance(String containerId, String driver, StorageDriver.Mount data) {
}
