package dev.offshoot.provision;

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
import org.springframework.stereotype.Component;

import dev.offshoot.instance.Endpoint;
import dev.offshoot.runtime.ContainerRuntime;
import dev.offshoot.runtime.ContainerSpec;
import dev.offshoot.runtime.Labels;
import dev.offshoot.runtime.PostgresReadiness;

/**
 * A Postgres the service runs for itself (the managed metadata store): a labelled container of the
 * base image with its data in a named volume, published on a loopback port, started or reused.
 */
@Component
public class ManagedPostgres {

    private static final Logger log = LoggerFactory.getLogger(ManagedPostgres.class);
    private static final String DATA_DIR = "/offshoot/metadata";

    /**
     * @param container container name, reused across restarts
     * @param volume    named volume holding its data, so it survives the container
     * @param port      host port on 127.0.0.1
     */
    public record Spec(String container, String volume, String image, int port, String user, String database,
            Duration startTimeout) {

        public String jdbcUrl() {
            return new Endpoint("127.0.0.1", port).jdbcUrl(database);
        }
    }

    private final ContainerRuntime runtime;

    ManagedPostgres(ContainerRuntime runtime) {
        this.runtime = runtime;
    }

    /** Starts (or reuses) the container and waits until it takes a login; returns its user's password. */
    public String startOrReuse(Spec spec) {
        var existing = runtime.list(Map.of(Labels.KIND, Labels.KIND_METADATA)).stream()
                .filter(c -> c.name().equals(spec.container())).findFirst();
        String handle;
        String secret;
        if (existing.isPresent()) {
            handle = existing.get().id();
            // the password lives only in the container's environment, which only Docker users can read
            secret = runtime.environment(handle).getOrDefault("POSTGRES_PASSWORD", "");
            runtime.startExisting(handle);
            log.info("reusing metadata store container {}", spec.container());
        } else {
            secret = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
            handle = create(spec, secret);
            log.info("started metadata store container {} with volume {}", spec.container(), spec.volume());
        }
        try (Connection ignored = PostgresReadiness.connect(runtime, handle, spec.jdbcUrl(), spec.user(), secret,
                spec.startTimeout())) {
            return secret;
        } catch (SQLException e) {
            throw new IllegalStateException("metadata store did not start", e);
        }
    }

    private String create(Spec spec, String secret) {
        runtime.ensureVolume(spec.volume(), Map.of(Labels.MANAGED, "true", Labels.KIND, Labels.KIND_METADATA));
        String id = runtime.start(new ContainerSpec(spec.container(), spec.image(),
                Map.of("POSTGRES_PASSWORD", secret, "POSTGRES_USER", spec.user(), "POSTGRES_DB", spec.database(),
                        "PGDATA", DATA_DIR + "/pgdata"),
                Map.of(Labels.MANAGED, "true", Labels.KIND, Labels.KIND_METADATA),
                "127.0.0.1", spec.port(), Map.of(spec.volume(), DATA_DIR), true, List.of()));
        setPassword(id, spec, secret);
        return id;
    }

    /**
     * The volume may hold data from an earlier container with another password: set this
     * container's over the local socket (trusted inside the container), as a SCRAM verifier.
     */
    private void setPassword(String handle, Spec spec, String secret) {
        String sql;
        try {
            sql = PasswordUtil.genAlterUserPasswordSQL(spec.user(), secret.toCharArray(), "scram-sha-256");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        long deadline = System.nanoTime() + spec.startTimeout().toNanos();
        ContainerRuntime.ExecResult last;
        do {
            last = runtime.exec(handle, List.of("psql", "-X", "-q", "-U", spec.user(), "-d", spec.database(), "-c",
                    sql), Duration.ofSeconds(10));
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
