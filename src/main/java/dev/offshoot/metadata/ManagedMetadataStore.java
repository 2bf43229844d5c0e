package dev.offshoot.metadata;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import org.postgresql.util.PasswordUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.offshoot.config.MetadataProperties;
import dev.offshoot.config.RuntimeProperties;
import dev.offshoot.instance.Endpoint;
import dev.offshoot.runtime.ContainerRuntime;
import dev.offshoot.runtime.ContainerSpec;
import dev.offshoot.runtime.Labels;
import dev.offshoot.runtime.PostgresReadiness;

/**
 * The metadata Postgres Offshoot runs for itself when no datasource is configured: a labelled
 * container on the same engine with its data in a named volume, started or reused at startup so
 * that a first run needs nothing but Docker.
 */
class ManagedMetadataStore {

    private static final Logger log = LoggerFactory.getLogger(ManagedMetadataStore.class);
    private static final String DATA_DIR = "/offshoot/metadata";
    static final String DATABASE = "offshoot";
    static final String USER = "offshoot";

    private final ContainerRuntime runtime;
    private final RuntimeProperties runtimeProperties;
    private final MetadataProperties properties;
    private final String password;

    ManagedMetadataStore(ContainerRuntime runtime, RuntimeProperties runtimeProperties, MetadataProperties properties) {
        this.runtime = runtime;
        this.runtimeProperties = runtimeProperties;
        this.properties = properties;
        this.password = startOrReuse();
    }

    String jdbcUrl() {
        return new Endpoint("127.0.0.1", properties.port()).jdbcUrl(DATABASE);
    }

    String password() {
        return password;
    }

    private String startOrReuse() {
        String name = properties.containerName();
        var existing = runtime.list(Map.of(Labels.KIND, Labels.KIND_METADATA)).stream()
                .filter(c -> c.name().equals(name)).findFirst();
        String instanceHandle;
        String secret;
        if (existing.isPresent()) {
            instanceHandle = existing.get().id();
            // the password lives only in the container's environment, which only Docker users can read
            secret = runtime.environment(instanceHandle).getOrDefault("POSTGRES_PASSWORD", "");
            runtime.startExisting(instanceHandle);
            log.info("reusing metadata store container {}", name);
        } else {
            secret = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
            instanceHandle = create(secret);
            log.info("started metadata store container {} with volume {}", name, properties.volumeName());
        }
        try (Connection ignored = PostgresReadiness.connect(runtime, instanceHandle, jdbcUrl(), USER, secret,
                properties.startTimeout())) {
            return secret;
        } catch (SQLException e) {
            throw new IllegalStateException("metadata store did not start", e);
        }
    }

    private String create(String secret) {
        runtime.ensureVolume(properties.volumeName(), Map.of(Labels.MANAGED, "true", Labels.KIND, Labels.KIND_METADATA));
        String id = runtime.start(new ContainerSpec(properties.containerName(), runtimeProperties.baseImage(),
                Map.of("POSTGRES_PASSWORD", secret, "POSTGRES_USER", USER, "POSTGRES_DB", DATABASE,
                        "PGDATA", DATA_DIR + "/pgdata"),
                Map.of(Labels.MANAGED, "true", Labels.KIND, Labels.KIND_METADATA),
                "127.0.0.1", properties.port(), Map.of(properties.volumeName(), DATA_DIR), true, List.of()));
        setPassword(id, secret);
        return id;
    }

    /**
     * The volume may hold data from an earlier container with another password: set this
     * container's over the local socket (trusted inside the container), as a SCRAM verifier.
     */
    private void setPassword(String instanceHandle, String secret) {
        String sql;
        try {
            sql = PasswordUtil.genAlterUserPasswordSQL(USER, secret.toCharArray(), "scram-sha-256");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        long deadline = System.nanoTime() + properties.startTimeout().toNanos();
        ContainerRuntime.ExecResult last;
        do {
            last = runtime.exec(instanceHandle, List.of("psql", "-X", "-q", "-U", USER, "-d", DATABASE, "-c", sql),
                    Duration.ofSeconds(10));
            if (last.succeeded()) {
                return;
            }
            sleep();
        } while (System.nanoTime() < deadline);
        throw new IllegalStateException("metadata store did not accept its password: " + last.output().strip());
    }

    private static void sleep() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

}
