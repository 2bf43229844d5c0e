package dev.offshoot.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

import dev.offshoot.Api;
import dev.offshoot.IntegrationTest;

/** With the Docker engine unreachable the service still answers, with a retryable 503. */
@TestPropertySource(properties = "offshoot.runtime.docker-host=unix:///tmp/offshoot-no-such-engine.sock")
class EngineUnreachableIT extends IntegrationTest {

    @LocalServerPort
    int port;

    @Test
    void creatingATemplateWithoutAnEngineIsRetryable503() {
        Api.Response response = new Api(port, ADMIN_TOKEN).post("/api/v1/templates", Map.of("name", "no-engine"));

        assertThat(response.status()).isEqualTo(503);
        assertThat(response.code()).isEqualTo("RUNTIME_UNAVAILABLE");
        assertThat(response.body().get("retryable").asBoolean()).isTrue();
        assertThat(new Api(port, ADMIN_TOKEN).get("/api/v1/templates/no-engine").status()).isEqualTo(404);
    }
}
