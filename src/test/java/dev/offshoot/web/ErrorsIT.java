package dev.offshoot.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.offshoot.Api;
import dev.offshoot.IntegrationTest;
import dev.offshoot.TestDocker;
import tools.jackson.databind.JsonNode;

/** Bad input gets problem details with a stable code, and a failed create leaves nothing behind. */
class ErrorsIT extends IntegrationTest {

    @LocalServerPort
    int port;

    Api api;

    @BeforeEach
    void client() {
        api = new Api(port, ADMIN_TOKEN);
    }

    @Test
    void everyApiCallNeedsTheBearerToken() {
        Api.Response missing = new Api(port, null).get("/api/v1/branches");
        Api.Response wrong = new Api(port, "not-the-token").get("/api/v1/templates");

        assertThat(missing.status()).isEqualTo(401);
        assertThat(missing.code()).isEqualTo("UNAUTHORIZED");
        assertThat(missing.headers().getFirst("WWW-Authenticate")).isEqualTo("Bearer");
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.body().toString()).doesNotContain("not-the-token");
        assertThat(new Api(port, null).get("/actuator/health").status()).isEqualTo(200);
    }

    @Test
    void anAnonymousHealthProbeLearnsTheStatusButNotTheStoragePathOrDiskSizes() {
        var anonymous = new Api(port, null).get("/actuator/health");
        var admin = api.get("/actuator/health");

        assertThat(anonymous.status()).isEqualTo(200);
        assertThat(anonymous.body().has("status")).isTrue();
        assertThat(anonymous.body().has("components")).isFalse();
        assertThat(admin.body().get("components").get("storage").get("details").has("driver")).isTrue();
    }

    @Test
    void invalidNamesAreRejectedWithTheRule() {
        for (String bad : new String[] {"UPPER", "-leading", "trailing-", "under_score", "a".repeat(64), ""}) {
            Api.Response response = api.post("/api/v1/branches", Map.of("name", bad, "template", "whatever"));
            assertThat(response.status()).as(bad).isEqualTo(400);
            assertThat(response.code()).as(bad).isEqualTo("INVALID_NAME");
            assertThat(response.body().get("retryable").asBoolean()).isFalse();
        }
        assertThat(api.post("/api/v1/templates", Map.of("name", "ok-" + suffix(), "database", "Bad-Name")).code())
                .isEqualTo("INVALID_NAME");
    }

    @Test
    void unknownParentsAreNotFound() {
        assertThat(api.post("/api/v1/branches", Map.of("name", "x-" + suffix(), "template", "nope-" + suffix())).code())
                .isEqualTo("TEMPLATE_NOT_FOUND");
        assertThat(api.post("/api/v1/branches", Map.of("name", "x-" + suffix(), "fromBranch", "nope-" + suffix())).code())
                .isEqualTo("BRANCH_NOT_FOUND");
        assertThat(api.post("/api/v1/branches", Map.of("name", "x-" + suffix())).code()).isEqualTo("INVALID_PARENT");
    }

    @Test
    void malformedRequestsGetProblemDetails() {
        Api.Response badTtl = api.post("/api/v1/branches", Map.of("name", "t-" + suffix(), "template", "t",
                "ttl", "soon"));
        Api.Response badUrl = api.post("/api/v1/templates", Map.of("name", "u-" + suffix(), "sourceUrl", "mysql://x"));
        Api.Response unknownPath = api.get("/api/v1/nothing-here");

        assertThat(badTtl.code()).isEqualTo("INVALID_EXPIRY");
        assertThat(badUrl.code()).isEqualTo("INVALID_SOURCE");
        assertThat(unknownPath.status()).isEqualTo(404);
        assertThat(unknownPath.code()).isEqualTo("NOT_FOUND");
    }

    @Test
    void aMissingRevisionFailsTheCreateAndLeavesNoRowContainerOrPort() throws Exception {
        String template = "vanishing-" + suffix();
        JsonNode revision = api.post("/api/v1/templates", Map.of("name", template)).body().get("revisions").get(0);
        String expected;
        if (revision.get("storageDriver").asString().equals("overlay")) {
            TestDocker.client().removeImageCmd(revision.get("image").asString()).withForce(true).exec();
            expected = "IMAGE_NOT_FOUND";
        } else {
            // reflink: the revision's image is the shared base image; its data directory is what vanishes
            org.springframework.util.FileSystemUtils.deleteRecursively(TestDocker.storagePath().resolve(
                    revisionDataPath(template)));
            expected = "DATA_NOT_FOUND";
        }
        String name = "orphan-" + suffix();

        Api.Response response = api.post("/api/v1/branches", Map.of("name", name, "template", template));

        assertThat(response.status()).isEqualTo(500);
        assertThat(response.code()).isEqualTo(expected);
        assertThat(api.get("/api/v1/branches/" + name).code()).isEqualTo("BRANCH_NOT_FOUND");
        assertThat(api.get("/api/v1/branches?template=" + template).body().get("items")).isEmpty();
        assertThat(TestDocker.containersOf(INSTANCE_ID))
                .noneMatch(c -> name.equals(c.getLabels().get("offshoot.branch.name")));
    }

    static String suffix() {
        return UUID.randomUUID().toString().substring(0, 6);
    }
}
