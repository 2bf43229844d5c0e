package dev.offshoot.bench;

import java.nio.file.Path;
import java.util.Optional;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import dev.offshoot.Api;
import dev.offshoot.OffshootApplication;
import dev.offshoot.TestDocker;
import tools.jackson.databind.JsonNode;

/**
 * The service in this JVM for one storage driver, against its own metadata database and with an
 * instance id of its own, so that closing it removes exactly what it made.
 */
final class BenchService implements AutoCloseable {

    final String driver;
    final String instanceId;
    final Api api;
    private final ConfigurableApplicationContext context;

    private BenchService(String driver, String instanceId, ConfigurableApplicationContext context) {
        this.driver = driver;
        this.instanceId = instanceId;
        this.context = context;
        this.api = Api.concurrent(Integer.parseInt(context.getEnvironment().getProperty("local.server.port")),
                Benchmark.TOKEN);
    }

    static BenchService start(String driver, String instanceId, MetadataStore store) {
        ConfigurableApplicationContext context = new SpringApplicationBuilder(OffshootApplication.class)
                .properties("server.port=0")
                .run("--spring.datasource.url=" + store.newDatabase(instanceId),
                        "--spring.datasource.username=" + store.user(),
                        "--spring.datasource.password=" + store.password(),
                        "--offshoot.auth.admin-token=" + Benchmark.TOKEN,
                        "--offshoot.runtime.instance-id=" + instanceId,
                        "--offshoot.runtime.base-image=" + Benchmark.BASE_IMAGE,
                        "--offshoot.postgres.images.15=" + Benchmark.BASE_IMAGE,
                        "--offshoot.postgres.images.17=" + Benchmark.BASE_IMAGE_17,
                        "--offshoot.gateway.port=0", "--offshoot.gateway.idle-suspend=0",
                        "--offshoot.quota.max-live-branches=0", "--offshoot.quota.max-live-branches-per-creator=0",
                        "--offshoot.storage.driver=" + driver,
                        "--management.endpoint.health.show-details=always",
                        "--management.endpoint.health.show-components=always",
                        "--logging.level.root=WARN", "--spring.main.banner-mode=off");
        return new BenchService(driver, instanceId, context);
    }

    /**
     * Why this run cannot measure its driver, or empty when it can: the health endpoint names the
     * driver that runs. A build without storage drivers has only today's image layers (overlay).
     */
    Optional<String> unavailable() {
        JsonNode health = api.get("/actuator/health").body();
        JsonNode storage = health == null || health.get("components") == null ? null
                : health.get("components").get("storage");
        if (storage == null) {
            return driver.equals("overlay") ? Optional.empty()
                    : Optional.of("offshoot.storage.driver is not in this build");
        }
        JsonNode details = storage.get("details");
        String running = details == null || details.get("driver") == null ? "?" : details.get("driver").asString();
        if (running.equals(driver)) {
            return Optional.empty();
        }
        String reason = details == null || details.get("reason") == null ? "" : ": " + details.get("reason").asString();
        return Optional.of(running + " runs instead" + reason);
    }

    /**
     * The PGDATA directory of a template's latest revision when the reflink driver holds it; empty
     * when an image holds the data (overlay).
     */
    Optional<Path> revisionData(String template) {
        String relative = context.getBean(JdbcTemplate.class).queryForObject("SELECT r.data_path"
                + " FROM template_revision r JOIN template t ON t.id = r.template_id WHERE t.name = ?"
                + " ORDER BY r.revision DESC LIMIT 1", String.class, template);
        return Optional.ofNullable(relative)
                .map(r -> Path.of(context.getEnvironment().getRequiredProperty("offshoot.storage.path")).resolve(r));
    }

    @Override
    public void close() {
        try {
            context.close();
        } finally {
            TestDocker.removeEverythingOf(instanceId);
        }
    }
}
