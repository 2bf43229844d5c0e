package dev.offshoot.config;

import java.nio.file.Path;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where branch data lives and which storage driver owns it.
 *
 * @param driver {@code auto} (reflink when a real reflink copy succeeds in {@code path} at startup,
 *               overlay otherwise), {@code overlay} (image layers, any Docker host) or {@code reflink}
 *               (block-level copy-on-write directories; startup fails when the path cannot reflink)
 * @param path   the reflink driver's root: template revisions, snapshots and branch data directories,
 *               all named by ids Offshoot generates. A containerised service mounts it at the same
 *               path, because the engine bind-mounts these directories by host path
 */
@ConfigurationProperties("offshoot.storage")
public record StorageProperties(
        @DefaultValue("auto") String driver,
        @DefaultValue("/var/lib/offshoot/storage") Path path) {
}
