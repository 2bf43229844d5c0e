package dev.offshoot.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

/** A pull's stream of per-layer statuses becomes one line in the log now and then. */
class PullProgressTest {

    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    static final long MB = 1024 * 1024;

    final PullProgress progress = new PullProgress("postgres:15", Duration.ofSeconds(5), T0);

    @Test
    void sumsLayersAndBytesIntoOneLine() {
        progress.update("a", "Pulling fs layer", null, null, T0);
        progress.update("b", "Already exists", null, null, T0);
        progress.update("a", "Downloading", 10 * MB, 40 * MB, T0);

        assertThat(progress.summary()).isEqualTo("pulling postgres:15: 1 of 2 layers done, 10 of 40 MB downloaded");

        progress.update("a", "Download complete", null, null, T0);
        progress.update("a", "Pull complete", null, null, T0);

        assertThat(progress.summary()).isEqualTo("pulling postgres:15: 2 of 2 layers done, 40 of 40 MB downloaded");
    }

    @Test
    void logsAtMostOncePerInterval() {
        assertThat(progress.update("a", "Downloading", 1L, 2L, T0.plusSeconds(1))).isEmpty();
        assertThat(progress.update("a", "Downloading", 2L, 2L, T0.plusSeconds(5))).isPresent();
        assertThat(progress.update("a", "Download complete", null, null, T0.plusSeconds(9))).isEmpty();
        assertThat(progress.update(null, "Digest: sha256:00", null, null, T0.plusSeconds(10))).isPresent();
    }

    @Test
    void theRepositoryLineIsNoLayer() {
        progress.update("15", "Pulling from library/postgres", null, null, T0);

        assertThat(progress.summary()).isEqualTo("pulling postgres:15: 0 of 0 layers done, 0 of 0 MB downloaded");
    }
}
