package dev.offshoot.provision;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import dev.offshoot.config.RuntimeProperties;
import dev.offshoot.runtime.Labels;

/**
 * The one place where what Offshoot runs gets its names and labels: listing, reconciling and
 * reaping find things by these labels only, and names tell people what a container is for.
 */
final class InstanceLabels {

    private final String serviceInstance;

    InstanceLabels(RuntimeProperties properties) {
        this.serviceInstance = properties.instanceId();
    }

    /** A branch's container: the service, the branch and what it was started from. */
    String containerName(Owner owner) {
        return "offshoot-" + serviceInstance + "-" + owner.name() + "-" + owner.id().toString().substring(0, 8);
    }

    Map<String, String> of(Owner owner, String kind) {
        Map<String, String> labels = service(kind);
        labels.put(Labels.BRANCH_ID, owner.id().toString());
        labels.put(Labels.BRANCH_NAME, owner.name());
        labels.put(Labels.TEMPLATE, owner.template());
        labels.put(Labels.REVISION, String.valueOf(owner.revision()));
        return labels;
    }

    /** A template build's container: the template's name and a random suffix. */
    String buildName(String template) {
        return "offshoot-" + serviceInstance + "-build-" + template + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    Map<String, String> ofTemplate(String template, int revision, String kind) {
        Map<String, String> labels = service(kind);
        labels.put(Labels.TEMPLATE, template);
        labels.put(Labels.REVISION, String.valueOf(revision));
        return labels;
    }

    /** What every branch container of this service carries (a label filter). */
    Map<String, String> branches() {
        return Map.of(Labels.INSTANCE, serviceInstance, Labels.KIND, Labels.KIND_BRANCH);
    }

    /** What every container of one owner carries (a label filter). */
    Map<String, String> ownedBy(UUID owner) {
        return Map.of(Labels.INSTANCE, serviceInstance, Labels.BRANCH_ID, owner.toString());
    }

    private Map<String, String> service(String kind) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(Labels.MANAGED, "true");
        labels.put(Labels.INSTANCE, serviceInstance);
        labels.put(Labels.KIND, kind);
        return labels;
    }
}
