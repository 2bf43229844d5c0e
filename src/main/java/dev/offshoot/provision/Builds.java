package dev.offshoot.provision;

import java.util.List;
import java.util.Map;

import org.springframework.stereotype.Component;

import dev.offshoot.config.RuntimeProperties;
import dev.offshoot.instance.DataRef;
import dev.offshoot.runtime.ContainerRuntime;
import dev.offshoot.runtime.Labels;
import dev.offshoot.storage.Storage;
import dev.offshoot.storage.StorageDriver.Mount;
import dev.offshoot.storage.StorageDriver;

/**
 * Template builds: an instance of the base image on a new revision's data, which the template
 * feature loads, seals and has captured as the revision ({@link Build}); a running branch taken
 * over to become a revision; and the removal of a revision's data.
 */
@Component
public class Builds {

    private final ContainerRuntime runtime;
    private final Storage storage;
    private final RuntimeProperties properties;
    private final InstanceLabels labels;

    Builds(ContainerRuntime runtime, Storage storage, RuntimeProperties properties) {
        this.runtime = runtime;
        this.storage = storage;
        this.properties = properties;
        this.labels = new InstanceLabels(properties);
    }

    /**
     * Starts a build of a template revision on the active storage driver, run by {@code image} (the
     * base image of the template's major, which the revision keeps), its superuser's password good
     * for this build only. Nothing is left when the start fails.
     */
    public Build start(String template, java.util.UUID templateId, int revision, String image,
            String superuserPassword) {
        StorageDriver driver = storage.active();
        Mount data = driver.newRevision(templateId, revision, image);
        String handle;
        try {
            handle = runtime.start(data.buildInstance(labels.buildName(template), properties.pgdata(),
                    properties.bindAddress())
                    .withEnv(Map.of("POSTGRES_PASSWORD", superuserPassword, "PGDATA", properties.pgdata(),
                            "POSTGRES_INITDB_ARGS", properties.initdbArgs()))
                    .withLabels(labels.ofTemplate(template, revision, Labels.KIND_BUILD)));
        } catch (RuntimeException e) {
            driver.discard(data);
            throw e;
        }
        return new Build(runtime, properties, labels, driver, data, handle, template, templateId, revision, true);
    }

    /**
     * A running branch instance taken over to become a revision of its template: the build's
     * steps apply to it, but closing the build leaves it to its owner.
     */
    public Build adopt(Instance instance, String template, java.util.UUID templateId, int revision) {
        StorageDriver driver = storage.holding(instance.parent().driver());
        return new Build(runtime, properties, labels, driver, driver.mountOf(instance.owner(), instance.parent()),
                instance.handle(), template, templateId, revision, false);
    }

    /** Removes a revision's data; false while something still uses it. */
    public boolean removeRevision(DataRef data) {
        return storage.holding(data.driver()).remove(data);
    }

    /** The address ranges of the container engine's own networks (in CIDR form). */
    public List<String> engineNetworks() {
        return runtime.networkRanges();
    }
}
