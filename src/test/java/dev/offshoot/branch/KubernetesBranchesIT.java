package dev.offshoot.branch;

import static dev.offshoot.branch.BranchTestSupport.count;
import static dev.offshoot.branch.BranchTestSupport.sql;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.springframework.boot.test.web.server.LocalServerPort;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;

import dev.offshoot.Api;
import dev.offshoot.IntegrationTest;
import dev.offshoot.k8s.FakeCluster;
import tools.jackson.databind.JsonNode;

/**
 * What only the Kubernetes runtime does, through the whole service (run by the runtime-kubernetes
 * execution; disabled on Docker, before any context starts): a suspended branch is a claim without
 * a Pod and wakes on its data, and a template build leaves neither its Pod nor the Secret that held
 * its password.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@EnabledIfSystemProperty(named = "offshoot.runtime.type", matches = "kubernetes")
class KubernetesBranchesIT extends IntegrationTest {

    @LocalServerPort
    int port;

    Api api;
    String template;
    KubernetesClient cluster;

    @BeforeAll
    void template() {
        cluster = FakeCluster.shared().client();
        api = new Api(port, ADMIN_TOKEN);
        template = "k8s-" + UUID.randomUUID().toString().substring(0, 6);
        Api.Response created = api.postSql("/api/v1/templates", Map.of("name", template), Map.of("seed.sql",
                "CREATE TABLE items (id int primary key); INSERT INTO items VALUES (1);".getBytes()));
        assertThat(created.status()).as(String.valueOf(created.body())).isEqualTo(201);
    }

    @Test
    void aSuspendedBranchIsAClaimWithoutAPodAndWakesOnItsData() throws Exception {
        Map<String, Object> request = Map.of("name", "nap-" + UUID.randomUUID().toString().substring(0, 6),
                "template", template);
        JsonNode branch = api.post("/api/v1/branches", request).body();
        String id = branch.get("id").asString();
        sql(branch, "INSERT INTO items VALUES (2)");
        Api.Response suspended = api.post("/api/v1/branches/" + branch.get("name").asString() + "/suspend", Map.of());

        assertThat(suspended.status()).as(String.valueOf(suspended.body())).isEqualTo(200);

        assertThat(cluster.pods().withLabel("offshoot.branch.id", id).list().getItems()).isEmpty();
        assertThat(cluster.persistentVolumeClaims().withLabel("offshoot.branch.id", id).list().getItems()).hasSize(1);
        assertThat(cluster.configMaps().withLabel("offshoot.branch.id", id).list().getItems()).hasSize(1);
        assertThat(api.get("/api/v1/branches/" + branch.get("name").asString()).body().get("status").asString())
                .isEqualTo("SUSPENDED");

        Api.Response woken = api.post("/api/v1/branches", request);

        assertThat(woken.status()).isEqualTo(200);
        assertThat(woken.body().get("status").asString()).isEqualTo("READY");
        assertThat(count(woken.body(), "SELECT count(*) FROM items")).isEqualTo(2);
        assertThat(cluster.pods().withLabel("offshoot.branch.id", id).list().getItems()).hasSize(1);
        assertThat(cluster.configMaps().withLabel("offshoot.branch.id", id).list().getItems()).isEmpty();
    }

    @Test
    void aTemplateBuildLeavesNeitherItsPodNorItsPasswordsSecret() {
        assertThat(cluster.pods().withLabel("offshoot.kind", "template-build").list().getItems()).isEmpty();
        assertThat(cluster.secrets().withLabel("offshoot.kind", "template-build").list().getItems()).isEmpty();
        var snapshots = new ResourceDefinitionContext.Builder()
                .withGroup("snapshot.storage.k8s.io").withVersion("v1").withKind("VolumeSnapshot")
                .withPlural("volumesnapshots").withNamespaced(true).build();
        assertThat(cluster.genericKubernetesResources(snapshots).withLabel("offshoot.template", template).list()
                .getItems()).as("the revision's snapshot").isNotEmpty();
    }
}
