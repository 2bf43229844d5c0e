package dev.offshoot.runtime.kubernetes;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

import dev.offshoot.runtime.Labels;

/**
 * This service's Pods and stopped-instance records as two informers keep them: one list and one
 * watch each, after which every look-up (the reconciler's listing, a state, an endpoint) reads
 * memory, and every wait (a Pod's address, its exit, its removal) wakes on the watch's events
 * instead of asking the API server again.
 */
final class PodCache implements AutoCloseable {

    /** The label that marks a stopped instance's record (beside the labels its Pod had). */
    static final String STOPPED = "offshoot.stopped";

    private final SharedIndexInformer<Pod> pods;
    private final SharedIndexInformer<ConfigMap> stopped;
    private final Object changed = new Object();
    private final String namespace;

    PodCache(KubernetesClient client, String namespace, String instanceId) {
        this.namespace = namespace;
        ResourceEventHandler<HasMetadata> wake = new ResourceEventHandler<>() {
            @Override
            public void onAdd(HasMetadata obj) {
                signal();
            }

            @Override
            public void onUpdate(HasMetadata oldObj, HasMetadata newObj) {
                signal();
            }

            @Override
            public void onDelete(HasMetadata obj, boolean deletedFinalStateUnknown) {
                signal();
            }
        };
        this.pods = client.pods().inNamespace(namespace).withLabel(Labels.INSTANCE, instanceId)
                .inform(cast(wake), 0);
        this.stopped = client.configMaps().inNamespace(namespace).withLabel(Labels.INSTANCE, instanceId)
                .withLabel(STOPPED, "true").inform(cast(wake), 0);
    }

    @SuppressWarnings("unchecked")
    private static <T extends HasMetadata> ResourceEventHandler<T> cast(ResourceEventHandler<HasMetadata> handler) {
        return (ResourceEventHandler<T>) (ResourceEventHandler<?>) handler;
    }

    private void signal() {
        synchronized (changed) {
            changed.notifyAll();
        }
    }

    Optional<Pod> pod(String name) {
        return Optional.ofNullable(pods.getStore().getByKey(namespace + "/" + name));
    }

    Optional<ConfigMap> stoppedRecord(String name) {
        return Optional.ofNullable(stopped.getStore().getByKey(namespace + "/" + name));
    }

    List<Pod> pods(Map<String, String> labels) {
        return pods.getStore().list().stream().filter(p -> carries(p, labels)).toList();
    }

    List<ConfigMap> stoppedRecords(Map<String, String> labels) {
        return stopped.getStore().list().stream().filter(c -> carries(c, labels)).toList();
    }

    private static boolean carries(HasMetadata object, Map<String, String> labels) {
        Map<String, String> own = object.getMetadata().getLabels();
        return own != null && own.entrySet().containsAll(labels.entrySet());
    }

    /**
     * Waits until {@code check} of the cache's current view gives an answer, re-checking on every
     * event of either informer; empty when the deadline passed first.
     */
    <T> Optional<T> await(Function<PodCache, Optional<T>> check, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (changed) {
            while (true) {
                Optional<T> answer = check.apply(this);
                long left = deadline - System.nanoTime();
                if (answer.isPresent() || left <= 0) {
                    return answer;
                }
                try {
                    // events wake it; the bound is a safety net should the informer restart its watch
                    changed.wait(Math.max(1, Math.min(left / 1_000_000, 200)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for a Pod", e);
                }
            }
        }
    }

    @Override
    public void close() {
        pods.close();
        stopped.close();
    }
}
