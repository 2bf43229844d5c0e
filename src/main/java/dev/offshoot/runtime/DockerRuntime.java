package dev.offshoot.runtime;

import static dev.offshoot.runtime.DockerCalls.call;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.command.WaitContainerResultCallback;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.api.model.RestartPolicy;
import com.github.dockerjava.api.model.Volume;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.offshoot.config.RuntimeProperties;
import dev.offshoot.instance.Endpoint;
import dev.offshoot.instance.InstanceState;
import dev.offshoot.instance.Resources;
import dev.offshoot.postgres.LogSecrets;

/** {@link ContainerRuntime} on a Docker engine through docker-java. */
public class DockerRuntime implements ContainerRuntime {

    private static final Logger log = LoggerFactory.getLogger(DockerRuntime.class);
    private static final ExposedPort POSTGRES_PORT = ExposedPort.tcp(5432);
    /** The entrypoint and default command of the base image (scripts/image/build-pg-image.sh). */
    private static final String POSTGRES_ENTRYPOINT = "docker-entrypoint.sh";
    private static final String DEFAULT_COMMAND = "postgres";
    private static final int GATE_POLLS = 120_000;

    /** A freeze refused under I/O load is tried again this often, waiting 50, 100, 150... ms between. */
    private static final int PAUSE_ATTEMPTS = 6;
    private static final Duration PAUSE_RETRY = Duration.ofMillis(50);

    private final DockerClient docker;
    private final ContainerBox box;
    private final RuntimeProperties properties;
    private final HostPorts ports;
    private final BranchNetwork network;
    private final ImagePuller images;

    DockerRuntime(DockerClient docker, ContainerBox box, RuntimeProperties properties, HostPorts ports,
            BranchNetwork network, ImagePuller images) {
        this.docker = docker;
        this.box = box;
        this.properties = properties;
        this.ports = ports;
        this.network = network;
        this.images = images;
    }

    /**
     * A keyed instance sits on the branch network without a host port (its key's endpoint is its
     * address there); with offshoot.runtime.publish-host-ports it is published on its key's host
     * port instead, moved when the engine refuses it. An instance without a key is published on
     * the spec's own address and port.
     */
    @Override
    public String start(ContainerSpec spec, CompletableFuture<?> dataReady) {
        try {
            if (spec.instanceKey() == null) {
                return startOn(spec, publishedOn(spec.bindAddress(), spec.hostPort()), dataReady);
            }
            if (properties.publishHostPorts()) {
                return ports.publish(spec.instanceKey(),
                        port -> startOn(spec, publishedOn(properties.bindAddress(), port), dataReady));
            }
            network.ensure();
            String id = startOn(spec, null, dataReady);
            network.started(spec.instanceKey(), id);
            // a key that held a host port before the branch network gives it back once it moved onto it
            ports.release(spec.instanceKey());
            return id;
        } catch (RuntimeException e) {
            // whatever failed, the data's preparation has finished when the caller cleans up after both
            awaitQuietly(dataReady);
            throw e;
        }
    }

    /**
     * Creates the container, waits for its data, starts it; a port conflict is its caller's to move.
     * A container with a data gate is started at once instead: Docker's start (the bulk of a
     * launch) then overlaps the copy too, and its server waits for the gate to go.
     */
    private String startOn(ContainerSpec spec, PortBinding published, CompletableFuture<?> dataReady) {
        String id = call(() -> create(spec, published));
        if (spec.dataGate() == null) {
            awaitOrRemove(id, dataReady);
        }
        String started = startCreated(id, spec, published);
        if (spec.dataGate() != null) {
            awaitOrRemove(id, dataReady);
        }
        return started;
    }

    private void awaitOrRemove(String id, CompletableFuture<?> dataReady) {
        try {
            ContainerRuntime.awaitData(dataReady);
        } catch (RuntimeException | Error e) {
            remove(id);
            throw e;
        }
    }

    private String startCreated(String id, ContainerSpec spec, PortBinding published) {
        return call(() -> {
            try {
                docker.startContainerCmd(id).exec();
            } catch (RuntimeException e) {
                remove(id);
                if (published != null && isPortConflict(e)) {
                    throw new PortConflictException(published.getBinding().getHostPortSpec() == null ? 0
                            : Integer.parseInt(published.getBinding().getHostPortSpec()), e);
                }
                throw e;
            }
            log.debug("started container {} ({}) {}", spec.name(), id,
                    published == null ? "on " + network.name() : "on port " + published.getBinding().getHostPortSpec());
            return id;
        });
    }

    /** Port 5432 published on this host address and port (0: one the engine picks). */
    private static PortBinding publishedOn(String bindAddress, int hostPort) {
        return new PortBinding(hostPort == 0 ? Ports.Binding.bindIp(bindAddress)
                : Ports.Binding.bindIpAndPort(bindAddress, hostPort), POSTGRES_PORT);
    }

    /** Waits for the data; its own failure is thrown as it was, not wrapped. */
    /** A create that failed still lets the data's preparation finish, so the caller cleans up after both. */
    private static void awaitQuietly(CompletableFuture<?> dataReady) {
        try {
            dataReady.join();
        } catch (RuntimeException e) {
            // the create's own failure is the one reported
        }
    }

    /** @param published the host port 5432 is published on; null: none, on the branch network instead */
    private String create(ContainerSpec spec, PortBinding published) {
        HostConfig hostConfig = HostConfig.newHostConfig()
                .withBinds(spec.volumeBinds().entrySet().stream()
                        .map(b -> new Bind(b.getKey(), new Volume(b.getValue()))).toList());
        Map<String, String> labels = spec.labels();
        if (published != null) {
            hostConfig.withPortBindings(published);
        } else {
            hostConfig.withNetworkMode(network.name());
            labels = new java.util.LinkedHashMap<>(spec.labels());
            labels.put(BranchNetwork.KEY_LABEL, spec.instanceKey());
        }
        if (spec.restartOnEngineRestart()) {
            hostConfig.withRestartPolicy(RestartPolicy.unlessStoppedRestart());
        }
        box.apply(hostConfig, spec.resources(), ContainerBox.POSTGRES_CAPABILITIES);
        CreateContainerCmd cmd = docker.createContainerCmd(spec.image())
                .withName(spec.name())
                .withEnv(envList(spec.env()))
                .withLabels(labels)
                .withExposedPorts(POSTGRES_PORT)
                .withHostConfig(hostConfig);
        if (spec.dataGate() != null) {
            cmd.withEntrypoint(gatedEntrypoint(spec.dataGate()))
                    .withCmd(spec.command().isEmpty() ? List.of(DEFAULT_COMMAND) : spec.command());
        } else if (!spec.command().isEmpty()) {
            cmd.withCmd(spec.command());
        }
        try {
            return createPulling(cmd, spec.image());
        } catch (NotFoundException e) {
            if (published == null && String.valueOf(e.getMessage()).contains("network")) {
                network.lost();
            }
            throw e;
        }
    }

    /**
     * Creates a container, first pulling its image when the engine lacks it; a pull that fails
     * has created nothing. A not-found with the image present (a job's network peer gone) is
     * thrown as it came.
     */
    private String createPulling(CreateContainerCmd cmd, String image) {
        try {
            return cmd.exec().getId();
        } catch (NotFoundException e) {
            if (!images.pullMissing(image)) {
                throw e;
            }
            return cmd.exec().getId();
        }
    }

    /**
     * A wait for the gate file to go (5 ms polls, given up after about ten minutes: a service that
     * died mid-copy leaves it to the reconciler), then the server as the postgres user. Gated data
     * is always a copy of an initialised, postgres-owned directory, so the image's entrypoint (two
     * bash starts and its checks for a new PGDATA) is skipped where setpriv is there to drop root.
     * Once gone the gate stays gone: a restart of the container starts at once.
     */
    static List<String> gatedEntrypoint(String gate) {
        return List.of("sh", "-c", "i=0; while [ -e \"$0\" ]; do i=$((i+1)); [ $i -ge " + GATE_POLLS
                + " ] && { echo \"offshoot: the data never came ($0 is still there)\" >&2; exit 75; };"
                + " sleep 0.005; done; command -v setpriv >/dev/null"
                + " && exec setpriv --reuid=postgres --regid=postgres --init-groups \"$@\";"
                + " exec " + POSTGRES_ENTRYPOINT + " \"$@\"", gate);
    }

    private static boolean isPortConflict(RuntimeException e) {
        String message = String.valueOf(e.getMessage());
        return message.contains("port is already allocated") || message.contains("address already in use");
    }

    @Override
    public void startExisting(String containerId) {
        call(() -> {
            try {
                docker.startContainerCmd(containerId).exec();
            } catch (NotModifiedException alreadyRunning) {
                // running is what we wanted
            }
            return null;
        });
        // Docker may give a container another address when it starts again
        network.restarted(containerId);
    }

    /**
     * runc gives up freezing after a few milliseconds when a process of the container sits in an
     * uninterruptible wait (an fsync under heavy I/O) and thaws it again: such a refusal is tried
     * again a few times before it counts.
     */
    @Override
    public void pause(String containerId) {
        for (int attempt = 1; ; attempt++) {
            try {
                call(() -> docker.pauseContainerCmd(containerId).exec());
                return;
            } catch (DockerException e) {
                if (!isFreezeRefused(e) || attempt == PAUSE_ATTEMPTS) {
                    throw e;
                }
                log.debug("pause of {} refused ({}), trying again", containerId, e.getMessage());
                sleep(PAUSE_RETRY.multipliedBy(attempt));
            }
        }
    }

    static boolean isFreezeRefused(RuntimeException e) {
        return String.valueOf(e.getMessage()).contains("unable to freeze");
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while pausing a container", e);
        }
    }

    @Override
    public void unpause(String containerId) {
        call(() -> docker.unpauseContainerCmd(containerId).exec());
    }

    @Override
    public Map<String, String> environment(String containerId) {
        return call(() -> {
            Map<String, String> env = new java.util.LinkedHashMap<>();
            String[] entries = docker.inspectContainerCmd(containerId).exec().getConfig().getEnv();
            for (String entry : entries == null ? new String[0] : entries) {
                int eq = entry.indexOf('=');
                env.put(eq < 0 ? entry : entry.substring(0, eq), eq < 0 ? "" : entry.substring(eq + 1));
            }
            return env;
        });
    }

    @Override
    public long stop(String containerId, Duration timeout) {
        network.changed(containerId);
        try {
            return call(() -> {
                try {
                    docker.stopContainerCmd(containerId).withTimeout((int) timeout.toSeconds()).exec();
                } catch (NotModifiedException alreadyStopped) {
                    // stopped before we asked: its exit code still tells whether it shut down cleanly
                }
                return docker.waitContainerCmd(containerId).exec(new WaitContainerResultCallback())
                        .awaitStatusCode(timeout.toSeconds() + 10, TimeUnit.SECONDS);
            });
        } finally {
            // a look-up while it was stopping saw it running: that address is not its any more
            network.changed(containerId);
        }
    }

    @Override
    public void remove(String containerId) {
        network.changed(containerId);
        call(() -> {
            try {
                docker.removeContainerCmd(containerId).withForce(true).withRemoveVolumes(true).exec();
            } catch (NotFoundException gone) {
                // already gone is what we wanted
            } catch (ConflictException e) {
                if (!String.valueOf(e.getMessage()).contains("already in progress")) {
                    throw e;
                }
            }
            return null;
        });
    }

    @Override
    public Optional<InstanceState> state(String containerId) {
        return call(() -> inspect(containerId, false).map(c -> {
            InspectContainerResponse.ContainerState s = c.getState();
            Long memory = c.getHostConfig() == null ? null : c.getHostConfig().getMemory();
            return new InstanceState(Boolean.TRUE.equals(s.getRunning()),
                    s.getExitCodeLong() == null ? 0 : s.getExitCodeLong(),
                    Boolean.TRUE.equals(s.getOOMKilled()), s.getStatus(), memory == null ? 0 : memory);
        }));
    }

    private Optional<InspectContainerResponse> inspect(String containerId, boolean size) {
        try {
            return Optional.of(docker.inspectContainerCmd(containerId).withSize(size).exec());
        } catch (NotFoundException e) {
            return Optional.empty();
        }
    }

    @Override
    public String logTail(String containerId, int lines) {
        OutputTail out = new OutputTail(OutputTail.DEFAULT_CHARS);
        try {
            docker.logContainerCmd(containerId).withStdOut(true).withStdErr(true).withTail(lines)
                    .exec(collectInto(out)).awaitCompletion(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            out.append("(log unavailable: " + e.getClass().getSimpleName() + ")");
        }
        return LogSecrets.masked(out.toString().strip());
    }

    /** A published container's host port, or a container's address on the branch network. */
    @Override
    public Endpoint endpoint(String containerId) {
        return call(() -> {
            InspectContainerResponse container = docker.inspectContainerCmd(containerId).exec();
            Ports.Binding[] bindings = container.getNetworkSettings().getPorts().getBindings().get(POSTGRES_PORT);
            if (bindings != null && bindings.length > 0) {
                return new Endpoint(properties.connectHost(), Integer.parseInt(bindings[0].getHostPortSpec()));
            }
            return network.endpointOfContainer(container).orElseThrow(() -> new IllegalStateException(
                    "container " + containerId + " has no published port and no address on " + network.name()));
        });
    }

    /**
     * On the branch network, the key's container's address there; an instance started before the
     * branch network (published on a host port it still holds) answers on that port until its next
     * start moves it onto the network.
     */
    @Override
    public Optional<Endpoint> endpointOf(String instanceKey) {
        if (!properties.publishHostPorts()) {
            return network.endpointOf(instanceKey).or(() -> ports.heldPortOf(instanceKey).stream().boxed().findFirst()
                    .map(port -> new Endpoint(properties.connectHost(), port)));
        }
        return port(instanceKey).map(port -> new Endpoint(properties.connectHost(), port));
    }

    /** A host port users may connect to directly: only with offshoot.runtime.publish-host-ports. */
    @Override
    public Optional<Endpoint> advertisedEndpointOf(String instanceKey) {
        if (!properties.publishHostPorts()) {
            return Optional.empty();
        }
        return port(instanceKey).map(port -> new Endpoint(properties.publicHost(), port));
    }

    @Override
    public Map<String, Endpoint> advertisedEndpointsOf(java.util.Collection<String> instanceKeys) {
        Map<String, Endpoint> out = new java.util.HashMap<>();
        if (properties.publishHostPorts()) {
            ports.portsOf(instanceKeys).forEach((key, port) -> out.put(key,
                    new Endpoint(properties.publicHost(), port)));
        }
        return out;
    }

    private Optional<Integer> port(String instanceKey) {
        var port = ports.portOf(instanceKey);
        return port.isPresent() ? Optional.of(port.getAsInt()) : Optional.empty();
    }

    @Override
    public void release(String instanceKey) {
        ports.release(instanceKey);
        network.forget(instanceKey);
    }

    @Override
    public java.util.Set<String> instanceKeys() {
        return ports.heldKeys();
    }

    @Override
    public ExecResult exec(String containerId, List<String> command, ExecOptions options, Duration timeout) {
        return call(() -> {
            var create = docker.execCreateCmd(containerId).withCmd(command.toArray(String[]::new))
                    .withAttachStdout(true).withAttachStderr(true);
            if (!options.user().isEmpty()) {
                create.withUser(options.user());
            }
            if (!options.env().isEmpty()) {
                create.withEnv(envList(options.env()));
            }
            String execId = create.exec().getId();
            OutputTail out = new OutputTail(OutputTail.DEFAULT_CHARS);
            try {
                boolean done = docker.execStartCmd(execId).exec(collectInto(out))
                        .awaitCompletion(timeout.toMillis(), TimeUnit.MILLISECONDS);
                if (!done) {
                    return new ExecResult(-1, "timed out after " + timeout + "\n" + out);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new ExecResult(-1, "interrupted");
            }
            Long exitCode = docker.inspectExecCmd(execId).exec().getExitCodeLong();
            return new ExecResult(exitCode == null ? -1 : exitCode, out.toString());
        });
    }

    @Override
    public void copyInto(String containerId, Path hostFile, String containerDirectory) {
        call(() -> {
            docker.copyArchiveToContainerCmd(containerId).withHostResource(hostFile.toString())
                    .withRemotePath(containerDirectory).exec();
            return null;
        });
    }

    @Override
    public ExecResult runJob(JobSpec spec, Duration timeout) {
        return call(() -> {
            String id = createPulling(docker.createContainerCmd(spec.image())
                    .withCmd(spec.command())
                    .withEnv(envList(spec.env()))
                    .withLabels(spec.labels())
                    .withHostConfig(box.apply(HostConfig.newHostConfig().withNetworkMode(networkMode(spec.network())),
                            Resources.DEFAULTS, List.of())), spec.image());
            try {
                docker.startContainerCmd(id).exec();
                Integer code;
                try {
                    code = docker.waitContainerCmd(id).exec(new WaitContainerResultCallback())
                            .awaitStatusCode(timeout.toSeconds(), TimeUnit.SECONDS);
                } catch (DockerException | IllegalStateException e) {
                    return new ExecResult(-1, "timed out after " + timeout + "\n" + logTail(id, 40));
                }
                return new ExecResult(code, logTail(id, 40));
            } finally {
                remove(id);
            }
        });
    }

    private static String networkMode(JobNetwork network) {
        return switch (network) {
            case JobNetwork.Host host -> "host";
            case JobNetwork.SharedWith shared -> "container:" + shared.instanceHandle();
        };
    }

    @Override
    public Endpoint endpointFrom(JobNetwork network, String instanceHandle) {
        return switch (network) {
            case JobNetwork.Host host -> endpoint(instanceHandle);
            case JobNetwork.SharedWith shared when shared.instanceHandle().equals(instanceHandle) ->
                    new Endpoint("127.0.0.1", POSTGRES_PORT.getPort());
            case JobNetwork.SharedWith shared -> throw new IllegalArgumentException(
                    "a job in the network of " + shared.instanceHandle() + " reaches no other instance");
        };
    }

    @Override
    public List<String> networkRanges() {
        return call(() -> docker.listNetworksCmd().exec().stream()
                .filter(n -> n.getIpam() != null && n.getIpam().getConfig() != null)
                .flatMap(n -> n.getIpam().getConfig().stream())
                .flatMap(c -> java.util.stream.Stream.of(c.getSubnet(), c.getGateway()))
                .filter(range -> range != null && !range.isBlank())
                .distinct().toList());
    }

    @Override
    public java.util.Set<String> outOfMemorySince(Map<String, String> labels, java.time.Instant since,
            java.time.Instant until) {
        return call(() -> DockerEvents.outOfMemory(docker, labels, since, until));
    }

    @Override
    public List<ContainerSummary> list(Map<String, String> labels) {
        return call(() -> docker.listContainersCmd().withShowAll(true).withLabelFilter(labels).exec().stream()
                .map(c -> new ContainerSummary(c.getId(), c.getNames().length > 0 ? c.getNames()[0].substring(1) : "",
                        c.getImage(), c.getLabels(), c.getState()))
                .toList());
    }

    @Override
    public void ensureVolume(String name, Map<String, String> labels) {
        call(() -> {
            try {
                docker.inspectVolumeCmd(name).exec();
            } catch (NotFoundException e) {
                docker.createVolumeCmd().withName(name).withLabels(labels).exec();
            }
            return null;
        });
    }

    private static ResultCallback.Adapter<Frame> collectInto(OutputTail out) {
        return new ResultCallback.Adapter<>() {
            @Override
            public void onNext(Frame frame) {
                out.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
            }
        };
    }

    static List<String> envList(Map<String, String> env) {
        List<String> out = new ArrayList<>();
        env.forEach((k, v) -> out.add(k + "=" + v));
        return out;
    }
}
