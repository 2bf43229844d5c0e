package dev.offshoot.template;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.net.Socket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Event;
import com.github.dockerjava.api.model.EventType;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;

import dev.offshoot.Api;
import dev.offshoot.IntegrationTest;
import dev.offshoot.TestDocker;
import dev.offshoot.runtime.ContainerRuntime.ExecResult;
import dev.offshoot.runtime.ContainerRuntime;
import dev.offshoot.runtime.Labels;

/**
 * URL imports reach only what they are meant to. The source is a real Postgres container on the
 * engine's bridge, published on the host too: every spelling of this host's loopback (and the
 * metadata store) leads to a live server, so an import that got past the guard would succeed. The
 * only allowed source is the container's bridge address, listed in allowed-source-hosts.
 */
class SourceReachIT extends IntegrationTest {

    static final PostgreSQLContainer SOURCE = new PostgreSQLContainer(
            DockerImageName.parse(BASE_IMAGE).asCompatibleSubstituteFor("postgres"))
            .withLabel("offshoot.test", "import-source");

    static {
        SOURCE.start();
        try (Connection c = DriverManager.getConnection(SOURCE.getJdbcUrl(), SOURCE.getUsername(), SOURCE.getPassword());
                Statement st = c.createStatement()) {
            st.execute("CREATE TABLE things (id int PRIMARY KEY); INSERT INTO things SELECT generate_series(1, 5)");
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @DynamicPropertySource
    static void onlyTheSourcesBridgeAddressIsAllowed(DynamicPropertyRegistry registry) {
        registry.add("offshoot.templates.allowed-source-hosts", SourceReachIT::sourceAddress);
    }

    @LocalServerPort
    int port;

    @Autowired
    ContainerRuntime runtime;

    @Autowired
    SourceGuard guard;

    Api api;

    @BeforeEach
    void client() {
        api = new Api(port, ADMIN_TOKEN);
    }

    @AfterAll
    static void stopSource() {
        SOURCE.stop();
    }

    @Test
    void everySpellingOfLoopbackAndOfTheMetadataStoreIsRefusedAndStartsNothing() {
        int published = SOURCE.getMappedPort(5432);
        int metadata = METADATA.getMappedPort(5432);
        List<String> hosts = new ArrayList<>(List.of("127.0.0.1", "localhost", "0x7f000001", "0177.0.0.1",
                "2130706433", "127.1", "[::1]", "[::ffff:127.0.0.1]", "0.0.0.0", "0", "LOCALHOST",
                "%30x7f000001", "[::ffff:7f00:1]").stream().map(h -> h + ":" + published).toList());
        hosts.addAll(List.of("127.0.0.1:" + metadata, "0x7f000001:" + metadata,
                bridgeAddress(METADATA) + ":5432", gateway() + ":" + published));
        Instant since = Instant.now();

        SoftAssertions softly = new SoftAssertions();
        for (String host : hosts) {
            String name = "spell-" + TemplateIT.suffix();
            Api.Response refused = api.post("/api/v1/templates", Map.of("name", name,
                    "sourceUrl", "postgresql://test:" + SOURCE.getPassword() + "@" + host + "/test"));

            softly.assertThat(refused.status()).as(host + ": " + refused.body()).isEqualTo(422);
            softly.assertThat(refused.code()).as(host).isEqualTo("SOURCE_NOT_ALLOWED");
            softly.assertThat(String.valueOf(refused.body().get("detail"))).as(host)
                    .contains("offshoot.templates.allowed-source-hosts");
            softly.assertThat(api.get("/api/v1/templates/" + name).status()).as(host).isEqualTo(404);
        }
        softly.assertThat(containersCreatedSince(since)).as("containers started for refused imports").isEmpty();
        softly.assertAll();
    }

    @Test
    void anAllowedSourceOnTheEnginesNetworkImportsEndToEnd() throws Exception {
        String name = "reach-" + TemplateIT.suffix();

        Api.Response imported = api.post("/api/v1/templates", Map.of("name", name, "sourceUrl",
                "postgresql://test:" + SOURCE.getPassword() + "@" + sourceAddress() + ":5432/test"));

        assertThat(imported.status()).as(String.valueOf(imported.body())).isEqualTo(201);
        var branch = api.post("/api/v1/branches", Map.of("name", "rb-" + TemplateIT.suffix(), "template", name)).body();
        assertThat(dev.offshoot.branch.BranchTestSupport.count(branch, "SELECT count(*) FROM things")).isEqualTo(5);
    }

    @Test
    void importFailuresAreStableCodesWithoutTheHelpersOwnWords() {
        String wrongPassword = "wp-" + TemplateIT.suffix();
        String closedPort = "cp-" + TemplateIT.suffix();

        Api.Response auth = api.post("/api/v1/templates", Map.of("name", wrongPassword, "sourceUrl",
                "postgresql://test:wrong@" + sourceAddress() + ":5432/test"));
        Api.Response unreachable = api.post("/api/v1/templates", Map.of("name", closedPort, "sourceUrl",
                "postgresql://test:" + SOURCE.getPassword() + "@" + sourceAddress() + ":5433/test?connect_timeout=5"));

        assertThat(auth.status()).as(String.valueOf(auth.body())).isEqualTo(422);
        assertThat(auth.code()).isEqualTo("SOURCE_AUTH_FAILED");
        assertThat(unreachable.status()).as(String.valueOf(unreachable.body())).isEqualTo(422);
        assertThat(unreachable.code()).isEqualTo("SOURCE_UNREACHABLE");
        assertThat(unreachable.body().get("retryable").asBoolean()).isTrue();
        for (Api.Response r : List.of(auth, unreachable)) {
            assertThat(r.body().toString()).doesNotContain("pg_dump").doesNotContain("FATAL")
                    .doesNotContain("password authentication failed").doesNotContain("Connection refused");
        }
        for (String name : List.of(wrongPassword, closedPort)) {
            assertThat(api.get("/api/v1/templates/" + name).status()).isEqualTo(404);
            assertThat(TestDocker.containersOf(INSTANCE_ID))
                    .noneMatch(c -> name.equals(c.getLabels().get(Labels.TEMPLATE)));
        }
    }

    /** The network the import picks for a source on the engine's bridge cannot reach the host's loopback. */
    @Test
    void theImportHelperCannotReachTheHostsLoopback() throws Exception {
        CheckedSource checked = guard.check(SourceUrl.parse("postgresql://test@" + sourceAddress() + "/test"));
        ContainerRuntime.JobNetwork isolated = SourceImport.onHostNetwork(checked) ? new ContainerRuntime.JobNetwork.Host()
                : new ContainerRuntime.JobNetwork.SharedWith(SOURCE.getContainerId());
        try (ServerSocket listener = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            AtomicInteger accepted = new AtomicInteger();
            Thread acceptor = Thread.ofPlatform().daemon().start(() -> {
                while (!listener.isClosed()) {
                    try (Socket ignored = listener.accept()) {
                        accepted.incrementAndGet();
                    } catch (java.io.IOException closed) {
                        return;
                    }
                }
            });
            String probe = "exec 3<>/dev/tcp/127.0.0.1/" + listener.getLocalPort() + " && echo connected";

            ExecResult fromIsolated = probe(probe, isolated);
            int acceptedFromIsolated = accepted.get();
            ExecResult fromHost = probe(probe, new ContainerRuntime.JobNetwork.Host());

            assertThat(isolated).isEqualTo(new ContainerRuntime.JobNetwork.SharedWith(SOURCE.getContainerId()));
            assertThat(fromIsolated.succeeded()).as(fromIsolated.output()).isFalse();
            assertThat(acceptedFromIsolated).isZero();
            assertThat(fromHost.output()).as("the same probe on the host's network").contains("connected");
            listener.close();
            acceptor.join(5_000);
        }
    }

    private ExecResult probe(String script, ContainerRuntime.JobNetwork network) {
        return runtime.runJob(new ContainerRuntime.JobSpec(BASE_IMAGE, List.of("bash", "-c", script), Map.of(),
                Map.of(Labels.MANAGED, "true", Labels.INSTANCE, INSTANCE_ID, Labels.KIND, Labels.KIND_JOB), network),
                java.time.Duration.ofSeconds(60));
    }

    static String sourceAddress() {
        return bridgeAddress(SOURCE);
    }

    private static String bridgeAddress(PostgreSQLContainer container) {
        return container.getContainerInfo().getNetworkSettings().getNetworks().values().iterator().next().getIpAddress();
    }

    private static String gateway() {
        return SOURCE.getContainerInfo().getNetworkSettings().getNetworks().values().iterator().next().getGateway();
    }

    /** Containers of this run created since the instant, from the engine's event log. */
    private static Set<String> containersCreatedSince(Instant since) {
        Set<String> ids = ConcurrentHashMap.newKeySet();
        try {
            TestDocker.client().eventsCmd().withEventTypeFilter(EventType.CONTAINER).withEventFilter("create")
                    .withLabelFilter(Map.of(Labels.INSTANCE, INSTANCE_ID))
                    .withSince(timestamp(since)).withUntil(timestamp(Instant.now()))
                    .exec(new ResultCallback.Adapter<Event>() {
                        @Override
                        public void onNext(Event event) {
                            ids.add(event.getId());
                        }
                    }).awaitCompletion(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return ids;
    }

    private static String timestamp(Instant instant) {
        return instant.getEpochSecond() + "." + String.format("%09d", instant.getNano());
    }
}
