package dev.offshoot.provision;

import java.net.InetAddress;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.offshoot.config.RuntimeProperties;
import dev.offshoot.instance.DataRef;
import dev.offshoot.instance.Endpoint;
import dev.offshoot.runtime.ContainerRuntime.ExecOptions;
import dev.offshoot.runtime.ContainerRuntime.ExecResult;
import dev.offshoot.runtime.ContainerRuntime.JobNetwork;
import dev.offshoot.runtime.ContainerRuntime;
import dev.offshoot.runtime.Labels;
import dev.offshoot.runtime.PostgresReadiness;
import dev.offshoot.storage.StorageDriver.Mount;
import dev.offshoot.storage.StorageDriver;

/**
 * One revision being built on a running instance: its database is reached over {@link #jdbcUrl},
 * SQL files are loaded with psql inside it ({@link #psql}), helpers run beside it ({@link #helper}),
 * and once it is stopped cleanly its data is captured as the revision ({@link #capture}). Closing a
 * build that {@link Builds#start started} it removes its container, and its data unless captured.
 */
public final class Build implements AutoCloseable {

    /** Where files to load go inside the instance. */
    private static final String LOAD_DIR = "/tmp";

    private final ContainerRuntime runtime;
    private final RuntimeProperties properties;
    private final InstanceLabels labels;
    private final StorageDriver driver;
    private final Mount data;
    private final String handle;
    private final String template;
    private final UUID templateId;
    private final int revision;
    private final boolean owned;
    private CapturedRevision captured;

    Build(ContainerRuntime runtime, RuntimeProperties properties, InstanceLabels labels, StorageDriver driver,
            Mount data, String handle, String template, UUID templateId, int revision, boolean owned) {
        this.runtime = runtime;
        this.properties = properties;
        this.labels = labels;
        this.driver = driver;
        this.data = data;
        this.handle = handle;
        this.template = template;
        this.templateId = templateId;
        this.revision = revision;
        this.owned = owned;
    }

    /**
     * What a capture made: the revision's data, the id of what holds it (an image id, or the data
     * path) and the bytes that takes.
     */
    public record CapturedRevision(DataRef data, String dataId, long sizeBytes) {
    }

    /**
     * What a command in or beside the build printed.
     *
     * @param file where a loaded file was inside the instance (psql names it in its errors), or null
     */
    public record Output(long exitCode, String output, String file) {

        public boolean succeeded() {
            return exitCode == 0;
        }
    }

    /**
     * The image the build runs (the base image of its template's major): its client tools
     * (pg_dump, pg_restore) are the ones that match the build's server.
     */
    public String image() {
        return data.image();
    }

    /** Offshoot's own JDBC URL of a database of the build. */
    public String jdbcUrl(String database) {
        return runtime.endpoint(handle).jdbcUrl(database);
    }

    /** A login once the server takes one (it may still be initialising). */
    public Connection awaitLogin(String database, String user, String password) throws SQLException {
        return PostgresReadiness.connect(runtime, handle, jdbcUrl(database), user, password, properties.readyTimeout());
    }

    /**
     * Runs psql inside the instance as an OS user, with the password in its environment only:
     * {@code args}, then, when {@code file} is given, a copy of it (readable by that user, removed
     * afterwards) as {@code -f}.
     */
    public Output psql(String osUser, String role, String database, String password, List<String> args, Path file,
            Duration timeout) {
        String inInstance = null;
        if (file != null) {
            runtime.copyInto(handle, file, LOAD_DIR);
            inInstance = LOAD_DIR + "/" + file.getFileName();
            runtime.exec(handle, List.of("chmod", "0644", inInstance), properties.stopTimeout());
        }
        List<String> command = new java.util.ArrayList<>(List.of("psql", "-X", "-U", role, "-d", database));
        command.addAll(args);
        if (inInstance != null) {
            command.addAll(List.of("-f", inInstance));
        }
        ExecResult result = runtime.exec(handle, command, new ExecOptions(osUser,
                password == null ? Map.of() : Map.of("PGPASSWORD", password)), timeout);
        if (inInstance != null) {
            runtime.exec(handle, List.of("rm", "-f", inInstance), properties.stopTimeout());
        }
        return new Output(result.exitCode(), result.output(), inInstance);
    }

    /**
     * Where a helper beside the build reaches its database: from the build's own network namespace
     * (which cannot reach the engine host's loopback), or from the host's network.
     */
    public Endpoint endpointFor(boolean hostNetwork) {
        return runtime.endpointFrom(network(hostNetwork), handle);
    }

    /**
     * The addresses a helper on the host's network dials for addresses of the service's own host
     * (a runtime whose helpers have a loopback of their own maps the service's loopback).
     */
    public List<InetAddress> fromHostNetwork(List<InetAddress> addresses) {
        return addresses.stream().map(runtime::fromHostNetwork).distinct().toList();
    }

    /**
     * Runs a one-off helper container to completion (see {@link #endpointFor} for its network),
     * boxed like every container; secrets go in {@code env}, never in the command.
     */
    public Output helper(String image, List<String> command, Map<String, String> env, boolean hostNetwork,
            Duration timeout) {
        ExecResult result = runtime.runJob(new ContainerRuntime.JobSpec(image, command, env,
                labels.ofTemplate(template, 0, Labels.KIND_JOB), network(hostNetwork)), timeout);
        return new Output(result.exitCode(), result.output(), null);
    }

    private JobNetwork network(boolean hostNetwork) {
        return hostNetwork ? new JobNetwork.Host() : new JobNetwork.SharedWith(handle);
    }

    /** Stops the server with a fast shutdown; anything but a clean exit fails the build. */
    public void stopCleanly() {
        long exitCode = runtime.stop(handle, properties.stopTimeout());
        if (exitCode != 0) {
            throw new TemplateBuildException("Postgres did not shut down cleanly (exit code " + exitCode + ")",
                    logTail());
        }
    }

    /** Makes the cleanly stopped data the revision's (overlay: a commit; reflink: the directory). */
    public CapturedRevision capture() {
        StorageDriver.Revision made = driver.captureRevision(handle, data, templateId, revision,
                labels.ofTemplate(template, revision, Labels.KIND_TEMPLATE_IMAGE));
        captured = new CapturedRevision(made.data(), made.dataId(), made.sizeBytes());
        return captured;
    }

    /** The last lines the server wrote, passwords masked. */
    public String logTail() {
        return runtime.logTail(handle, 20);
    }

    @Override
    public void close() {
        if (!owned) {
            return;
        }
        try {
            runtime.remove(handle);
        } finally {
            if (captured == null) {
                driver.discard(data);
            }
        }
    }
}
