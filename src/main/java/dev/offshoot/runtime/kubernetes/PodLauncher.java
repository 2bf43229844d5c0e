package dev.offshoot.runtime.kubernetes;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;

import dev.offshoot.runtime.ContainerFailedException;
import dev.offshoot.runtime.ContainerRuntime;
import dev.offshoot.runtime.ContainerSpec;
import dev.offshoot.runtime.ImageMissingException;

/**
 * A Pod's start as one straight line: its Secret (when it has one), the Pod owned by its data's
 * claims, the Secret then owned by the Pod, and a wait on the informers until the Pod has an
 * address. A missing image, a Pod that exits or one without an address in time fails the start,
 * and the Pod goes.
 */
final class PodLauncher {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final KubernetesClient client;
    private final String namespace;
    private final PodManifests manifests;
    private final PodCache cache;
    private final Duration readyTimeout;
    private final ContainerRuntime runtime;

    PodLauncher(KubernetesClient client, String namespace, PodManifests manifests, PodCache cache,
            Duration readyTimeout, ContainerRuntime runtime) {
        this.client = client;
        this.namespace = namespace;
        this.manifests = manifests;
        this.cache = cache;
        this.readyTimeout = readyTimeout;
        this.runtime = runtime;
    }

    /** Creates the spec's Pod under a fresh name and returns that name once the Pod has an address. */
    String start(ContainerSpec spec) {
        String name = podName(spec.name());
        create(manifests.postgres(name, spec, claimOwners(spec)));
        return awaitAddress(name, spec.image());
    }

    /**
     * Creates a Pod again from its manifest (a stopped instance's). When it gets no address, only
     * the new Pod goes: the stopped record stays, so the instance can be started again later.
     */
    void recreate(Pod pod) {
        String name = pod.getMetadata().getName();
        client.pods().inNamespace(namespace).resource(pod).create();
        try {
            addressOf(name, pod.getSpec().getContainers().getFirst().getImage());
        } catch (RuntimeException e) {
            client.pods().inNamespace(namespace).withName(name).withGracePeriod(1).delete();
            throw e;
        }
    }

    private void create(PodManifests.Manifests made) {
        if (made.secret() != null) {
            client.secrets().inNamespace(namespace).resource(made.secret()).create();
        }
        Pod pod;
        try {
            pod = client.pods().inNamespace(namespace).resource(made.pod()).create();
        } catch (RuntimeException e) {
            if (made.secret() != null) {
                client.secrets().inNamespace(namespace).withName(made.pod().getMetadata().getName()).delete();
            }
            throw e;
        }
        if (made.secret() != null) {
            // the Secret goes with its Pod (the garbage collector follows owner references)
            client.secrets().inNamespace(namespace).withName(pod.getMetadata().getName()).edit(s -> {
                s.getMetadata().setOwnerReferences(List.of(ownerReference(pod)));
                return s;
            });
        }
    }

    private String awaitAddress(String name, String image) {
        try {
            addressOf(name, image);
            return name;
        } catch (RuntimeException e) {
            runtime.remove(name);
            throw e;
        }
    }

    private void addressOf(String name, String image) {
        if (cache.await(view -> address(view, name, image), readyTimeout).isEmpty()) {
            throw noAddress(name);
        }
    }

    /**
     * The Pod's last Warning event says why (FailedScheduling, FailedMount, ...), also as the
     * problem's {@code reason}; without one, the Pod's unschedulable condition.
     */
    private ContainerFailedException noAddress(String name) {
        Optional<Pod> pod = cache.pod(name);
        Optional<PodEvents.Warning> warning = PodEvents.lastWarning(client, namespace, name,
                pod.map(p -> p.getMetadata().getUid()).orElse(null));
        String why = warning.map(String::valueOf).or(() -> pod.flatMap(PodStates::unschedulable))
                .map(w -> " (" + w + ")").orElse("");
        ContainerFailedException failed = new ContainerFailedException("Pod " + name + " got no address within "
                + readyTimeout + why, "", null);
        warning.ifPresent(w -> failed.with("reason", w.reason()));
        return failed;
    }

    private Optional<String> address(PodCache view, String name, String image) {
        Optional<Pod> pod = view.pod(name);
        if (pod.isEmpty()) {
            return Optional.empty();
        }
        if (PodStates.imageMissing(pod.get()).isPresent()) {
            throw new ImageMissingException(image);
        }
        String phase = PodStates.phase(pod.get());
        if (phase.equals("Failed") || phase.equals("Succeeded")) {
            throw new ContainerFailedException("Pod " + name + " exited while starting ("
                    + PodStates.of(pod.get()).stopReason() + ")", runtime.logTail(name, 30), null);
        }
        return PodStates.ip(pod.get());
    }

    /** The claims of the spec's volumes own its Pod: deleting a branch's data deletes its Pod. */
    private List<OwnerReference> claimOwners(ContainerSpec spec) {
        return spec.volumeBinds().keySet().stream()
                .map(claim -> client.persistentVolumeClaims().inNamespace(namespace).withName(claim).get())
                .filter(Objects::nonNull)
                .map(PodLauncher::ownerReference).toList();
    }

    static OwnerReference ownerReference(HasMetadata owner) {
        String kind = owner instanceof PersistentVolumeClaim ? "PersistentVolumeClaim" : "Pod";
        return new OwnerReferenceBuilder().withApiVersion("v1").withKind(kind)
                .withName(owner.getMetadata().getName()).withUid(owner.getMetadata().getUid()).build();
    }

    /** A DNS label of the name with a random suffix: a new Pod never waits for an old one of its name to go. */
    static String podName(String name) {
        String clean = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
        String suffix = Integer.toString(RANDOM.nextInt(36 * 36 * 36 * 36 * 36), 36);
        String head = clean.length() > 57 ? clean.substring(0, 57) : clean;
        return (head + "-" + "0".repeat(5 - suffix.length()) + suffix).replaceAll("-+", "-");
    }
}
