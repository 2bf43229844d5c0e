package dev.offshoot.k8s;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

/**
 * Plays what a cluster adds to the API server, for Offshoot's objects: the CSI driver (a claim is
 * a directory, bound as an empty one or as a copy of its snapshot's; a VolumeSnapshot is a copy of
 * its claim's directory, taken while the containers using the claim are frozen, so it is
 * crash-consistent as a storage snapshot is) and the kubelet (a Pod's container runs on the
 * {@link Engine} with its claims' directories at their mount paths, its address and state written
 * into the Pod's status; an exit is reflected, with {@code OOMKilled}, and a restart under
 * {@code restartPolicy: Always}; a deleted Pod stays, marked, while its container runs its pre-stop
 * hook, stops and goes, as an API server keeps a Pod until its kubelet lets go of it).
 */
final class FakeKubelet implements AutoCloseable {

    static final ResourceDefinitionContext SNAPSHOTS = new ResourceDefinitionContext.Builder()
            .withGroup("snapshot.storage.k8s.io").withVersion("v1").withKind("VolumeSnapshot")
            .withPlural("volumesnapshots").withNamespaced(true).build();
    private static final long WAIT_MILLIS = 60_000;
    /** Held by the kubelet on each Pod it runs until the Pod's container is gone. */
    static final String FINALIZER = "offshoot.test/fake-kubelet";

    private final KubernetesClient client;
    private final String namespace;
    private final Engine engine;
    private final Path root;
    private final Map<String, String> containers = new ConcurrentHashMap<>();
    private final Set<String> busy = ConcurrentHashMap.newKeySet();
    /** Containers of deleted Pods still stopping, by Pod name (the mock API server drops a Pod at once). */
    private final Map<String, java.util.concurrent.CompletableFuture<Void>> terminating = new ConcurrentHashMap<>();
    /** The claims each Pod's container has mounted, by Pod name, until that container is removed. */
    private final Map<String, Set<String>> mounted = new ConcurrentHashMap<>();
    private final ExecutorService work = Executors.newVirtualThreadPerTaskExecutor();
    private final List<SharedIndexInformer<?>> informers = new ArrayList<>();

    FakeKubelet(KubernetesClient client, String namespace, Engine engine, Path root) {
        this.client = client;
        this.namespace = namespace;
        this.engine = engine;
        this.root = root;
        informers.add(client.persistentVolumeClaims().inNamespace(namespace).inform(handler(this::onClaim, pvc -> {
            delete(claimDir(pvc.getMetadata().getName()));
        }), 0));
        informers.add(client.genericKubernetesResources(SNAPSHOTS).inNamespace(namespace)
                .inform(handler(this::onSnapshot, s -> delete(snapshotDir(s.getMetadata().getName()))), 0));
        informers.add(client.pods().inNamespace(namespace).inform(handler(this::onPod, this::onPodDeleted), 0));
    }

    Optional<String> containerOf(String pod) {
        return Optional.ofNullable(containers.get(pod));
    }

    Path claimDir(String claim) {
        return root.resolve("claims").resolve(claim);
    }

    private Path snapshotDir(String snapshot) {
        return root.resolve("snapshots").resolve(snapshot);
    }

    // --- the CSI driver ------------------------------------------------------------------------

    private void onClaim(PersistentVolumeClaim pvc) {
        String name = pvc.getMetadata().getName();
        if (pvc.getStatus() != null && "Bound".equals(pvc.getStatus().getPhase()) || !busy.add("pvc/" + name)) {
            return;
        }
        submit(() -> {
            var source = pvc.getSpec().getDataSource();
            if (source == null) {
                mkdirs(claimDir(name));
            } else {
                awaitTrue(() -> snapshotReady(source.getName()), "snapshot " + source.getName());
                copy(snapshotDir(source.getName()), claimDir(name));
            }
            Quantity size = pvc.getSpec().getResources().getRequests().get("storage");
            client.persistentVolumeClaims().inNamespace(namespace).withName(name).editStatus(p -> {
                p.setStatus(new io.fabric8.kubernetes.api.model.PersistentVolumeClaimStatusBuilder()
                        .withPhase("Bound").withAccessModes("ReadWriteOnce").addToCapacity("storage", size).build());
                return p;
            });
            return null;
        });
    }

    /** Runs a step in the background; a failure is printed, as a kubelet's would be in its log. */
    private void submit(java.util.concurrent.Callable<?> step) {
        work.submit(() -> {
            try {
                return step.call();
            } catch (Exception | Error e) {
                System.err.println("fake cluster: " + e);
                e.printStackTrace();
                throw e;
            }
        });
    }

    private boolean snapshotReady(String name) {
        var snapshot = client.genericKubernetesResources(SNAPSHOTS).inNamespace(namespace).withName(name).get();
        return snapshot != null && Boolean.TRUE.equals(snapshot.get("status", "readyToUse"));
    }

    private void onSnapshot(GenericKubernetesResource snapshot) {
        String name = snapshot.getMetadata().getName();
        if (Boolean.TRUE.equals(snapshot.get("status", "readyToUse")) || !busy.add("snap/" + name)) {
            return;
        }
        String claim = snapshot.get("spec", "source", "persistentVolumeClaimName");
        submit(() -> {
            awaitTrue(() -> bound(claim), "claim " + claim);
            // a real API server keeps a deleted Pod until its container stopped: a snapshot taken
            // after the Pod is gone sees the volume as its Postgres left it at shutdown
            awaitTrue(() -> !heldByADeletedPod(claim), "containers of deleted Pods on claim " + claim);
            List<String> using = containersUsing(claim);
            using.forEach(engine::freeze);
            try {
                copy(claimDir(claim), snapshotDir(name));
            } finally {
                using.forEach(engine::thaw);
            }
            Quantity size = client.persistentVolumeClaims().inNamespace(namespace).withName(claim).get()
                    .getStatus().getCapacity().get("storage");
            client.genericKubernetesResources(SNAPSHOTS).inNamespace(namespace).withName(name).edit(s -> {
                s.setAdditionalProperty("status", Map.of("readyToUse", true, "restoreSize", size.toString(),
                        "creationTime", Instant.now().toString(), "boundVolumeSnapshotContentName", "snapcontent-" + name));
                return s;
            });
            return null;
        });
    }

    private boolean bound(String claim) {
        PersistentVolumeClaim pvc = client.persistentVolumeClaims().inNamespace(namespace).withName(claim).get();
        return pvc != null && pvc.getStatus() != null && "Bound".equals(pvc.getStatus().getPhase());
    }

    private boolean heldByADeletedPod(String claim) {
        return mounted.entrySet().stream().anyMatch(e -> e.getValue().contains(claim) && deleted(e.getKey()));
    }

    private boolean deleted(String pod) {
        Pod now = client.pods().inNamespace(namespace).withName(pod).get();
        return now == null || now.getMetadata().getDeletionTimestamp() != null;
    }

    private List<String> containersUsing(String claim) {
        return client.pods().inNamespace(namespace).list().getItems().stream()
                .filter(p -> claims(p).containsKey(claim))
                .map(p -> containers.get(p.getMetadata().getName())).filter(java.util.Objects::nonNull).toList();
    }

    // --- the kubelet ---------------------------------------------------------------------------

    private void onPod(Pod pod) {
        String name = pod.getMetadata().getName();
        if (pod.getMetadata().getDeletionTimestamp() != null) {
            if (pod.getMetadata().getFinalizers().contains(FINALIZER)) {
                terminate(pod, true);
            }
            return;
        }
        if (pod.getStatus() != null && pod.getStatus().getPhase() != null || !busy.add("pod/" + name)) {
            return;
        }
        submit(() -> {
            if (hold(name)) {
                start(pod);
            }
            return null;
        });
    }

    /**
     * Holds the Pod with a finalizer, as a node's kubelet does once it runs a Pod: a delete then
     * only marks it, and the Pod goes when its container has stopped ({@link #terminate}). A Pod
     * deleted before that goes at once, as an API server drops a Pod no node has taken.
     */
    private boolean hold(String name) {
        try {
            client.pods().inNamespace(namespace).withName(name).edit(p -> {
                if (p.getMetadata().getDeletionTimestamp() == null) {
                    p.getMetadata().getFinalizers().add(FINALIZER);
                }
                return p;
            });
            return true;
        } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
            busy.remove("pod/" + name);
            return false;
        }
    }

    private void release(String name) {
        try {
            client.pods().inNamespace(namespace).withName(name).edit(p -> {
                p.getMetadata().getFinalizers().remove(FINALIZER);
                return p;
            });
        } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
            // gone already
        }
    }

    private void start(Pod pod) {
        String name = pod.getMetadata().getName();
        Map<Path, String> binds = new LinkedHashMap<>();
        var container = pod.getSpec().getContainers().getFirst();
        Map<String, String> claimsByVolume = claims(pod);
        List<String> scratch = new ArrayList<>();
        for (var mount : container.getVolumeMounts() == null ? List.<io.fabric8.kubernetes.api.model.VolumeMount>of()
                : container.getVolumeMounts()) {
            String claim = claimsByVolume.entrySet().stream().filter(e -> e.getValue().equals(mount.getName()))
                    .map(Map.Entry::getKey).findFirst().orElse(null);
            if (claim == null) {
                scratch.add(mount.getMountPath());
                continue;
            }
            awaitTrue(() -> bound(claim), "claim " + claim);
            Path dir = claimDir(claim);
            fsGroup(dir, pod.getSpec().getSecurityContext().getFsGroup());
            binds.put(dir, mount.getMountPath());
        }
        // a real API server keeps a deleted Pod until its container has stopped, so a new Pod of the
        // same name never meets the old one's container (or its Postgres on the same claim)
        var previous = terminating.get(name);
        if (previous != null) {
            previous.join();
        }
        Engine.Started started;
        try {
            started = engine.start(pod, env(pod), binds, scratch);
        } catch (RuntimeException e) {
            status(name, p -> p.getStatus().setContainerStatuses(List.of(new ContainerStatusBuilder()
                    .withName(container.getName()).withImage(container.getImage()).withReady(false)
                    .withState(new ContainerStateBuilder().withNewWaiting().withReason(
                            e instanceof ImageMissing ? "ErrImagePull" : "CreateContainerError")
                            .withMessage(e.getMessage()).endWaiting().build()).build())));
            return;
        }
        containers.put(name, started.id());
        mounted.put(name, Set.copyOf(claimsByVolume.keySet()));
        Pod now = client.pods().inNamespace(namespace).withName(name).get();
        if (now == null || now.getMetadata().getDeletionTimestamp() != null
                || !now.getMetadata().getUid().equals(pod.getMetadata().getUid())) {
            // deleted while its container was being started
            containers.remove(name, started.id());
            engine.stop(started.id(), 1);
            engine.remove(started.id());
            mounted.remove(name);
            if (now != null && now.getMetadata().getUid().equals(pod.getMetadata().getUid())) {
                release(name);
            }
            return;
        }
        status(name, p -> {
            p.getStatus().setPodIP(started.ip());
            p.getStatus().setHostIP("127.0.0.1");
            p.getStatus().setPhase("Running");
            p.getStatus().setStartTime(Instant.now().toString());
            p.getStatus().setConditions(List.of(condition("PodScheduled"), condition("Initialized"),
                    condition("ContainersReady"), condition("Ready")));
            p.getStatus().setContainerStatuses(List.of(running(container.getName(), container.getImage(), 0, null)));
        });
        Thread.ofVirtual().start(() -> watchExits(name, started.id()));
    }

    /** Reflects each exit of the container into the Pod's status, and restarts it when the Pod says so. */
    private void watchExits(String name, String id) {
        for (int restarts = 1; ; restarts++) {
            Engine.Exit exit = engine.awaitExit(id);
            Pod pod = client.pods().inNamespace(namespace).withName(name).get();
            if (pod == null || pod.getMetadata().getDeletionTimestamp() != null || !id.equals(containers.get(name))) {
                return;
            }
            var terminated = new ContainerStateBuilder().withNewTerminated().withExitCode(exit.code())
                    .withReason(exit.oomKilled() ? "OOMKilled" : exit.code() == 0 ? "Completed" : "Error")
                    .withFinishedAt(Instant.now().toString()).endTerminated().build();
            var container = pod.getSpec().getContainers().getFirst();
            if ("Never".equals(pod.getSpec().getRestartPolicy())) {
                status(name, p -> {
                    p.getStatus().setPhase(exit.code() == 0 ? "Succeeded" : "Failed");
                    p.getStatus().setContainerStatuses(List.of(new ContainerStatusBuilder().withName(container.getName())
                            .withImage(container.getImage()).withReady(false).withState(terminated).build()));
                });
                return;
            }
            engine.restart(id);
            int count = restarts;
            status(name, p -> p.getStatus().setContainerStatuses(List.of(
                    running(container.getName(), container.getImage(), count, terminated))));
        }
    }

    /** Events come in order: the container is taken here, before a new Pod of the same name may start one. */
    private void onPodDeleted(Pod pod) {
        terminate(pod, false);
    }

    /** Stops and removes a deleted Pod's container; {@code release}: then lets the API server drop the Pod. */
    private void terminate(Pod pod, boolean release) {
        String name = pod.getMetadata().getName();
        String id = containers.remove(name);
        busy.remove("pod/" + name);
        if (id == null) {
            if (release) {
                release(name);
            }
            return;
        }
        var gone = new java.util.concurrent.CompletableFuture<Void>();
        terminating.put(name, gone);
        submit(() -> {
            try {
                int grace = pod.getSpec().getTerminationGracePeriodSeconds() == null ? 30
                        : pod.getSpec().getTerminationGracePeriodSeconds().intValue();
                preStop(pod, id, grace);
                engine.stop(id, grace);
                engine.remove(id);
            } finally {
                mounted.remove(name);
                terminating.remove(name, gone);
                gone.complete(null);
                if (release) {
                    release(name);
                }
            }
            return null;
        });
    }

    private void preStop(Pod pod, String id, int grace) {
        var lifecycle = pod.getSpec().getContainers().getFirst().getLifecycle();
        if (lifecycle == null || lifecycle.getPreStop() == null || lifecycle.getPreStop().getExec() == null) {
            return;
        }
        try {
            Process hook = engine.exec(id, lifecycle.getPreStop().getExec().getCommand());
            hook.getOutputStream().close();
            hook.waitFor(grace, java.util.concurrent.TimeUnit.SECONDS);
        } catch (IOException | InterruptedException | RuntimeException e) {
            // a failed hook does not stop the deletion, as with the kubelet
        }
    }

    private Map<String, String> env(Pod pod) {
        var container = pod.getSpec().getContainers().getFirst();
        Map<String, String> env = new LinkedHashMap<>();
        if (container.getEnvFrom() != null) {
            for (var from : container.getEnvFrom()) {
                Secret secret = client.secrets().inNamespace(namespace).withName(from.getSecretRef().getName()).get();
                if (secret == null) {
                    throw new IllegalStateException("secret " + from.getSecretRef().getName() + " not found");
                }
                secret.getData().forEach((k, v) -> env.put(k, new String(Base64.getDecoder().decode(v),
                        StandardCharsets.UTF_8)));
            }
        }
        if (container.getEnv() != null) {
            container.getEnv().forEach(e -> env.put(e.getName(), e.getValue()));
        }
        return env;
    }

    /** Claim name to volume name. */
    private static Map<String, String> claims(Pod pod) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Volume volume : pod.getSpec().getVolumes() == null ? List.<Volume>of() : pod.getSpec().getVolumes()) {
            if (volume.getPersistentVolumeClaim() != null) {
                out.put(volume.getPersistentVolumeClaim().getClaimName(), volume.getName());
            }
        }
        return out;
    }

    private void status(String name, java.util.function.Consumer<Pod> change) {
        try {
            client.pods().inNamespace(namespace).withName(name).editStatus(p -> {
                if (p.getStatus() == null) {
                    p.setStatus(new io.fabric8.kubernetes.api.model.PodStatus());
                }
                change.accept(p);
                return p;
            });
        } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
            // deleted meanwhile
        }
    }

    private static ContainerStatus running(String name, String image, int restarts,
            io.fabric8.kubernetes.api.model.ContainerState last) {
        return new ContainerStatusBuilder().withName(name).withImage(image).withReady(true).withStarted(true)
                .withRestartCount(restarts).withLastState(last)
                .withState(new ContainerStateBuilder().withNewRunning().withStartedAt(Instant.now().toString())
                        .endRunning().build()).build();
    }

    private static PodCondition condition(String type) {
        PodCondition condition = new PodCondition();
        condition.setType(type);
        condition.setStatus("True");
        return condition;
    }

    /** The kubelet's fsGroup with OnRootMismatch: the volume's root only, and only when it differs. */
    private static void fsGroup(Path dir, Long group) {
        if (group == null) {
            return;
        }
        try {
            if (!Integer.valueOf(group.intValue()).equals(Files.getAttribute(dir, "unix:gid"))) {
                Files.setAttribute(dir, "unix:gid", group.intValue());
                new ProcessBuilder("chmod", "2775", dir.toString()).start().waitFor();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void awaitTrue(Supplier<Boolean> condition, String what) {
        long deadline = System.currentTimeMillis() + WAIT_MILLIS;
        while (!condition.get()) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("fake cluster: " + what + " never became ready");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    static void copy(Path from, Path to) {
        mkdirs(to.getParent());
        delete(to);
        run("cp", "-a", "--reflink=auto", from.toString(), to.toString());
    }

    private static void mkdirs(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void delete(Path dir) {
        run("rm", "-rf", dir.toString());
    }

    private static void run(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IllegalStateException(String.join(" ", command) + ": " + out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static <T> ResourceEventHandler<T> handler(java.util.function.Consumer<T> upsert,
            java.util.function.Consumer<T> deleted) {
        return new ResourceEventHandler<>() {
            @Override
            public void onAdd(T obj) {
                upsert.accept(obj);
            }

            @Override
            public void onUpdate(T oldObj, T newObj) {
                upsert.accept(newObj);
            }

            @Override
            public void onDelete(T obj, boolean deletedFinalStateUnknown) {
                deleted.accept(obj);
            }
        };
    }

    /** An engine's word that the image is not there. */
    static final class ImageMissing extends RuntimeException {
        ImageMissing(String image) {
            super("image " + image + " not found");
        }
    }

    @Override
    public void close() {
        informers.forEach(SharedIndexInformer::close);
        work.shutdownNow();
    }
}
