package dev.offshoot;

import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;

import dev.offshoot.k8s.FakeCluster;

/**
 * Base of the integration tests: the whole service on a random port, a real metadata Postgres
 * (Testcontainers, from the locally built image) and the real Docker engine. Everything the
 * service creates carries this run's instance id, so runs sharing an engine stay apart.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestPropertySource(properties = {"offshoot.runtime.port-range-start=23100", "offshoot.runtime.port-range-end=23399",
        "offshoot.templates.allowed-source-hosts=localhost", "offshoot.gateway.port=0",
        "offshoot.gateway.idle-suspend=0"})
public abstract class IntegrationTest {

    public static final String ADMIN_TOKEN = "it-admin-" + UUID.randomUUID();
    public static final String INSTANCE_ID = "it" + UUID.randomUUID().toString().substring(0, 8);
    /** The local build of major 15 (scripts/prepare.sh): the metadata store's image and templates' of major 15. */
    public static final String BASE_IMAGE = System.getenv().getOrDefault("OFFSHOOT_BASE_IMAGE",
            "offshoot/postgres:15-local");
    /** The local build of major 17, the default major: templates of major 17. */
    public static final String BASE_IMAGE_17 = System.getenv().getOrDefault("OFFSHOOT_POSTGRES_17_IMAGE",
            "offshoot/postgres:17-local");

    public static final PostgreSQLContainer METADATA = new PostgreSQLContainer(
            DockerImageName.parse(BASE_IMAGE).asCompatibleSubstituteFor("postgres"))
            .withLabel("offshoot.test", "metadata")
            // every cached test context keeps a pool open against this one server
            .withCommand("postgres", "-c", "fsync=off", "-c", "max_connections=400");

    static {
        METADATA.start();
        Runtime.getRuntime().addShutdownHook(new Thread(METADATA::stop));
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", METADATA::getJdbcUrl);
        registry.add("spring.datasource.username", METADATA::getUsername);
        registry.add("spring.datasource.password", METADATA::getPassword);
        registry.add("offshoot.auth.admin-token", () -> ADMIN_TOKEN);
        registry.add("offshoot.runtime.instance-id", () -> INSTANCE_ID);
        registry.add("offshoot.runtime.base-image", () -> BASE_IMAGE);
        majors(registry, BASE_IMAGE_17);
        ownLeader(registry);
        smallIdlePool(registry);
        onKubernetesWhenAsked(registry);
    }

    /**
     * Templates of major 15 run the local build of 15, those of 17 (the default major) {@code image17}.
     * The default major is left to the product's default (offshoot.postgres.default-version).
     */
    private static void majors(DynamicPropertyRegistry registry, String image17) {
        registry.add("offshoot.postgres.images.15", () -> BASE_IMAGE);
        registry.add("offshoot.postgres.images.17", () -> image17);
    }

    /** Whether this run tests the Kubernetes runtime (the kubernetes failsafe execution sets it). */
    public static boolean onKubernetes() {
        return "kubernetes".equals(System.getProperty("offshoot.runtime.type"));
    }

    /**
     * With {@code offshoot.runtime.type=kubernetes}, the service runs its branches as Pods through
     * the API of {@link FakeCluster}: fabric8's mock API server, whose fake kubelet runs each Pod's
     * Postgres on the local Docker engine as the uid the base image's postgres has.
     */
    private static void onKubernetesWhenAsked(DynamicPropertyRegistry registry) {
        if (!onKubernetes()) {
            return;
        }
        registry.add("offshoot.kubernetes.kubeconfig", () -> FakeCluster.shared().kubeconfig());
        registry.add("offshoot.kubernetes.run-as-user", () -> TestDocker.postgresIds(BASE_IMAGE)[0]);
        registry.add("offshoot.kubernetes.run-as-group", () -> TestDocker.postgresIds(BASE_IMAGE)[1]);
        registry.add("offshoot.kubernetes.image-pull-policy", () -> "Never");
        registry.add("offshoot.kubernetes.service-host", FakeCluster::serviceHost);
    }

    /**
     * Every cached context is a service of its own against the one store and instance id, and runs
     * its own background jobs with its own settings (a watch interval, a pool size), as each did
     * before replicas elected one leader: each context is the one leader of a group of its own.
     */
    private static void ownLeader(DynamicPropertyRegistry registry) {
        String group = "context-" + UUID.randomUUID().toString().substring(0, 8);
        registry.add("offshoot.replicas.group", () -> group);
    }

    /**
     * Spring keeps the contexts of earlier test classes, each with its pool open against the one
     * metadata server: they keep two idle connections, not the whole pool.
     */
    private static void smallIdlePool(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.hikari.minimum-idle", () -> "2");
        registry.add("spring.datasource.hikari.idle-timeout", () -> "10000");
    }

    /**
     * A new empty database in the metadata Postgres, for tests that need a store of their own (with
     * their own instance id), so rows and containers of other test classes cannot disturb them.
     */
    public static String freshDatabase(String prefix) {
        String name = prefix + "_" + UUID.randomUUID().toString().substring(0, 8);
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(METADATA.getJdbcUrl(), METADATA.getUsername(),
                METADATA.getPassword()); java.sql.Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        return METADATA.getJdbcUrl().replaceFirst("/[^/?]+(\\?|$)", "/" + name + "$1");
    }

    /**
     * Properties for a test class that needs a store and an instance id of its own (its sweeps and
     * reconciler then see only its own branches). Such a class does not extend this one, because a
     * subclass cannot override this class's dynamic properties.
     */
    public static void isolated(DynamicPropertyRegistry registry, String databasePrefix, String instanceId) {
        isolated(registry, databasePrefix, instanceId, BASE_IMAGE_17);
    }

    /**
     * As {@link #isolated(DynamicPropertyRegistry, String, String)}, templates of the default major
     * (17) built from {@code image17}.
     */
    public static void isolated(DynamicPropertyRegistry registry, String databasePrefix, String instanceId,
            String image17) {
        String url = freshDatabase(databasePrefix);
        registry.add("spring.datasource.url", () -> url);
        registry.add("spring.datasource.username", METADATA::getUsername);
        registry.add("spring.datasource.password", METADATA::getPassword);
        registry.add("offshoot.auth.admin-token", () -> ADMIN_TOKEN);
        registry.add("offshoot.runtime.instance-id", () -> instanceId);
        registry.add("offshoot.runtime.base-image", () -> BASE_IMAGE);
        majors(registry, image17);
        // each context's gateway on a port of its own; idle suspension only where a test turns it on
        registry.add("offshoot.gateway.port", () -> "0");
        registry.add("offshoot.gateway.idle-suspend", () -> "0");
        smallIdlePool(registry);
        onKubernetesWhenAsked(registry);
    }

    /** The reflink data directory of a template's first revision, relative to the storage path. */
    public static String revisionDataPath(String template) {
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(METADATA.getJdbcUrl(),
                METADATA.getUsername(), METADATA.getPassword());
                java.sql.PreparedStatement ps = c.prepareStatement("SELECT r.data_path FROM template_revision r"
                        + " JOIN template t ON t.id = r.template_id WHERE t.name = ? ORDER BY r.revision")) {
            ps.setString(1, template);
            try (java.sql.ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || rs.getString(1) == null) {
                    throw new IllegalStateException("template " + template + " has no reflink revision");
                }
                return rs.getString(1);
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Removes this class's containers and images, and retires their rows in the shared store, so
     * that the reconciler of a later test class's context has nothing to repair.
     */
    @AfterAll
    static void leaveNothingBehind() {
        if (onKubernetes()) {
            FakeCluster.shared().removeEverythingOf(INSTANCE_ID);
        }
        TestDocker.removeEverythingOf(INSTANCE_ID);
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(METADATA.getJdbcUrl(),
                METADATA.getUsername(), METADATA.getPassword()); java.sql.Statement st = c.createStatement()) {
            st.executeUpdate("UPDATE branch SET status = 'DELETED', deleted_at = now() WHERE status <> 'DELETED'");
        } catch (java.sql.SQLException e) {
            // no schema yet: no context of this class started, so there is nothing to retire
        }
    }
}
