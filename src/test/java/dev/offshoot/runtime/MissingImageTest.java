package dev.offshoot.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.offshoot.config.RuntimeProperties;

/** Which missing images the service pulls, and which it reports as made on the machine. */
class MissingImageTest {

    final RuntimeProperties official = properties("postgres:15", "");

    @Test
    void theOfficialBaseImageIsPulledNamingItsSetting() {
        assertThat(MissingImage.of("postgres:15", official))
                .isEqualTo(new MissingImage.Pull("postgres:15", "postgres", "15", "offshoot.runtime.base-image"));
    }

    @Test
    void aToolsImageOfItsOwnIsPulledNamingThatSetting() {
        assertThat(MissingImage.of("postgres:17", properties("postgres:15", "postgres:17")))
                .isEqualTo(new MissingImage.Pull("postgres:17", "postgres", "17", "offshoot.runtime.tools-image"));
    }

    @Test
    void aMajorsBaseImageIsNamedByItsOwnSettingAndLocalBuild() {
        java.util.Map<Integer, String> majors = java.util.Map.of(15, "postgres:15", 17, "offshoot/postgres:17-local");

        assertThat(MissingImage.of("postgres:15", official, majors))
                .isEqualTo(new MissingImage.Pull("postgres:15", "postgres", "15", "offshoot.postgres.images.15"));
        MissingImage local = MissingImage.of("offshoot/postgres:17-local", official, majors);
        assertThat(local).isEqualTo(new MissingImage.MadeHere("offshoot/postgres:17-local", "offshoot.postgres.images.17"));
        assertThat(new ImageMissingException(local.image(), "offshoot.postgres.images.17").getMessage())
                .contains("scripts/image/build-pg-image.sh --major 17", "official postgres:17");
    }

    @Test
    void aRegistryWithAPortIsNotMistakenForATag() {
        assertThat(MissingImage.of("registry.example:5000/db/postgres", official))
                .isEqualTo(new MissingImage.Pull("registry.example:5000/db/postgres", "registry.example:5000/db/postgres",
                        "latest", null));
        assertThat(MissingImage.of("registry.example:5000/db/postgres:15.4", official))
                .isEqualTo(new MissingImage.Pull("registry.example:5000/db/postgres:15.4",
                        "registry.example:5000/db/postgres", "15.4", null));
    }

    @Test
    void aDigestIsPulledAsItIsWritten() {
        String pinned = "postgres@sha256:" + "a".repeat(64);
        assertThat(MissingImage.of(pinned, official)).isEqualTo(new MissingImage.Pull(pinned, pinned, null, null));
    }

    @Test
    void theLocalBuildIsNeverPulledFromAStrangersNamespace() {
        RuntimeProperties local = properties("offshoot/postgres:15-local", "");

        assertThat(MissingImage.of("offshoot/postgres:15-local", local))
                .isEqualTo(new MissingImage.MadeHere("offshoot/postgres:15-local", "offshoot.runtime.base-image"));
        assertThat(MissingImage.of("docker.io/Offshoot/postgres:15-local", local))
                .isInstanceOf(MissingImage.MadeHere.class);
    }

    @Test
    void revisionAndSnapshotImagesAreNeverPulled() {
        assertThat(MissingImage.of("offshoot/template-i1-shop:3", official))
                .isEqualTo(new MissingImage.MadeHere("offshoot/template-i1-shop:3", null));
        assertThat(MissingImage.of("sha256:" + "b".repeat(64), official)).isInstanceOf(MissingImage.MadeHere.class);
    }

    @Test
    void anotherNamespaceThatMerelyStartsAlikeIsPulled() {
        assertThat(MissingImage.of("offshootlabs/postgres:15", official)).isInstanceOf(MissingImage.Pull.class);
    }

    static RuntimeProperties properties(String baseImage, String toolsImage) {
        return new RuntimeProperties("", "i1", baseImage, toolsImage, "/pg", "", "127.0.0.1", "", false, "n", 25000, 25999,
                Duration.ofSeconds(60), Duration.ofSeconds(60), Duration.ofMinutes(30), Duration.ofMinutes(10));
    }
}
