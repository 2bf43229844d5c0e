package dev.offshoot.reaper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;

import dev.offshoot.Api;
import dev.offshoot.IntegrationTest;
import dev.offshoot.k8s.ClusterDispatcher;
import dev.offshoot.k8s.FakeCluster;
import dev.offshoot.runtime.Labels;
import tools.jackson.databind.JsonNode;

/**
 * The reconciler on the Kubernetes runtime (run by the runtime-kubernetes execution only): a pass
 * reads Pods, claims and snapshots from the informers, so the API server sees no listing from it,
 * and a claim made a moment ago reaches it through the watch.
 */
@EnabledIfSystemProperty(named = "offshoot.runtime.type", matches = "kubernetes")
class KubernetesReconcileIT extends IntegrationTest {

    @LocalServerPort
    int port;

    @Autowired
    Reconciler reconciler;

    @Test
    void aPassListsNothingOnTheApiServerAndRemovesAnOrphanClaimMadeAMomentAgo() {
        Api api = new Api(port, ADMIN_TOKEN);
        String template = "rec-" + UUID.randomUUID().toString().substring(0, 6);
        assertThat(api.post("/api/v1/templates", Map.of("name", template)).status()).isEqualTo(201);
        JsonNode branch = api.post("/api/v1/branches", Map.of("name", template + "-b", "template", template)).body();
        String id = branch.get("id").asString();
        KubernetesClient cluster = FakeCluster.shared().client();
        int before = FakeCluster.shared().calls().size();
        String orphan = orphanClaim(cluster);
        AtomicInteger passes = new AtomicInteger();

        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(5)).until(() -> {
            ReconcilePlan plan = reconciler.reconcileOnce(Instant.now().minus(Duration.ofMinutes(5)));
            passes.incrementAndGet();
            assertThat(plan.missing()).noneMatch(row -> row.id().toString().equals(id));
            return cluster.persistentVolumeClaims().withName(orphan).get() == null;
        });

        List<ClusterDispatcher.Call> made = FakeCluster.shared().calls();
        assertThat(made.subList(before, made.size())).as("calls of %d passes", passes.get())
                .extracting(ClusterDispatcher.Call::verb).doesNotContain("list", "watch");
        assertThat(cluster.persistentVolumeClaims().withLabel(Labels.BRANCH_ID, id).list().getItems()).hasSize(1);
        assertThat(api.get("/api/v1/branches/" + template + "-b").body().get("status").asString()).isEqualTo("READY");
    }

    /** A claim of this service's kind for a branch that has no row, as an interrupted create leaves. */
    private static String orphanClaim(KubernetesClient cluster) {
        String name = "offshoot-" + INSTANCE_ID + "-data-orphan-" + UUID.randomUUID().toString().substring(0, 6);
        cluster.persistentVolumeClaims().resource(new PersistentVolumeClaimBuilder().withNewMetadata()
                .withName(name).withLabels(Map.of(Labels.MANAGED, "true", Labels.INSTANCE, INSTANCE_ID, Labels.KIND,
                        Labels.KIND_BRANCH_DATA, Labels.BRANCH_ID, UUID.randomUUID().toString())).endMetadata()
                .withNewSpec().withAccessModes("ReadWriteOnce").withNewResources()
                .addToRequests("storage", new Quantity("1Gi")).endResources().endSpec().build()).create();
        return name;
    }
}
