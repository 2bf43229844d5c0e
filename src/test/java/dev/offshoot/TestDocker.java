package dev.offshoot;

import java.util.List;
import java.util.Map;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;

import dev.offshoot.runtime.DockerClientFactory;
import dev.offshoot.runtime.Labels;

/** Direct access to the engine for assertions and cleanup, independent of the service under test. */
public final class TestDocker {

    private static DockerClient client;

    private TestDocker() {
    }

    public static synchronized DockerClient client() {
        if (client == null) {
            client = DockerClientFactory.create("");
        }
        return client;
    }

    public static List<Container> containersOf(String instanceId) {
        return client().listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(Labels.INSTANCE, instanceId)).exec();
    }

    public static List<String> imagesOf(String instanceId) {
        return client().listImagesCmd().withLabelFilter(Map.of(Labels.INSTANCE, instanceId)).exec().stream()
                .map(i -> i.getId()).toList();
    }

    /** Removes what a test run left, so a failed test cannot leak into the next run. */
    public static void removeEverythingOf(String instanceId) {
        for (Container c : containersOf(instanceId)) {
            try {
                client().removeContainerCmd(c.getId()).withForce(true).withRemoveVolumes(true).exec();
            } catch (NotFoundException ignored) {
                // gone already
            }
        }
        for (int round = 0; round < 5 && !imagesOf(instanceId).isEmpty(); round++) {
            for (String image : imagesOf(instanceId)) {
                try {
                    client().removeImageCmd(image).withForce(true).exec();
                } catch (RuntimeException ignored) {
                    // a child image still depends on it: the next round removes it
                }
            }
        }
    }
}
