package dev.offshoot.runtime.kubernetes;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
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
    private final InformerWaits waits = new InformerWaits();
    private final String namespace;

    PodCache(KubernetesClient client, String namespace, String instanceId) {
        this.namespace = namespace;
        this.pods = client.pods().inNamespace(namespace).withLabel(Labels.INSTANCE, instanceId)
                .inform(waits.handler(), 0);
        this.stopped = client.configMaps().inNamespace(namespace).withLabel(Labels.INSTANCE, instanceId)
                .withLabel(STOPPED, "true").inform(waits.handler(), 0);
    }

    Optional<Pod> pod(String name) {
        return Optional.ofNullable(pods.getStore().getByKey(namespace + "/" + name));
    }

    Optional<ConfigMap> stoppedRecord(String name) {
        return Optional.ofNullable(stopped.getStore().getByKey(namespace + "/" + name));
    }

    List<Pod> pods(Map<String, String> labels) {
        return pods.getStore().list().stream().filter(p -> InformerWaits.carries(p, labels)).toList();
    }

    List<ConfigMap> stoppedRecords(Map<String, String> labels) {
        return stopped.getStore().list().stream().filter(c -> InformerWaits.carries(c, labels)).toList();
    }

    /**
     * Waits until {@code check} of the cache's current view gives an answer, re-checking on every
     * event of either informer; empty when the deadline passed first.
     */
    <T> Optional<T> await(Function<PodCache, Optional<T>> check, Duration timeout) {
        try {
            return waits.await(() -> check.apply(this), timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a Pod", e);
        }
    }

    @Override
    public void close() {
        pods.close();
        stopped.close();
    }
}
