package dev.offshoot.runtime;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import dev.offshoot.instance.Endpoint;
import dev.offshoot.instance.InstanceState;
import dev.offshoot.instance.Resources;
import dev.offshoot.postgres.LogSecrets;

/**
 * Compute: the seam between Offshoot and whatever runs its Postgres instances. It starts an instance
 * from a {@link ContainerSpec} (image, data mount, environment, limits, labels, a stable instance
 * key), stops, pauses and removes it, reports its state and runs commands in it; where an instance
 * answers is the {@link Endpoint} of its key (features go through {@link Endpoints}), from which
 * every connection URL is built. Features keep the key they chose and the opaque handle
 * {@link #start} returns; they see neither container ids' meaning nor host ports. Data is not its
 * business: storage drivers ({@code dev.offshoot.storage}) own it and hand features a mount that
 * becomes the spec, and the image operations the overlay driver needs are a separate
 * {@link ImageStore}. Only this package talks to Docker.
 *
 * <p>The Kubernetes implementation ({@code runtime.kubernetes.KubernetesRuntime}) maps onto it as: an
 * instance = a Pod (labels = Pod labels, limits = resource requests/limits, the data mount = a volume
 * of the claim the CSI storage driver restored from a VolumeSnapshot); the key's endpoint = its
 * Pod's IP and 5432 (no host ports, where Docker keeps a host port per key in its own table and
 * moves it when the engine refuses one); {@link #release} = nothing; {@link #stop} = deleting the
 * Pod and keeping a record to create it again from; {@link #pause} = unsupported (a CSI snapshot
 * is crash-consistent by itself); {@link #exec} = the Pod's exec subresource; {@link #list} = the
 * informers' view, by label.
 */
public interface ContainerRuntime {

    /**
     * Creates and starts an instance; the caller waits for readiness. Returns its handle, which every
     * other call takes and which features keep without looking inside: Docker's container id, a
     * Kubernetes runtime's Pod name.
     */
    default String start(ContainerSpec spec) {
        return start(spec, CompletableFuture.completedFuture(null));
    }

    /**
     * Like {@link #start(ContainerSpec)}, creating the instance while its data is still being
     * prepared and starting it once {@code dataReady} completes: the engine's create overlaps the
     * storage driver's copy. A spec with a {@link ContainerSpec#dataGate() data gate} is started
     * at once as well, its server held back by the gate: the engine's start overlaps the copy too.
     * When the data fails, the instance is removed and the data's failure is thrown as it was
     * (unwrapped). Kubernetes does the same by itself: a Pod whose PVC is still being cloned waits
     * for it, and a Kubernetes runtime can ignore the gate.
     */
    String start(ContainerSpec spec, CompletableFuture<?> dataReady);

    /** Waits for an instance's data; its failure is thrown as it was (unwrapped), as {@link #start(ContainerSpec, CompletableFuture)} promises. */
    static void awaitData(CompletableFuture<?> dataReady) {
        try {
            dataReady.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }

    /** Starts an existing container if it is not running. */
    void startExisting(String containerId);

    /** Freezes every process of a running container (for a consistent copy of its data). */
    void pause(String containerId);

    /** Lets a paused container run again. */
    void unpause(String containerId);

    /** The container's environment variables. */
    Map<String, String> environment(String containerId);

    /** Stops the container cleanly (Postgres fast shutdown) and returns its exit code. */
    long stop(String containerId, Duration timeout);

    /** Removes the container and its anonymous volumes. Removing something already gone succeeds. */
    void remove(String containerId);

    /** The container's state, or empty when it does not exist. */
    Optional<InstanceState> state(String containerId);

    /** The last lines the container wrote, for error messages, passwords masked ({@link LogSecrets}). Never fails. */
    String logTail(String containerId, int lines);

    /** Where Offshoot connects to the instance's Postgres (Docker: the host port 5432 is published on). */
    Endpoint endpoint(String containerId);

    /**
     * Where Offshoot connects to the instance started under this key (Docker: the connect host and
     * the key's host port; Kubernetes: the Pod's IP and 5432). A released key answers with
     * where it was; empty when nothing was ever started under it.
     */
    Optional<Endpoint> endpointOf(String instanceKey);

    /**
     * {@link #endpointOf} while an instance of this key runs; empty when none does. Never the last
     * address of a stopped instance, which another instance may have been given since: what dials a
     * branch (the gateway, the service's own sessions) asks this. The default suits a runtime whose
     * {@code endpointOf} answers only for running instances, or with an address nothing else takes
     * (Docker: the branch network's current address, or a port the key holds).
     */
    default Optional<Endpoint> runningEndpointOf(String instanceKey) {
        return endpointOf(instanceKey);
    }

    /** Where users connect to the instance of this key (Docker: the advertised host and the key's port). */
    Optional<Endpoint> advertisedEndpointOf(String instanceKey);

    /** {@link #advertisedEndpointOf} for many keys at once; keys without an endpoint are left out. */
    Map<String, Endpoint> advertisedEndpointsOf(java.util.Collection<String> instanceKeys);

    /**
     * Gives up what the key holds once no instance of it will run again (Docker: its host port goes
     * back to the range; Kubernetes: nothing is held). Remove its instance first. Releasing
     * a key that holds nothing succeeds.
     */
    void release(String instanceKey);

    /** Keys that hold something (Docker: a host port), for releasing those no branch needs any more. */
    java.util.Set<String> instanceKeys();

    /** Runs a command inside a running container and collects its output. */
    default ExecResult exec(String containerId, List<String> command, Duration timeout) {
        return exec(containerId, command, ExecOptions.DEFAULT, timeout);
    }

    /** Runs a command inside a running container as the given user, with extra environment. */
    ExecResult exec(String containerId, List<String> command, ExecOptions options, Duration timeout);


    /** Copies a host file into a directory of the container. */
    void copyInto(String containerId, Path hostFile, String containerDirectory);

    /** Runs a one-off helper container to completion on its {@link JobSpec#network()}, then removes it. */
    ExecResult runJob(JobSpec spec, Duration timeout);

    /** Where a job on the given network reaches the Postgres of the given instance. */
    Endpoint endpointFrom(JobNetwork network, String instanceHandle);

    /**
     * The address a job on {@link JobNetwork.Host} dials for an address of the service's own host:
     * that address where the job shares the host's network (Docker). A runtime whose jobs have a
     * loopback of their own (Kubernetes) maps a loopback address to where they reach the service.
     *
     * @throws dev.offshoot.error.OffshootException {@code 422 SOURCE_UNREACHABLE} when its jobs cannot
     *         reach that address
     */
    default InetAddress fromHostNetwork(InetAddress address) {
        return address;
    }

    /**
     * The address ranges of the engine's own networks in CIDR notation: their subnets (where
     * containers live) and gateways (which are the engine's host).
     */
    List<String> networkRanges();

    /**
     * Ids of the containers carrying all the given labels in which the kernel killed a process for
     * running out of memory between the two instants, including kills the container survived (a
     * Postgres backend killed and recovered from).
     */
    java.util.Set<String> outOfMemorySince(Map<String, String> labels, java.time.Instant since,
            java.time.Instant until);

    /** Containers carrying all the given labels. */
    List<ContainerSummary> list(Map<String, String> labels);

    /** Creates the named volume if it does not exist. */
    void ensureVolume(String name, Map<String, String> labels);

    record ContainerSummary(String id, String name, String image, Map<String, String> labels, String state) {
    }

    record ExecResult(long exitCode, String output) {
        public boolean succeeded() {
            return exitCode == 0;
        }
    }

    /**
     * How to run an exec.
     *
     * @param user OS user (name or uid) inside the container; empty for the image's user
     * @param env  extra environment of the exec process only (may hold secrets: they stay out of argv)
     */
    record ExecOptions(String user, Map<String, String> env) {
        public static final ExecOptions DEFAULT = new ExecOptions("", Map.of());

        @Override
        public String toString() {
            return "ExecOptions[user=" + user + "]";
        }
    }

    /**
     * A one-off helper container, e.g. pg_dump | pg_restore. Secrets go in env, never in the command.
     * It runs boxed like every container, with no capabilities at all.
     */
    record JobSpec(String image, List<String> command, Map<String, String> env, Map<String, String> labels,
            JobNetwork network) {
    }

    /** Whose network namespace a job runs in, and so what it can reach. */
    sealed interface JobNetwork {

        /** The engine host's own: the host's loopback and everything the host reaches. */
        record Host() implements JobNetwork {
        }

        /**
         * A running instance's, shared: that instance's Postgres on the job's own loopback, and the
         * outside through the engine's network, but not the engine host's loopback.
         */
        record SharedWith(String instanceHandle) implements JobNetwork {
        }
    }
}
