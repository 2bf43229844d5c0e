package dev.offshoot.runtime.kubernetes;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.offshoot.config.KubernetesProperties;
import dev.offshoot.config.LimitsProperties;
import dev.offshoot.config.RuntimeProperties;
import dev.offshoot.instance.Endpoint;
import dev.offshoot.instance.InstanceState;
import dev.offshoot.postgres.LogSecrets;
import dev.offshoot.runtime.ContainerFailedException;
import dev.offshoot.runtime.ContainerRuntime;
import dev.offshoot.runtime.ContainerSpec;
import dev.offshoot.runtime.Labels;

/**
 * {@link ContainerRuntime} on Kubernetes through fabric8's client: an instance is a Pod in one
 * namespace (its handle the Pod's name), its data volumes claims a CSI storage driver made, its
 * endpoint the Pod's IP and 5432 (a gateway or Offshoot dials it; no Service per branch). Stopping
 * a branch deletes its Pod and keeps its claim ({@link StoppedPods}); exec and logs go through the
 * Pod's subresources; listings, states and waits read {@link PodCache}'s informers, not the API.
 * Pods are owned by their data's claim, so deleting the claim takes its Pod along, and a Pod's
 * Secret by the Pod.
 */
public final class KubernetesRuntime implements ContainerRuntime, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(KubernetesRuntime.class);

    private final KubernetesClient client;
    private final String namespace;
    private final KubernetesProperties kubernetes;
    private final RuntimeProperties properties;
    private final PodManifests manifests;
    private final PodCache cache;
    private final PodExec exec;
    private final StoppedPods stopped;
    private final PodLauncher launcher;

    public KubernetesRuntime(KubernetesClient client, String namespace, KubernetesProperties kubernetes,
            RuntimeProperties properties, LimitsProperties limits) {
        this.client = client;
        this.namespace = namespace;
        this.kubernetes = kubernetes;
        this.properties = properties;
        this.manifests = new PodManifests(kubernetes, limits, properties.stopTimeout());
        this.cache = new PodCache(client, namespace, properties.instanceId());
        this.exec = new PodExec(client, namespace);
        this.stopped = new StoppedPods(client, namespace);
        this.launcher = new PodLauncher(client, namespace, manifests, cache, properties.readyTimeout(), this);
    }

    /**
     * Creates the Pod once its data's claim exists (a Pod names its claims) and returns when the
     * Pod has an address: the kubelet starts Postgres once the claim is bound, so the data gate of
     * a spec is not needed here. On failure the Pod is removed.
     */
    @Override
    public String start(ContainerSpec spec, CompletableFuture<?> dataReady) {
        ContainerRuntime.awaitData(dataReady);
        return launcher.start(spec);
    }

    /** Creates a stopped instance's Pod again from its record, once its old Pod is gone. */
    @Override
    public void startExisting(String handle) {
        if (cache.pod(handle).filter(p -> p.getMetadata().getDeletionTimestamp() == null).isPresent()) {
            return;
        }
        // a record written a moment ago may still be on its way into the informer
        ConfigMap record = cache.await(view -> view.stoppedRecord(handle), Duration.ofSeconds(2))
                .orElseThrow(() -> new ContainerFailedException("instance " + handle + " is gone", "", null));
        awaitGone(handle, properties.stopTimeout().plusSeconds(10));
        launcher.recreate(stopped.pod(record));
        stopped.forget(handle);
    }

    @Override
    public void pause(String handle) {
        throw new UnsupportedOperationException("a Pod cannot be frozen; CSI snapshots are crash-consistent by themselves");
    }

    @Override
    public void unpause(String handle) {
        throw new UnsupportedOperationException("a Pod cannot be frozen");
    }

    @Override
    public Map<String, String> environment(String handle) {
        Map<String, String> env = new HashMap<>();
        Pod pod = cache.pod(handle).orElseThrow(() -> new IllegalStateException("no Pod " + handle));
        pod.getSpec().getContainers().getFirst().getEnv().forEach(e -> env.put(e.getName(), e.getValue()));
        Secret secret = client.secrets().inNamespace(namespace).withName(handle).get();
        if (secret != null && secret.getData() != null) {
            secret.getData().forEach((k, v) -> env.put(k, new String(java.util.Base64.getDecoder().decode(v),
                    java.nio.charset.StandardCharsets.UTF_8)));
        }
        return env;
    }

    /**
     * A template build (never restarted) stops with Postgres's fast shutdown and reports its
     * exit code; a branch's Pod is deleted (its pre-stop hook shuts Postgres down fast) and
     * recorded so that {@link #startExisting} brings it back on the same claim.
     */
    @Override
    public long stop(String handle, Duration timeout) {
        // another replica may have created the Pod a moment ago, before this one's informer saw it
        Optional<Pod> pod = cache.pod(handle)
                .or(() -> Optional.ofNullable(client.pods().inNamespace(namespace).withName(handle).get()));
        if (pod.isEmpty()) {
            return 0;
        }
        if ("Never".equals(pod.get().getSpec().getRestartPolicy())) {
            exec(handle, List.of("sh", "-c", "pg_ctl -D \"$PGDATA\" -m fast -w -t " + timeout.toSeconds() + " stop"),
                    timeout.plusSeconds(5));
            return cache.await(view -> view.pod(handle).flatMap(PodStates::lastTermination)
                    .map(t -> (long) t.getExitCode()), timeout.plusSeconds(10))
                    .orElseThrow(() -> new ContainerFailedException("Pod " + handle + " did not stop within " + timeout,
                            logTail(handle, 20), null));
        }
        stopped.record(pod.get());
        client.pods().inNamespace(namespace).withName(handle).withGracePeriod(timeout.toSeconds() + 5).delete();
        awaitGone(handle, timeout.plusSeconds(10));
        return 0;
    }

    private void awaitGone(String handle, Duration timeout) {
        cache.await(view -> view.pod(handle).isEmpty() ? Optional.of(true) : Optional.empty(), timeout);
    }

    /**
     * Deletes the Pod, its Secret and its stopped record, asking only for what the informers say
     * exists (a Pod they have not seen yet is deleted all the same): a branch's delete is one call.
     * Returns once the Pod is gone, which the API server lets happen when its container has stopped
     * (as a removed Docker container is gone), or after the stop timeout should its node not answer.
     */
    @Override
    public void remove(String handle) {
        Optional<Pod> pod = cache.pod(handle);
        boolean recorded = cache.stoppedRecord(handle).isPresent();
        try {
            if (pod.isPresent() || !recorded) {
                client.pods().inNamespace(namespace).withName(handle).withGracePeriod(1).delete();
                awaitGone(handle, properties.stopTimeout().plusSeconds(10));
            }
            if (recorded) {
                stopped.forget(handle);
            }
            if (pod.map(KubernetesRuntime::readsASecret).orElse(!recorded)) {
                deleteSecret(handle);
            }
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e;
            }
        }
    }

    private static boolean readsASecret(Pod pod) {
        var envFrom = pod.getSpec().getContainers().getFirst().getEnvFrom();
        return envFrom != null && !envFrom.isEmpty();
    }

    private void deleteSecret(String name) {
        client.secrets().inNamespace(namespace).withName(name).delete();
    }

    @Override
    public Optional<InstanceState> state(String handle) {
        Optional<Pod> pod = cache.pod(handle);
        if (pod.isPresent()) {
            return pod.map(PodStates::of);
        }
        return cache.stoppedRecord(handle).map(r -> new InstanceState(false, 0, false, "exited", 0));
    }

    @Override
    public String logTail(String handle, int lines) {
        if (cache.pod(handle).isEmpty()) {
            return cache.stoppedRecord(handle).isPresent() ? "(stopped)" : "(log unavailable: no Pod " + handle + ")";
        }
        try {
            String log = client.pods().inNamespace(namespace).withName(handle).tailingLines(lines).getLog();
            return LogSecrets.masked(log == null ? "" : log.strip());
        } catch (RuntimeException e) {
            return "(log unavailable: " + e.getClass().getSimpleName() + ")";
        }
    }

    @Override
    public Endpoint endpoint(String handle) {
        return cache.await(view -> view.pod(handle).flatMap(PodStates::ip), properties.readyTimeout())
                .map(ip -> new Endpoint(ip, PodManifests.POSTGRES_PORT))
                .orElseThrow(() -> new IllegalStateException("Pod " + handle + " has no address"));
    }

    /** The key's live Pod's address ({@link #runningEndpointOf}); else a stopped instance's last one. */
    @Override
    public Optional<Endpoint> endpointOf(String instanceKey) {
        return runningEndpointOf(instanceKey).or(() -> cache.stoppedRecords(Map.of(Labels.KEY, instanceKey)).stream()
                .findFirst().flatMap(StoppedPods::lastAddress)
                .map(address -> new Endpoint(address, PodManifests.POSTGRES_PORT)));
    }

    /**
     * The address of the key's live Pod (the newest, should a reset's old Pod still be going); never
     * a stopped instance's recorded one, which may be another Pod's now.
     */
    @Override
    public Optional<Endpoint> runningEndpointOf(String instanceKey) {
        return cache.pods(Map.of(Labels.KEY, instanceKey)).stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                .max(Comparator.comparing(p -> String.valueOf(p.getMetadata().getCreationTimestamp())))
                .flatMap(PodStates::ip).map(address -> new Endpoint(address, PodManifests.POSTGRES_PORT));
    }

    /** Where users connect: the Pod's address until the connection gateway stands in front of it. */
    @Override
    public Optional<Endpoint> advertisedEndpointOf(String instanceKey) {
        return endpointOf(instanceKey);
    }

    @Override
    public Map<String, Endpoint> advertisedEndpointsOf(Collection<String> instanceKeys) {
        Map<String, Endpoint> out = new HashMap<>();
        instanceKeys.forEach(key -> advertisedEndpointOf(key).ifPresent(e -> out.put(key, e)));
        return out;
    }

    /** A key holds nothing on Kubernetes: its endpoint is its Pod's. */
    @Override
    public void release(String instanceKey) {
    }

    @Override
    public Set<String> instanceKeys() {
        return Set.of();
    }

    @Override
    public ExecResult exec(String handle, List<String> command, ExecOptions options, Duration timeout) {
        return exec.exec(handle, command, options, timeout);
    }

    @Override
    public void copyInto(String handle, Path hostFile, String containerDirectory) {
        exec.copyInto(handle, hostFile, containerDirectory, properties.importTimeout());
    }

    @Override
    public ExecResult runJob(JobSpec spec, Duration timeout) {
        return new PodJobs(client, namespace, manifests, cache, this).run(spec, timeout);
    }

    /** Pods reach each other's addresses: a job reaches an instance at the instance's address. */
    @Override
    public Endpoint endpointFrom(JobNetwork network, String instanceHandle) {
        return endpoint(instanceHandle);
    }

    /** An import Pod has a loopback of its own: {@link PodJobs#dialedFromPods}. */
    @Override
    public InetAddress fromHostNetwork(InetAddress address) {
        return PodJobs.dialedFromPods(address, kubernetes.serviceHost());
    }

    @Override
    public List<String> networkRanges() {
        return kubernetes.clusterNetworks();
    }

    @Override
    public Set<String> outOfMemorySince(Map<String, String> labels, Instant since, Instant until) {
        return cache.pods(labels).stream().filter(p -> PodStates.outOfMemoryBetween(p, since, until))
                .map(p -> p.getMetadata().getName()).collect(Collectors.toSet());
    }

    /** Pods and stopped instances carrying the labels, from the informers' memory. */
    @Override
    public List<ContainerSummary> list(Map<String, String> labels) {
        List<ContainerSummary> pods = cache.pods(labels).stream().map(p -> new ContainerSummary(
                p.getMetadata().getName(), p.getMetadata().getName(), p.getSpec().getContainers().getFirst().getImage(),
                p.getMetadata().getLabels(), PodStates.dockerState(p))).toList();
        Set<String> names = pods.stream().map(ContainerSummary::id).collect(Collectors.toSet());
        Stream<ContainerSummary> records = cache.stoppedRecords(labels).stream()
                .filter(r -> !names.contains(r.getMetadata().getName()))
                .map(r -> new ContainerSummary(r.getMetadata().getName(), r.getMetadata().getName(), "",
                        r.getMetadata().getLabels(), "exited"));
        return Stream.concat(pods.stream(), records).toList();
    }

    @Override
    public void ensureVolume(String name, Map<String, String> labels) {
        throw new IllegalStateException("on Kubernetes Offshoot starts no metadata store of its own: set"
                + " spring.datasource.url (the Helm chart's bundled store does)");
    }

    @Override
    public void close() {
        cache.close();
        log.debug("Kubernetes runtime for namespace {} closed", namespace);
    }
}
