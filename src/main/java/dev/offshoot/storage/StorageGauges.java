package dev.offshoot.storage;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

import dev.offshoot.config.StorageProperties;

/**
 * The file system of {@code offshoot.storage.path} (the reflink driver's revisions, snapshots and
 * branch data) as {@code offshoot.storage.free.bytes} (what new copies may still take) and
 * {@code offshoot.storage.used.bytes}, read on each scrape; NaN while the path does not exist.
 * With the overlay driver the data lives in the engine's own storage, which the engine reports.
 */
@Component
class StorageGauges {

    StorageGauges(StorageProperties properties, MeterRegistry meters) {
        Path path = properties.path();
        Gauge.builder("offshoot.storage.free.bytes", path, p -> measure(p, FileStore::getUsableSpace))
                .description("bytes still free for branch data on the storage path's file system")
                .baseUnit("bytes").register(meters);
        Gauge.builder("offshoot.storage.used.bytes", path,
                        p -> measure(p, store -> store.getTotalSpace() - store.getUnallocatedSpace()))
                .description("bytes in use on the storage path's file system").baseUnit("bytes").register(meters);
    }

    static double measure(Path path, Measure measure) {
        try {
            return Files.exists(path) ? measure.of(Files.getFileStore(path)) : Double.NaN;
        } catch (IOException e) {
            return Double.NaN;
        }
    }

    /** One figure of a file store. */
    interface Measure {
        long of(FileStore store) throws IOException;
    }
}
