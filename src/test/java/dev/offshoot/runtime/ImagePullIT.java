package dev.offshoot.runtime;

import static dev.offshoot.IntegrationTest.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import com.github.dockerjava.api.exception.NotFoundException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import dev.offshoot.Api;
import dev.offshoot.IntegrationTest;
import dev.offshoot.TestDocker;

/**
 * A base image the engine lacks is pulled before anything is made from it; here no registry can
 * give it (a registry address nothing listens on), so the pull fails: the answer names the image,
 * the setting and the local build, and the failed create leaves no template, container, data
 * directory or image. A store and an instance id of its own, for a base image no other class uses.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestPropertySource(properties = {"offshoot.runtime.port-range-start=24800", "offshoot.runtime.port-range-end=24809",
        "offshoot.runtime.pull-timeout=60s"})
class ImagePullIT {

    static final String INSTANCE = "pull" + UUID.randomUUID().toString().substring(0, 8);
    static final String NEVER_PUSHED = "127.0.0.1:9/offshoot-it/never-pushed:" + INSTANCE;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        IntegrationTest.isolated(registry, "pull", INSTANCE, NEVER_PUSHED);
    }

    @LocalServerPort
    int port;

    @AfterAll
    static void removeInstance() {
        TestDocker.removeEverythingOf(INSTANCE);
    }

    @Test
    void aBaseImageThatCannotBePulledFailsTheTemplateCleanlyNamingTheSettingAndTheLocalBuild() throws IOException {
        Api api = new Api(port, ADMIN_TOKEN);
        String name = "pulled-" + INSTANCE;

        Api.Response response = api.post("/api/v1/templates", Map.of("name", name));

        assertThat(response.status()).isEqualTo(502);
        assertThat(response.code()).isEqualTo("IMAGE_PULL_FAILED");
        assertThat(response.body().get("retryable").asBoolean()).isFalse();
        assertThat(response.body().get("image").asString()).isEqualTo(NEVER_PUSHED);
        assertThat(response.body().get("setting").asString()).isEqualTo("offshoot.postgres.images.17");
        assertThat(response.body().get("detail").asString())
                .contains(NEVER_PUSHED, "pulling it failed", "scripts/image/build-pg-image.sh");
        assertThat(api.get("/api/v1/templates/" + name).code()).isEqualTo("TEMPLATE_NOT_FOUND");
        assertThat(TestDocker.containersOf(INSTANCE)).isEmpty();
        assertThatThrownBy(() -> TestDocker.client().inspectImageCmd(NEVER_PUSHED).exec())
                .isInstanceOf(NotFoundException.class);
        assertThat(revisionDirectories()).isEmpty();
    }

    private static Stream<Path> revisionDirectories() throws IOException {
        Path templates = TestDocker.storagePath().resolve(INSTANCE).resolve("templates");
        if (!Files.isDirectory(templates)) {
            return Stream.empty();
        }
        try (Stream<Path> files = Files.walk(templates)) {
            return files.filter(p -> p.getFileName().toString().startsWith("r")).toList().stream();
        }
    }
}
