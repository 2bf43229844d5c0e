package dev.offshoot.runtime.kubernetes;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;

import dev.offshoot.config.KubernetesProperties;
import dev.offshoot.config.LimitsProperties;
import dev.offshoot.instance.Resources;
import dev.offshoot.runtime.ContainerSpec;
import dev.offshoot.runtime.Labels;

/**
 * The Pods (and their Secrets) Offshoot creates, boxed as Pod Security "restricted" asks: non-root
 * with the postgres uid, every capability dropped, {@code seccompProfile: RuntimeDefault}, no
 * privilege escalation, a read-only root filesystem (Postgres writes only PGDATA, its socket
 * directory and /tmp, which are volumes), no service account token and no service links.
 *
 * <p>A volume bind names a claim and a path: the claim is mounted at the path's parent and the
 * path's last segment is a directory inside the claim, because Postgres wants PGDATA owned by its
 * user with mode 0700 while a volume's root belongs to root and the fsGroup. Environment variables
 * other than a few harmless ones travel in a Secret of the Pod's name (owned by the Pod), never in
 * the Pod's spec, which everyone who may list Pods reads.
 */
final class PodManifests {

    static final String CONTAINER = "postgres";
    static final int POSTGRES_PORT = 5432;
    /** Variables that hold no secret and may stay in the Pod's spec. */
    private static final Set<String> PLAIN_ENV = Set.of("PGDATA", "POSTGRES_INITDB_ARGS", "POSTGRES_USER",
            "POSTGRES_DB");
    /** Postgres's socket directory and /tmp: writable, on a read-only root filesystem. */
    private static final Map<String, String> SCRATCH = Map.of("run", "/var/run/postgresql", "tmp", "/tmp");

    private final KubernetesProperties properties;
    private final LimitsProperties limits;
    private final long stopSeconds;

    PodManifests(KubernetesProperties properties, LimitsProperties limits, java.time.Duration stopTimeout) {
        this.properties = properties;
        this.limits = limits;
        this.stopSeconds = Math.max(1, stopTimeout.toSeconds());
    }

    /** A Pod and, when its environment holds more than harmless variables, the Secret it reads them from. */
    record Manifests(Pod pod, Secret secret) {
    }

    /**
     * A Postgres Pod for the spec. A keyed instance (a branch) is restarted by the kubelet when it
     * exits; any other (a template build) is not, so its clean stop is seen as its exit code.
     */
    Manifests postgres(String name, ContainerSpec spec, List<OwnerReference> owners) {
        Map<String, String> labels = new LinkedHashMap<>(spec.labels());
        if (spec.instanceKey() != null) {
            labels.put(Labels.KEY, spec.instanceKey());
        }
        List<Volume> volumes = new ArrayList<>();
        List<VolumeMount> mounts = new ArrayList<>();
        spec.volumeBinds().forEach((claim, target) -> {
            String volume = "data-" + volumes.size();
            volumes.add(new VolumeBuilder().withName(volume).withNewPersistentVolumeClaim()
                    .withClaimName(claim).endPersistentVolumeClaim().build());
            mounts.add(mount(volume, parentOf(target)));
        });
        SCRATCH.forEach((volume, path) -> {
            volumes.add(new VolumeBuilder().withName(volume).withNewEmptyDir().endEmptyDir().build());
            mounts.add(mount(volume, path));
        });
        Container container = new ContainerBuilder(container(name, spec.image(), spec.command(), spec.env(),
                spec.resources())).withVolumeMounts(mounts)
                .addNewPort().withName("postgres").withContainerPort(POSTGRES_PORT).endPort()
                // a clean (fast) shutdown whatever the runtime's stop signal: SIGTERM alone is Postgres's
                // "smart" shutdown, which waits for every client to leave
                .withNewLifecycle().withNewPreStop().withNewExec()
                .withCommand("sh", "-c", "pg_ctl -D \"$PGDATA\" -m fast -w -t " + stopSeconds + " stop || true")
                .endExec().endPreStop().endLifecycle()
                .build();
        Pod pod = pod(name, labels, owners, spec.instanceKey() != null ? "Always" : "Never", container, volumes);
        return new Manifests(pod, secret(name, spec.env(), labels));
    }

    /** A one-off helper Pod (an import): no volumes, never restarted. */
    Manifests job(String name, String image, List<String> command, Map<String, String> env,
            Map<String, String> labels) {
        Container container = new ContainerBuilder(container(name, image, command, env, Resources.DEFAULTS))
                .addNewVolumeMount().withName("tmp").withMountPath("/tmp").endVolumeMount().build();
        Volume tmp = new VolumeBuilder().withName("tmp").withNewEmptyDir().endEmptyDir().build();
        return new Manifests(pod(name, labels, List.of(), "Never", container, List.of(tmp)),
                secret(name, env, labels));
    }

    private Pod pod(String name, Map<String, String> labels, List<OwnerReference> owners, String restartPolicy,
            Container container, List<Volume> volumes) {
        return new PodBuilder()
                .withNewMetadata().withName(name).withLabels(labels).withOwnerReferences(owners).endMetadata()
                .withNewSpec()
                .withRestartPolicy(restartPolicy)
                .withAutomountServiceAccountToken(false)
                .withEnableServiceLinks(false)
                .withTerminationGracePeriodSeconds(stopSeconds + 5)
                .withNewSecurityContext()
                .withRunAsNonRoot(true).withRunAsUser(properties.runAsUser()).withRunAsGroup(properties.runAsGroup())
                .withFsGroup(properties.runAsGroup())
                // only a new volume's root is given to the group: a recursive change of every file of a
                // cloned PGDATA would copy each one on a copy-on-write volume
                .withFsGroupChangePolicy("OnRootMismatch")
                .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                .endSecurityContext()
                .withContainers(container)
                .withVolumes(volumes)
                .endSpec()
                .build();
    }

    private Container container(String name, String image, List<String> args, Map<String, String> env,
            Resources resources) {
        long memory = resources.memoryBytes() > 0 ? resources.memoryBytes() : limits.memory().toBytes();
        int shares = resources.cpuShares() > 0 ? resources.cpuShares() : limits.cpuShares();
        ContainerBuilder container = new ContainerBuilder()
                .withName(CONTAINER).withImage(image).withImagePullPolicy(properties.imagePullPolicy())
                .withArgs(args)
                .withEnv(plainEnv(env))
                .withNewResources()
                .addToRequests("memory", new Quantity(String.valueOf(memory)))
                .addToLimits("memory", new Quantity(String.valueOf(memory)))
                // Docker's shares are relative weights with 1024 for one CPU; a request is the same weight
                .addToRequests("cpu", new Quantity(Math.max(1, shares * 1000L / 1024) + "m"))
                .endResources()
                .withNewSecurityContext()
                .withAllowPrivilegeEscalation(false).withReadOnlyRootFilesystem(true).withRunAsNonRoot(true)
                .withNewCapabilities().withDrop("ALL").endCapabilities()
                .endSecurityContext();
        if (env.keySet().stream().anyMatch(k -> !PLAIN_ENV.contains(k))) {
            container.addNewEnvFrom().withNewSecretRef().withName(name).endSecretRef().endEnvFrom();
        }
        return container.build();
    }

    private static List<EnvVar> plainEnv(Map<String, String> env) {
        return env.entrySet().stream().filter(e -> PLAIN_ENV.contains(e.getKey()))
                .map(e -> new EnvVar(e.getKey(), e.getValue(), null)).toList();
    }

    /** The Secret holding the variables that are not plain, or null when there are none. */
    private static Secret secret(String name, Map<String, String> env, Map<String, String> labels) {
        Map<String, String> data = new LinkedHashMap<>();
        env.forEach((k, v) -> {
            if (!PLAIN_ENV.contains(k)) {
                data.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8)));
            }
        });
        if (data.isEmpty()) {
            return null;
        }
        return new SecretBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata()
                .withType("Opaque").withData(data).build();
    }

    private static VolumeMount mount(String volume, String path) {
        VolumeMount mount = new VolumeMount();
        mount.setName(volume);
        mount.setMountPath(path);
        return mount;
    }

    /** The directory a claim bound at this path is mounted on. */
    static String parentOf(String target) {
        Path parent = Path.of(target).getParent();
        if (parent == null || parent.toString().equals("/")) {
            throw new IllegalArgumentException("a claim's data directory must lie below a directory: " + target);
        }
        return parent.toString();
    }
}
