package dev.offshoot.runtime;

import static dev.offshoot.branch.BranchTestSupport.count;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.HostConfig;

import dev.offshoot.Api;
import dev.offshoot.IntegrationTest;
import dev.offshoot.TestDocker;
import tools.jackson.databind.JsonNode;

/** Every branch runs boxed: memory, pids, CPU shares, no new privileges, few capabilities. */
class ContainerLimitsIT extends IntegrationTest {

    static final long MIB = 1024L * 1024;

    @LocalServerPort
    int port;

    Api api;
    String template;

    @BeforeEach
    void client() {
        api = new Api(port, ADMIN_TOKEN);
        template = "boxed-" + suffix();
        assertThat(api.post("/api/v1/templates", Map.of("name", template)).status()).isEqualTo(201);
    }

    @Test
    void dockerInspectShowsTheDefaultLimitsOnABranch() throws Exception {
        JsonNode branch = api.post("/api/v1/branches", Map.of("name", "b-" + suffix(), "template", template)).body();

        HostConfig box = hostConfigOf(branch);

        assertThat(box.getMemory()).isEqualTo(1024 * MIB);
        assertThat(box.getMemorySwap()).isEqualTo(1024 * MIB);
        assertThat(box.getPidsLimit()).isEqualTo(512L);
        assertThat(box.getCpuShares()).isEqualTo(1024);
        assertThat(box.getSecurityOpts()).contains("no-new-privileges");
        assertThat(box.getCapDrop()).containsExactly(Capability.ALL);
        assertThat(box.getCapAdd()).containsExactlyInAnyOrder(Capability.CHOWN, Capability.DAC_OVERRIDE,
                Capability.FOWNER, Capability.SETGID, Capability.SETUID);
        assertThat(count(branch, "SELECT 1")).isEqualTo(1);
    }

    @Test
    void aBranchMayAskForOtherResourcesAndKeepsThemAcrossAReset() throws Exception {
        String name = "r-" + suffix();
        JsonNode branch = api.post("/api/v1/branches", Map.of("name", name, "template", template,
                "resources", Map.of("memory", "256MB", "cpuShares", 512))).body();

        JsonNode reset = api.post("/api/v1/branches/" + name + "/reset", null).body();

        assertThat(hostConfigOf(branch).getMemory()).isEqualTo(256 * MIB);
        HostConfig afterReset = hostConfigOf(reset);
        assertThat(afterReset.getMemory()).isEqualTo(256 * MIB);
        assertThat(afterReset.getCpuShares()).isEqualTo(512);
        assertThat(count(reset, "SELECT 1")).isEqualTo(1);
    }

    @Test
    void resourcesAboveTheMaximumOrMalformedAreRefused() {
        Api.Response tooMuch = api.post("/api/v1/branches", Map.of("name", "m-" + suffix(), "template", template,
                "resources", Map.of("memory", "64GB")));
        Api.Response tooManyShares = api.post("/api/v1/branches", Map.of("name", "s-" + suffix(), "template",
                template, "resources", Map.of("cpuShares", 100_000)));
        Api.Response malformed = api.post("/api/v1/branches", Map.of("name", "x-" + suffix(), "template", template,
                "resources", Map.of("memory", "lots")));

        assertThat(tooMuch.status()).isEqualTo(422);
        assertThat(tooMuch.code()).isEqualTo("RESOURCES_OVER_LIMIT");
        assertThat(tooManyShares.code()).isEqualTo("RESOURCES_OVER_LIMIT");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.code()).isEqualTo("INVALID_RESOURCES");
    }

    @Test
    void aBranchWithTooLittleMemoryFailsSayingSoAndLeavesNothing() {
        String name = "tiny-" + suffix();

        Api.Response tiny = api.post("/api/v1/branches", Map.of("name", name, "template", template,
                "resources", Map.of("memory", "8MB")));

        assertThat(tiny.status()).as(String.valueOf(tiny.body())).isGreaterThanOrEqualTo(500);
        assertThat(tiny.body().get("detail").asString()).contains("out of memory (limit 8 MiB)");
        assertThat(api.get("/api/v1/branches/" + name).status()).isEqualTo(404);
        assertThat(TestDocker.containersOf(INSTANCE_ID))
                .noneMatch(c -> name.equals(c.getLabels().get(Labels.BRANCH_NAME)));
    }

    private static HostConfig hostConfigOf(JsonNode branch) {
        String name = branch.get("name").asString();
        String id = TestDocker.containersOf(INSTANCE_ID).stream()
                .filter(c -> name.equals(c.getLabels().get(Labels.BRANCH_NAME))).findFirst().orElseThrow().getId();
        return TestDocker.client().inspectContainerCmd(id).exec().getHostConfig();
    }

    static String suffix() {
        return UUID.randomUUID().toString().substring(0, 6);
    }
}
