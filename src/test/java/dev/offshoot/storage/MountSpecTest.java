package dev.offshoot.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.offshoot.instance.Resources;
import dev.offshoot.runtime.ContainerSpec;
import dev.offshoot.storage.StorageDriver.Mount;

/** Features hand a driver's Mount to the runtime as a spec; the data's image, bind and PGDATA come with it. */
class MountSpecTest {

    @Test
    void aReflinkBranchRunsTheBaseImageOnItsBoundDirectoryUnderItsKey() {
        ContainerSpec spec = new Mount("base:15", "/var/lib/offshoot/storage/b1").keyedInstance("n", "key-1", "/pg")
                .withLabels(Map.of("l", "v")).withResources(new Resources(1024, 2));

        assertThat(spec.image()).isEqualTo("base:15");
        assertThat(spec.instanceKey()).isEqualTo("key-1");
        assertThat(spec.volumeBinds()).containsExactly(Map.entry("/var/lib/offshoot/storage/b1", "/pg"));
        assertThat(spec.env()).containsExactly(Map.entry("PGDATA", "/pg"));
        assertThat(spec.labels()).containsExactly(Map.entry("l", "v"));
        assertThat(spec.resources()).isEqualTo(new Resources(1024, 2));
        assertThat(spec.restartOnEngineRestart()).isTrue();
    }

    @Test
    void anOverlayBuildRunsTheImageThatHoldsTheDataAndTheCallersEnvironmentWins() {
        ContainerSpec spec = new Mount("tpl:1", null).buildInstance("b", "/pg", "127.0.0.1")
                .withEnv(Map.of("PGDATA", "/other", "POSTGRES_PASSWORD", "s"));

        assertThat(spec.image()).isEqualTo("tpl:1");
        assertThat(spec.instanceKey()).isNull();
        assertThat(spec.hostPort()).isZero();
        assertThat(spec.volumeBinds()).isEmpty();
        assertThat(spec.env()).containsEntry("PGDATA", "/other").containsEntry("POSTGRES_PASSWORD", "s");
        assertThat(spec.restartOnEngineRestart()).isFalse();
    }
}
