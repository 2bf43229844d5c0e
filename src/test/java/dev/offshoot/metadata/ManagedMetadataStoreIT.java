package dev.offshoot.metadata;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

import com.github.dockerjava.api.model.Container;

import dev.offshoot.IntegrationTest;
import dev.offshoot.OffshootApplication;
import dev.offshoot.TestDocker;

/** With no datasource configured, the service runs its own metadata Postgres and keeps its data. */
class ManagedMetadataStoreIT {

    private final String name = "offshoot-it-meta-" + UUID.randomUUID().toString().substring(0, 8);

    @Test
    void startsALabelledContainerWithANamedVolumeAndKeepsDataWhenTheContainerIsReplaced() {
        String firstContainer;
        try (ConfigurableApplicationContext app = start()) {
            JdbcClient jdbc = JdbcClient.create(app.getBean(javax.sql.DataSource.class));
            assertThat(jdbc.sql("SELECT count(*) FROM flyway_schema_history WHERE success").query(Long.class).single())
                    .isPositive();
            jdbc.sql("INSERT INTO template (id, name, database_name, owner_role, superuser_password, source_type,"
                    + " created_by, created_at, version, postgres_version) VALUES (gen_random_uuid(), 'marker', 'app',"
                    + " 'app', 'x', 'EMPTY', 'test', now(), 0, 17)").update();
            firstContainer = metadataContainer().getId();
            assertThat(metadataContainer().getLabels()).containsEntry("offshoot.kind", "metadata");
        }
        TestDocker.client().removeContainerCmd(firstContainer).withForce(true).exec();

        try (ConfigurableApplicationContext app = start()) {
            JdbcClient jdbc = JdbcClient.create(app.getBean(javax.sql.DataSource.class));
            assertThat(jdbc.sql("SELECT count(*) FROM template WHERE name = 'marker'").query(Long.class).single())
                    .isEqualTo(1);
            assertThat(metadataContainer().getId()).isNotEqualTo(firstContainer);
        }
    }

    private ConfigurableApplicationContext start() {
        // as arguments: application.yml's own settings (server.port: 8080) win over default properties,
        // and a service a developer runs on 8080 would fail this test
        return new SpringApplicationBuilder(OffshootApplication.class).run(
                "--server.port=0",
                "--offshoot.gateway.port=0",
                "--offshoot.metadata.container-name=" + name,
                "--offshoot.metadata.volume-name=" + name,
                "--offshoot.metadata.port=23491",
                "--offshoot.runtime.base-image=" + IntegrationTest.BASE_IMAGE,
                "--offshoot.postgres.images.15=" + IntegrationTest.BASE_IMAGE,
                "--offshoot.postgres.images.17=" + IntegrationTest.BASE_IMAGE_17,
                "--offshoot.runtime.instance-id=" + name,
                "--offshoot.auth.admin-token=unused");
    }

    private Container metadataContainer() {
        return TestDocker.client().listContainersCmd().withShowAll(true)
                .withNameFilter(java.util.List.of(name)).exec().stream()
                .filter(c -> c.getNames()[0].equals("/" + name)).findFirst().orElseThrow();
    }

    @AfterEach
    void removeContainerAndVolume() {
        TestDocker.client().listContainersCmd().withShowAll(true).withNameFilter(java.util.List.of(name)).exec()
                .forEach(c -> TestDocker.client().removeContainerCmd(c.getId()).withForce(true).exec());
        try {
            TestDocker.client().removeVolumeCmd(name).exec();
        } catch (RuntimeException ignored) {
            // never created
        }
    }
}
