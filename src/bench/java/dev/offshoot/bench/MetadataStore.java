package dev.offshoot.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;

/** One metadata Postgres for the whole run (as the integration tests use), a database per service. */
final class MetadataStore implements AutoCloseable {

    private final PostgreSQLContainer container = new PostgreSQLContainer(
            DockerImageName.parse(Benchmark.BASE_IMAGE).asCompatibleSubstituteFor("postgres"))
            .withLabel("offshoot.bench", "metadata")
            .withCommand("postgres", "-c", "fsync=off");

    MetadataStore start() {
        container.start();
        return this;
    }

    String newDatabase(String name) {
        try (Connection c = DriverManager.getConnection(container.getJdbcUrl(), user(), password());
                Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return container.getJdbcUrl().replaceFirst("/[^/?]+(\\?|$)", "/" + name + "$1");
    }

    String user() {
        return container.getUsername();
    }

    String password() {
        return container.getPassword();
    }

    @Override
    public void close() {
        container.stop();
    }
}
