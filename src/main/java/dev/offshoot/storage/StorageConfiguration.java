package dev.offshoot.storage;

import java.util.Map;
import java.util.Optional;

import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.offshoot.config.KubernetesProperties;
import dev.offshoot.config.RuntimeProperties;
import dev.offshoot.config.StorageProperties;
import dev.offshoot.runtime.ContainerRuntime;
import dev.offshoot.runtime.ImageStore;
import dev.offshoot.runtime.kubernetes.KubernetesClients;

/**
 * Chooses the storage driver at startup: {@code auto} proves reflink with a real copy in the
 * storage path and falls back to overlay; {@code reflink} without a working copy stops the service
 * with the reason. The log line and the {@code storage} health contributor say which and why.
 */
@Configuration(proxyBeanMethods = false)
class StorageConfiguration {

    private static final Logger log = LoggerFactory.getLogger(StorageConfiguration.class);

    @Bean
    @ConditionalOnProperty(name = "offshoot.runtime.type", havingValue = "kubernetes")
    Storage csiStorage(KubernetesClients clients, KubernetesProperties kubernetes, RuntimeProperties runtimeProperties) {
        CsiSnapshotDriver csi = new CsiSnapshotDriver(new VolumeSnapshots(clients.client(), clients.namespace(),
                kubernetes, runtimeProperties.instanceId()), runtimeProperties.instanceId());
        Storage storage = Storage.csiOnly(csi, "offshoot.runtime.type=kubernetes: claims and VolumeSnapshots of"
                + " storage class '" + orDefault(kubernetes.storageClass()) + "', snapshot class '"
                + orDefault(kubernetes.volumeSnapshotClass()) + "' in namespace " + clients.namespace());
        log.info("storage driver {}: {}", csi.name(), storage.reason());
        return storage;
    }

    private static String orDefault(String name) {
        return name.isBlank() ? "(the cluster's default)" : name;
    }

    @Bean
    @ConditionalOnProperty(name = "offshoot.runtime.type", havingValue = "docker", matchIfMissing = true)
    Storage storage(StorageProperties properties, RuntimeProperties runtimeProperties, ContainerRuntime runtime,
            ImageStore images, MeterRegistry meters) {
        OverlayDriver overlay = new OverlayDriver(images, runtimeProperties.instanceId());
        ReflinkDriver reflink = new ReflinkDriver(new StoragePaths(properties.path(), runtimeProperties.instanceId()),
                runtime, meters);
        Storage storage = choose(properties, overlay, reflink);
        log.info("storage driver {}: {}", storage.active().name(), storage.reason());
        return storage;
    }

    static Storage choose(StorageProperties properties, OverlayDriver overlay, ReflinkDriver reflink) {
        String driver = properties.driver().strip().toLowerCase(java.util.Locale.ROOT);
        return switch (driver) {
            case OverlayDriver.NAME -> new Storage(overlay, "configured (offshoot.storage.driver=overlay)", overlay,
                    reflink);
            case ReflinkDriver.NAME -> {
                Optional<String> failure = ReflinkProbe.failure(properties.path());
                if (failure.isPresent()) {
                    throw new IllegalStateException("offshoot.storage.driver=reflink, but " + failure.get()
                            + ". Put offshoot.storage.path on XFS (mkfs.xfs -m reflink=1) or btrfs"
                            + " (scripts/host/storage-volume.sh makes a loop-mounted volume), or use driver auto or"
                            + " overlay");
                }
                yield new Storage(reflink, "configured, and a reflink copy in " + properties.path() + " works",
                        overlay, reflink);
            }
            case "auto" -> ReflinkProbe.failure(properties.path())
                    .map(why -> new Storage(overlay, "auto: " + why, overlay, reflink))
                    .orElseGet(() -> new Storage(reflink, "auto: a reflink copy in " + properties.path() + " works",
                            overlay, reflink));
            default -> throw new IllegalStateException("offshoot.storage.driver must be auto, overlay or reflink, not '"
                    + properties.driver() + "'");
        };
    }

    /** {@code /actuator/health/storage}: which driver runs and why. */
    @Bean
    HealthIndicator storageHealthIndicator(Storage storage) {
        return () -> Health.up().withDetails(Map.of("driver", storage.active().name(), "reason", storage.reason()))
                .build();
    }
}
