package dev.offshoot.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Volume;

import dev.offshoot.TestDocker;

/**
 * What Offshoot is compared with: a bare {@code docker run} of a template's image (trust
 * authentication from a mounted pg_hba.conf, so nothing is set up after the start) and, inside
 * that one Postgres, {@code CREATE DATABASE ... STRATEGY FILE_COPY}.
 */
final class Peers implements AutoCloseable {

    private static final String LABEL = "offshoot.bench";
    /** Where the copy is mounted: outside the image's VOLUME, as the service mounts a branch's. */
    private static final String PGDATA = "/offshoot/pgdata";
    private final String runId;
    private final Path hbaDir;

    Peers(String runId) throws IOException {
        this.runId = runId;
        this.hbaDir = Files.createTempDirectory("offshoot-bench-", PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwxr-xr-x")));
        Path hba = hbaDir.resolve("pg_hba.conf");
        Files.writeString(hba, "local all all trust\nhost all all all trust\n");
        Files.setPosixFilePermissions(hba, PosixFilePermissions.fromString("rw-r--r--"));
    }

    /** @param data the reflink copy it runs on, removed with it; null when the image holds the data */
    record Started(String containerId, String jdbcBase, long nanosToFirstQuery, Path data) {
    }

    /**
     * Starts the image and times it to the first answered query as the superuser. With a data
     * directory (a reflink revision, whose image is the bare base image) the container runs on a
     * reflink copy of it, made before the clock starts, as a hand-run container on that data would.
     */
    Started dockerRun(String image, Optional<Path> data, String database) throws SQLException {
        DockerClient docker = TestDocker.client();
        List<Bind> binds = new ArrayList<>(List.of(new Bind(hbaDir.toString(), new Volume("/bench"), AccessMode.ro)));
        List<String> env = new ArrayList<>();
        Path copy = null;
        if (data.isPresent()) {
            copy = data.get().resolveSibling("bench-peer-" + UUID.randomUUID());
            Shell.run("cp", "-a", "--reflink=always", data.get().toString(), copy.toString());
            binds.add(new Bind(copy.toString(), new Volume(PGDATA)));
            env.add("PGDATA=" + PGDATA);
        }
        long start = System.nanoTime();
        String id = docker.createContainerCmd(image).withLabels(Map.of(LABEL, runId))
                .withExposedPorts(ExposedPort.tcp(5432))
                .withEnv(env)
                .withHostConfig(HostConfig.newHostConfig()
                        .withPortBindings(PortBinding.parse("127.0.0.1::5432"))
                        .withBinds(binds))
                .withCmd("postgres", "-c", "hba_file=/bench/pg_hba.conf", "-c", "listen_addresses=*")
                .exec().getId();
        docker.startContainerCmd(id).exec();
        String port = docker.inspectContainerCmd(id).exec().getNetworkSettings().getPorts().getBindings()
                .get(ExposedPort.tcp(5432))[0].getHostPortSpec();
        String base = "jdbc:postgresql://localhost:" + port + "/";
        Benchmark.firstQuery(base + database, "postgres", "", Duration.ofSeconds(60));
        return new Started(id, base, System.nanoTime() - start, copy);
    }

    /** The in-cluster peer: a file-level copy of {@code database} inside the same server. */
    long fileCopy(Started server, String database) throws SQLException {
        try (Connection c = DriverManager.getConnection(server.jdbcBase() + "postgres", "postgres", "");
                Statement st = c.createStatement()) {
            long start = System.nanoTime();
            st.execute("CREATE DATABASE bench_copy TEMPLATE \"" + database + "\" STRATEGY FILE_COPY");
            long nanos = System.nanoTime() - start;
            st.execute("DROP DATABASE bench_copy");
            return nanos;
        }
    }

    void remove(Started server) {
        TestDocker.client().removeContainerCmd(server.containerId()).withForce(true).withRemoveVolumes(true).exec();
        if (server.data() != null) {
            Shell.run("rm", "-rf", "--one-file-system", server.data().toString());
        }
    }

    @Override
    public void close() throws IOException {
        DockerClient docker = TestDocker.client();
        docker.listContainersCmd().withShowAll(true).withLabelFilter(Map.of(LABEL, runId)).exec()
                .forEach(c -> docker.removeContainerCmd(c.getId()).withForce(true).withRemoveVolumes(true).exec());
        Files.deleteIfExists(hbaDir.resolve("pg_hba.conf"));
        Files.deleteIfExists(hbaDir);
    }
}
