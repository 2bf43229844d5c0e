package dev.offshoot.config;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The managed metadata store, used only when no spring.datasource.url is configured.
 *
 * @param containerName name of the metadata Postgres container, reused across restarts
 * @param volumeName    named volume holding its data, so metadata survives the container
 * @param port          host port (on 127.0.0.1) the metadata Postgres is published on
 * @param startTimeout  how long the metadata Postgres may take to accept connections
 */
@ConfigurationProperties("offshoot.metadata")
public record MetadataProperties(
        @DefaultValue("offshoot-metadata") String containerName,
        @DefaultValue("offshoot-metadata") String volumeName,
        @DefaultValue("54399") int port,
        @DefaultValue("90s") Duration startTimeout) {
}
