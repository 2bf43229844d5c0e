package dev.offshoot.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import dev.offshoot.error.OffshootException;

/** Which PostgreSQL majors a template may name, the default one, and the image of each. */
class PostgresPropertiesTest {

    static PostgresProperties bind(Map<String, String> settings) {
        return new Binder(new MapConfigurationPropertySource(settings)).bindOrCreate("offshoot.postgres",
                PostgresProperties.class);
    }

    @Test
    void aFreshInstallRunsTheNewestSupportedMajorOnTheOfficialImages() {
        PostgresProperties defaults = bind(Map.of());

        assertThat(defaults.defaultVersion()).isEqualTo(17);
        assertThat(defaults.supported()).containsExactly(15, 17);
        assertThat(defaults.supported().last()).isEqualTo(defaults.defaultVersion());
        assertThat(defaults.image(15)).isEqualTo("postgres:15");
        assertThat(defaults.image(17)).isEqualTo("postgres:17");
        assertThat(defaults.choose(null)).isEqualTo(17);
        assertThat(defaults.choose(15)).isEqualTo(15);
    }

    @Test
    void imagesAndTheDefaultMajorAreSettings() {
        PostgresProperties local = bind(Map.of("offshoot.postgres.default-version", "15",
                "offshoot.postgres.images.15", "offshoot/postgres:15-local",
                "offshoot.postgres.images.16", "registry.example/pg:16"));

        assertThat(local.choose(null)).isEqualTo(15);
        assertThat(local.supported()).containsExactly(15, 16);
        assertThat(local.image(16)).isEqualTo("registry.example/pg:16");
    }

    @Test
    void anUnsupportedMajorIsInvalidWithAStableCodeNamingTheSupportedOnes() {
        PostgresProperties defaults = bind(Map.of());

        for (int major : new int[] {14, 16, 18, -1}) {
            assertThatThrownBy(() -> defaults.choose(major)).isInstanceOfSatisfying(OffshootException.class, e -> {
                assertThat(e.code()).isEqualTo("UNSUPPORTED_POSTGRES_VERSION");
                assertThat(e.kind()).isEqualTo(OffshootException.Kind.INVALID);
                assertThat(e.getMessage()).contains(String.valueOf(major), "15, 17");
            });
        }
        assertThatThrownBy(() -> defaults.image(16)).isInstanceOf(OffshootException.class);
    }

    @Test
    void aDefaultMajorWithoutAnImageStopsTheServiceAtStart() {
        assertThatThrownBy(() -> bind(Map.of("offshoot.postgres.default-version", "16")))
                .isInstanceOf(BindException.class).rootCause().hasMessageContaining("default-version 16");
        assertThatThrownBy(() -> bind(Map.of("offshoot.postgres.images.9", "postgres:9")))
                .isInstanceOf(BindException.class).rootCause().hasMessageContaining("10 or newer");
    }
}
