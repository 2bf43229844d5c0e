package dev.offshoot.storage;

/**
 * A running instance and the data it mounts, for turning it into a template revision.
 *
 * @param instanceHandle the runtime's handle of the instance (Docker: container id; Kubernetes: Pod name)
 * @param driver      the storage driver holding its data
 * @param data        what it runs on
 */
public record StoredInstance(String instanceHandle, String driver, StorageDriver.Mount data) {
}
