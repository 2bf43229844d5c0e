package dev.offshoot.metadata;

import dev.offshoot.config.MetadataProperties;
import dev.offshoot.config.RuntimeProperties;
import dev.offshoot.provision.ManagedPostgres;

/**
 * The metadata Postgres Offshoot runs for itself when no datasource is configured: a labelled
 * container on the same engine with its data in a named volume, started or reused at startup so
 * that a first run needs nothing but Docker.
 */
class ManagedMetadataStore {

    static final String DATABASE = "offshoot";
    static final String USER = "offshoot";

    private final ManagedPostgres.Spec spec;
    private final String password;

    ManagedMetadataStore(ManagedPostgres postgres, RuntimeProperties runtimeProperties,
            MetadataProperties properties) {
        this.spec = new ManagedPostgres.Spec(properties.containerName(), properties.volumeName(),
                runtimeProperties.baseImage(), properties.port(), USER, DATABASE, properties.startTimeout());
        this.password = postgres.startOrReuse(spec);
    }

    String jdbcUrl() {
        return spec.jdbcUrl();
    }

    String password() {
        return password;
    }
}
