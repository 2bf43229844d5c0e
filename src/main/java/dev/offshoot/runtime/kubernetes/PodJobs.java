package dev.offshoot.runtime.kubernetes;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

import io.fabric8.kubernetes.client.KubernetesClient;

import dev.offshoot.error.OffshootException;
import dev.offshoot.runtime.ContainerRuntime.ExecResult;
import dev.offshoot.runtime.ContainerRuntime.JobSpec;

/**
 * One-off helper Pods (URL imports): boxed like every Pod, their environment (the source's and the
 * target's credentials) in a Secret the Pod owns, never restarted; the caller gets the exit code
 * and the log's tail, and the Pod and its Secret are removed whatever happened.
 */
final class PodJobs {

    private final KubernetesClient client;
    private final String namespace;
    private final PodManifests manifests;
    private final PodCache cache;
    private final KubernetesRuntime runtime;

    PodJobs(KubernetesClient client, String namespace, PodManifests manifests, PodCache cache,
            KubernetesRuntime runtime) {
        this.client = client;
        this.namespace = namespace;
        this.manifests = manifests;
        this.cache = cache;
        this.runtime = runtime;
    }

    /**
     * The address a helper Pod dials for an address of the service's host: the service's loopback
     * at the service Pod's address ({@code serviceHost}); any other address as it is, since Pods
     * reach it.
     *
     * @throws OffshootException {@code 422 SOURCE_UNREACHABLE} for the loopback without a service host
     */
    static InetAddress dialedFromPods(InetAddress address, String serviceHost) {
        if (!address.isLoopbackAddress() && !address.isAnyLocalAddress()) {
            return address;
        }
        if (serviceHost.isBlank()) {
            throw new OffshootException(OffshootException.Kind.UNPROCESSABLE, "SOURCE_UNREACHABLE", "the source is"
                    + " on the service's own loopback, which an import Pod cannot reach: give its address as Pods"
                    + " reach it, or set offshoot.kubernetes.service-host", false);
        }
        return InetAddress.ofLiteral(serviceHost.strip());
    }

    ExecResult run(JobSpec spec, Duration timeout) {
        String name = PodLauncher.podName("offshoot-job-" + UUID.randomUUID().toString().substring(0, 8));
        PodManifests.Manifests made = manifests.job(name, spec.image(), spec.command(), spec.env(), spec.labels());
        if (made.secret() != null) {
            client.secrets().inNamespace(namespace).resource(made.secret()).create();
        }
        try {
            client.pods().inNamespace(namespace).resource(made.pod()).create();
            Optional<Long> exitCode = cache.await(view -> view.pod(name).filter(p -> PodStates.phase(p)
                    .equals("Succeeded") || PodStates.phase(p).equals("Failed")).flatMap(PodStates::lastTermination)
                    .map(t -> (long) t.getExitCode()), timeout);
            String output = runtime.logTail(name, 40);
            return exitCode.map(code -> new ExecResult(code, output))
                    .orElseGet(() -> new ExecResult(-1, "timed out after " + timeout + "\n" + output));
        } finally {
            runtime.remove(name);
        }
    }
}
