package dev.offshoot.branch;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.offshoot.Api;
import dev.offshoot.IntegrationTest;
import dev.offshoot.TestDocker;
import static dev.offshoot.branch.BranchTestSupport.*;
import tools.jackson.databind.JsonNode;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BranchLifecycleIT extends IntegrationTest {

    @LocalServerPort
    int port;

    Api api;
    String template;

    @BeforeAll
    void createTemplateWithATable() {
        api = new Api(port, ADMIN_TOKEN);
        template = "lifecycle-" + suffix();
        Api.Response created = api.postSql("/api/v1/templates", Map.of("name", template), Map.of("seed.sql",
                "CREATE TABLE items (id int primary key, label text); INSERT INTO items VALUES (1, 'template');"
                        .getBytes()));
        assertThat(created.status()).as(String.valueOf(created.body())).isEqualTo(201);
    }

    @Test
    void writeInABranchIsInvisibleToItsTemplateAndToASibling() throws Exception {
        JsonNode a = createBranch("sib-a-" + suffix()).body();
        JsonNode b = createBranch("sib-b-" + suffix()).body();

        sql(a, "CREATE TABLE only_in_a (x int); INSERT INTO only_in_a VALUES (42)");

        assertThat(tables(a)).contains("only_in_a");
        assertThat(tables(b)).doesNotContain("only_in_a");
        JsonNode fresh = createBranch("fresh-" + suffix()).body();
        assertThat(tables(fresh)).doesNotContain("only_in_a");
    }

    @Test
    void resetKeepsConnectionStringAndDropsChanges() throws Exception {
        String name = "reset-" + suffix();
        JsonNode before = createBranch(name).body();
        sql(before, "CREATE TABLE scratch (x int)");

        Api.Response reset = api.post("/api/v1/branches/" + name + "/reset", null);

        assertThat(reset.status()).isEqualTo(200);
        if (onKubernetes()) {
            // the new Pod has a new address: the connection gateway, which routes by name, keeps the
            // string; until it stands in front of the Pods, the credentials and database stay
            for (String same : java.util.List.of("user", "password", "database")) {
                assertThat(reset.body().get("connection").get(same)).isEqualTo(before.get("connection").get(same));
            }
        } else {
            assertThat(reset.body().get("connection")).isEqualTo(before.get("connection"));
        }
        assertThat(tables(reset.body())).doesNotContain("scratch");
        assertThat(tables(before)).doesNotContain("scratch");
    }

    @Test
    void deleteLeavesNothingBehind() throws Exception {
        String name = "del-" + suffix();
        JsonNode branch = createBranch(name).body();
        String id = branch.get("id").asString();

        assertThat(api.delete("/api/v1/branches/" + name).status()).isEqualTo(204);

        assertThat(api.get("/api/v1/branches/" + name).code()).isEqualTo("BRANCH_NOT_FOUND");
        if (onKubernetes()) {
            var cluster = dev.offshoot.k8s.FakeCluster.shared().client();
            assertThat(cluster.pods().withLabel("offshoot.branch.id", id).list().getItems()).isEmpty();
            assertThat(cluster.persistentVolumeClaims().withLabel("offshoot.branch.id", id).list().getItems()).isEmpty();
            // a deleted Pod's container stops within its grace period, after the API has answered
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(TestDocker.containersOf(INSTANCE_ID))
                            .noneMatch(c -> id.equals(c.getLabels().get("offshoot.branch.id"))));
            return;
        }
        assertThat(TestDocker.containersOf(INSTANCE_ID))
                .noneMatch(c -> id.equals(c.getLabels().get("offshoot.branch.id")));
        // its connection string leads nowhere any more: the gateway knows no such branch
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> connect(branch).close())
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("3D000"));
    }

    @Test
    void createIsIdempotentForTheSameNameAndParent() {
        String name = "retry-" + suffix();
        Api.Response first = createBranch(name);
        Api.Response retry = createBranch(name);
        Api.Response otherParent = api.post("/api/v1/branches", Map.of("name", name, "fromBranch", name));

        assertThat(first.status()).isEqualTo(201);
        assertThat(first.body().get("created").asBoolean()).isTrue();
        assertThat(retry.status()).isEqualTo(200);
        assertThat(retry.body().get("created").asBoolean()).isFalse();
        assertThat(retry.body().get("connection")).isEqualTo(first.body().get("connection"));
        assertThat(otherParent.status()).isEqualTo(409);
        assertThat(otherParent.code()).isEqualTo("NAME_TAKEN");
    }

    @Test
    void branchOfABranchStartsFromItsDataAndIsIndependent() throws Exception {
        String parent = "parent-" + suffix();
        JsonNode p = createBranch(parent).body();
        sql(p, "INSERT INTO items VALUES (2, 'written in parent')");

        Api.Response child = api.post("/api/v1/branches", Map.of("name", "child-" + suffix(), "fromBranch", parent));
        assertThat(child.status()).isEqualTo(201);
        assertThat(child.body().get("parentBranch").asString()).isEqualTo(parent);
        assertThat(count(child.body(), "SELECT count(*) FROM items")).isEqualTo(2);

        sql(child.body(), "DELETE FROM items");
        assertThat(count(p, "SELECT count(*) FROM items")).isEqualTo(2);
    }

    @Test
    void listFiltersByLabelAndTemplate() {
        String name = "labelled-" + suffix();
        api.post("/api/v1/branches", Map.of("name", name, "template", template,
                "labels", Map.of("repo", "acme/shop", "pr", "123"), "ttl", "2h"));

        JsonNode byLabel = api.get("/api/v1/branches?label=repo=acme/shop&label=pr=123").body().get("items");
        JsonNode byTemplate = api.get("/api/v1/branches?template=" + template).body().get("items");

        assertThat(byLabel).extracting(n -> n.get("name").asString()).containsExactly(name);
        assertThat(byLabel.get(0).get("expiresAt").isNull()).isFalse();
        assertThat(byTemplate).extracting(n -> n.get("name").asString()).contains(name);
    }

    private Api.Response createBranch(String name) {
        Api.Response response = api.post("/api/v1/branches", Map.of("name", name, "template", template));
        assertThat(response.status()).as(String.valueOf(response.body())).isIn(200, 201);
        return response;
    }

    static String suffix() {
        return UUID.randomUUID().toString().substring(0, 6);
    }
}
