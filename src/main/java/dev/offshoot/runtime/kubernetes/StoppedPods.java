package dev.offshoot.runtime.kubernetes;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * What is left of a stopped instance: Kubernetes has no stopped Pod, so stopping one deletes it
 * and keeps its manifest (and its last address) in a ConfigMap of the Pod's name, labelled like
 * the Pod and owned by what owned the Pod (its claim). Starting it again creates the Pod from
 * the record, under its old name (its handle), and drops the record. Nothing is written for a
 * Pod that is created or deleted for good: the hot path costs no extra object.
 */
final class StoppedPods {

    private static final String MANIFEST = "pod.json";
    private static final String ADDRESS = "ip";

    private final KubernetesClient client;
    private final String namespace;

    StoppedPods(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
    }

    /** Records the Pod as stopped. */
    void record(Pod pod) {
        Map<String, String> labels = new LinkedHashMap<>(pod.getMetadata().getLabels());
        labels.put(PodCache.STOPPED, "true");
        Map<String, String> data = new LinkedHashMap<>();
        data.put(MANIFEST, client.getKubernetesSerialization().asJson(manifest(pod)));
        PodStates.ip(pod).ifPresent(ip -> data.put(ADDRESS, ip));
        ConfigMap record = new ConfigMapBuilder().withNewMetadata().withName(pod.getMetadata().getName())
                .withLabels(labels).withOwnerReferences(pod.getMetadata().getOwnerReferences()).endMetadata()
                .withData(data).build();
        try {
            client.configMaps().inNamespace(namespace).resource(record).create();
        } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
            // a record left by a stop whose Pod came back without it: this one replaces it
            forget(record.getMetadata().getName());
            client.configMaps().inNamespace(namespace).resource(record).create();
        }
    }

    /** The Pod a record describes, ready to be created again. */
    Pod pod(ConfigMap record) {
        return client.getKubernetesSerialization().unmarshal(record.getData().get(MANIFEST), Pod.class);
    }

    static Optional<String> lastAddress(ConfigMap record) {
        return Optional.ofNullable(record.getData()).map(d -> d.get(ADDRESS));
    }

    void forget(String name) {
        client.configMaps().inNamespace(namespace).withName(name).delete();
    }

    /** The Pod without its status and server-set metadata: what creates it again. */
    private static Pod manifest(Pod pod) {
        ObjectMeta meta = pod.getMetadata();
        Pod copy = new Pod();
        copy.setApiVersion("v1");
        copy.setKind("Pod");
        copy.setMetadata(new ObjectMetaBuilder().withName(meta.getName()).withLabels(meta.getLabels())
                .withAnnotations(meta.getAnnotations()).withOwnerReferences(List.copyOf(
                        meta.getOwnerReferences() == null ? List.of() : meta.getOwnerReferences())).build());
        copy.setSpec(pod.getSpec());
        copy.getSpec().setNodeName(null);
        return copy;
    }
}
