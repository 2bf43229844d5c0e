package dev.offshoot.branch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

import dev.offshoot.Api;
import dev.offshoot.IntegrationTest;

/**
 * The direct form of before the gateway (offshoot.runtime.publish-host-ports, kept for one release):
 * a range of a single port, which the second branch finds exhausted until the first is deleted.
 */
@TestPropertySource(properties = {"offshoot.runtime.port-range-start=23450", "offshoot.runtime.port-range-end=23450",
        "offshoot.runtime.publish-host-ports=true"})
class PortRangeIT extends IntegrationTest {

    @LocalServerPort
    int port;

    @Test
    void exhaustedRangeIsA503AndDeletingReleasesThePort() {
        Api api = new Api(port, ADMIN_TOKEN);
        String template = "ports-" + suffix();
        api.post("/api/v1/templates", Map.of("name", template));
        String first = "first-" + suffix();
        String second = "second-" + suffix();
        assertThat(api.post("/api/v1/branches", Map.of("name", first, "template", template)).status()).isEqualTo(201);

        Api.Response exhausted = api.post("/api/v1/branches", Map.of("name", second, "template", template));

        assertThat(exhausted.status()).isEqualTo(503);
        assertThat(exhausted.code()).isEqualTo("PORT_RANGE_EXHAUSTED");
        assertThat(exhausted.body().get("retryable").asBoolean()).isTrue();
        assertThat(api.get("/api/v1/branches/" + second).status()).isEqualTo(404);

        assertThat(api.delete("/api/v1/branches/" + first).status()).isEqualTo(204);
        Api.Response retried = api.post("/api/v1/branches", Map.of("name", second, "template", template));
        assertThat(retried.status()).isEqualTo(201);
        assertThat(retried.body().get("connection").get("port").asInt()).isEqualTo(23450);
    }

    static String suffix() {
        return UUID.randomUUID().toString().substring(0, 6);
    }
}
