package dev.offshoot.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.offshoot.Scrape;
import dev.offshoot.config.StorageProperties;

/** The storage path's file system as free and used bytes; no figure while the path is missing. */
class StorageGaugesTest {

    @Test
    void freeAndUsedBytesOfTheStoragePathsFileSystem(@TempDir Path dir) throws Exception {
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new StorageGauges(new StorageProperties("auto", dir), meters);

        Scrape scrape = new Scrape(meters.scrape());

        var store = Files.getFileStore(dir);
        assertThat(scrape.value("offshoot_storage_free_bytes")).isPositive()
                .isLessThanOrEqualTo((double) store.getTotalSpace());
        assertThat(scrape.value("offshoot_storage_used_bytes")).isPositive()
                .isLessThanOrEqualTo((double) store.getTotalSpace());
    }

    @Test
    void aMissingPathHasNoFigure(@TempDir Path dir) {
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new StorageGauges(new StorageProperties("auto", dir.resolve("not-there")), meters);

        assertThat(meters.scrape()).contains("offshoot_storage_free_bytes NaN");
    }
}
