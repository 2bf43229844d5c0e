package dev.offshoot.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.time.Duration;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import org.junit.jupiter.api.Test;

/** The stand-in itself: it keeps answering while clients come and go as informers do. */
class FakeClusterTest {

    @Test
    void closingAWatchWhileEventsAreOnTheirWayDoesNotStallTheServer() throws Exception {
        try (FakeCluster cluster = new FakeCluster(new LocalEngine(), Files.createTempDirectory("fake-cluster"))) {
            KubernetesClient client = cluster.client();
            for (int round = 0; round < 10; round++) {
                Watch watch = client.configMaps().watch(new Watcher<ConfigMap>() {
                    @Override
                    public void eventReceived(Action action, ConfigMap resource) {
                    }

                    @Override
                    public void onClose(WatcherException cause) {
                    }
                });
                for (int i = 0; i < 30; i++) {
                    client.configMaps().resource(new ConfigMapBuilder().withNewMetadata().withName("cm-" + round + "-" + i)
                            .endMetadata().addToData("v", "x".repeat(4096)).build()).create();
                }
                watch.close();

                long start = System.nanoTime();
                assertThat(client.configMaps().list().getItems()).hasSize(30 * (round + 1));
                assertThat(Duration.ofNanos(System.nanoTime() - start)).as("a list right after a watch closed")
                        .isLessThan(Duration.ofSeconds(10));
            }
        }
    }
}
