package dev.offshoot.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

import dev.offshoot.Api;
import dev.offshoot.IntegrationTest;
import tools.jackson.databind.JsonNode;

/**
 * Real clients through the gateway, as users are told to connect: pgjdbc and psql with the
 * connection strings the API hands out (TLS, the branch named in options), the SNI form with
 * verify-full against the gateway's CA, the password form, a cancel of a running query, and the
 * refusals a wrong name gets.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestPropertySource(properties = {"offshoot.gateway.domain=db.offshoot.test"})
class GatewayIT extends IntegrationTest {

    @LocalServerPort
    int port;

    @Value("${local.gateway.port}")
    int gatewayPort;

    Api api;
    String template;
    JsonNode branch;
    Path ca;

    @BeforeAll
    void createBranchWithData() {
        api = new Api(port, ADMIN_TOKEN);
        template = "gw-" + suffix();
        assertThat(api.post("/api/v1/templates", Map.of("name", template)).status()).isEqualTo(201);
        branch = api.post("/api/v1/branches", Map.of("name", "gw-" + suffix(), "template", template)).body();
        try (Connection c = connect(branch.get("connection")); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE notes (id int, body text); INSERT INTO notes VALUES (1, 'through the gateway')");
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void handedOutConnectionStringsPointAtTheGatewayWithTlsAndTheBranchInOptions() {
        JsonNode c = branch.get("connection");
        String name = branch.get("name").asString();

        assertThat(c.get("port").asInt()).isEqualTo(gatewayPort);
        assertThat(c.get("sslMode").asString()).isEqualTo("require");
        assertThat(c.get("options").asString()).isEqualTo("endpoint=" + name);
        assertThat(c.get("uri").asString()).endsWith(":" + gatewayPort + "/" + c.get("database").asString()
                + "?sslmode=require&options=endpoint%3D" + name);
        assertThat(c.get("jdbcUrl").asString()).contains("?sslmode=require&options=endpoint%3D" + name);
        assertThat(c.get("sniHost").asString()).isEqualTo(name + ".db.offshoot.test");
    }

    @Test
    void pgjdbcRunsQueriesOverTlsThroughTheGateway() throws Exception {
        try (Connection c = connect(branch.get("connection")); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT body, (SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid())"
                        + " FROM notes")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("through the gateway");
            // TLS ends at the gateway: the branch itself sees a plain connection from it
            assertThat(rs.getBoolean(2)).isFalse();
        }
    }

    @Test
    void cancelOfARunningQueryReachesItsBranchThroughTheGateway() throws Exception {
        try (Connection c = connect(branch.get("connection")); Statement st = c.createStatement()) {
            CompletableFuture<Throwable> running = CompletableFuture.supplyAsync(() -> {
                try {
                    st.execute("SELECT pg_sleep(30)");
                    return null;
                } catch (SQLException e) {
                    return e;
                }
            });
            Thread.sleep(500);
            long start = System.nanoTime();
            st.cancel();
            Throwable outcome = running.get(10, TimeUnit.SECONDS);

            assertThat(outcome).isInstanceOf(SQLException.class);
            assertThat(((SQLException) outcome).getSQLState()).isEqualTo("57014");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        }
    }

    @Test
    void aBranchWhoseServerStoppedBehindTheServicesBackIsNotDialedAtItsOldAddress() throws Exception {
        JsonNode stopped = api.post("/api/v1/branches", Map.of("name", "gone-" + suffix(), "template", template)).body();
        try (Connection c = connect(stopped.get("connection"))) {
            assertThat(c.isValid(2)).isTrue();
        }
        String container = dev.offshoot.TestDocker.client().listContainersCmd()
                .withLabelFilter(Map.of(dev.offshoot.runtime.Labels.BRANCH_ID, stopped.get("id").asString()))
                .exec().getFirst().getId();
        dev.offshoot.TestDocker.client().stopContainerCmd(container).withTimeout(5).exec();
        // past the few seconds the runtime takes an address as known without asking the engine
        Thread.sleep(6_000);

        assertThatThrownBy(() -> connect(stopped.get("connection"))).isInstanceOfSatisfying(SQLException.class,
                e -> assertThat(e.getSQLState()).as(e.getMessage()).isEqualTo("57P03"));
        api.delete("/api/v1/branches/" + stopped.get("name").asString());
    }

    @Test
    void unknownBranchIsRefusedWithInvalidCatalogName() {
        JsonNode c = branch.get("connection");
        String url = "jdbc:postgresql://127.0.0.1:" + gatewayPort + "/" + c.get("database").asString()
                + "?sslmode=require&options=endpoint%3Dno-such-branch";

        assertThatThrownBy(() -> DriverManager.getConnection(url, c.get("user").asString(), "x"))
                .isInstanceOfSatisfying(SQLException.class, e -> {
                    assertThat(e.getSQLState()).isEqualTo("3D000");
                    assertThat(e.getMessage()).contains("no-such-branch").contains("does not exist");
                });
    }

    @Test
    void aConnectionNamingNoBranchIsToldHow() {
        JsonNode c = branch.get("connection");
        Properties props = new Properties();
        props.setProperty("user", c.get("user").asString());
        props.setProperty("password", c.get("password").asString());
        props.setProperty("sslmode", "disable");
        String url = "jdbc:postgresql://127.0.0.1:" + gatewayPort + "/" + c.get("database").asString();

        assertThatThrownBy(() -> DriverManager.getConnection(url, props))
                .isInstanceOfSatisfying(SQLException.class, e -> {
                    assertThat(e.getSQLState()).isEqualTo("08004");
                    assertThat(e.getMessage()).contains("endpoint%3D");
                });
    }

    @Test
    void psqlVerifiesTheGatewayCertificateAndIsRoutedByServerName() throws Exception {
        JsonNode c = branch.get("connection");
        ClientProcess verified = psql(sniConninfo(c, c.get("sniHost").asString()), c, "SELECT body FROM notes");
        ClientProcess wrongName = psql(sniConninfo(c, "elsewhere.example.org"), c, "SELECT 1");

        assertThat(verified.exitCode()).as(verified.output()).isZero();
        assertThat(verified.output()).contains("through the gateway");
        assertThat(wrongName.exitCode()).isNotZero();
        assertThat(wrongName.output()).contains("does not match host name");
    }

    @Test
    void psqlWithTheHandedOutUriRunsQueriesAndCancelsOnInterrupt() {
        JsonNode c = branch.get("connection");
        ClientProcess query = psql(c.get("uri").asString(), c, "SELECT body FROM notes");
        ClientProcess cancelled = ClientProcess.run(List.of("psql", "-X", "-q", "-At", "-d", c.get("uri").asString(),
                "-c", "SELECT pg_sleep(30)"), Map.of(), Duration.ofSeconds(2));

        assertThat(query.exitCode()).as(query.output()).isZero();
        assertThat(query.output().strip()).isEqualTo("through the gateway");
        assertThat(cancelled.output()).contains("canceling statement due to user request");
        assertThat(cancelled.took()).isLessThan(Duration.ofSeconds(15));
    }

    @Test
    void pgjdbcVerifiesTheGatewayCertificateAndIsRoutedByServerName() throws Exception {
        JsonNode c = branch.get("connection");
        String url = "jdbc:postgresql://" + c.get("sniHost").asString() + ":" + gatewayPort + "/"
                + c.get("database").asString() + "?sslmode=verify-full&sslrootcert=" + caFile()
                + "&socketFactory=" + LoopbackSocketFactory.class.getName();

        try (Connection db = DriverManager.getConnection(url, c.get("user").asString(), c.get("password").asString());
                Statement st = db.createStatement(); ResultSet rs = st.executeQuery("SELECT body FROM notes")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("through the gateway");
        }
    }

    @Test
    void psycopgConnectsInBothFormsAndCancelsThroughTheGateway() throws Exception {
        JsonNode c = branch.get("connection");
        String script = """
                import os, threading, psycopg
                with psycopg.connect(os.environ["OPTIONS_URI"]) as c:
                    print("options:", c.execute("SELECT body FROM notes").fetchone()[0])
                    threading.Timer(1.0, c.cancel).start()
                    try:
                        c.execute("SELECT pg_sleep(30)")
                        print("not cancelled")
                    except psycopg.errors.QueryCanceled:
                        print("cancelled")
                with psycopg.connect(os.environ["SNI_CONNINFO"]) as c:
                    print("sni:", c.execute("SELECT body FROM notes").fetchone()[0])
                """;
        ClientProcess run = ClientProcess.run(List.of("/usr/bin/python3", "-c", script), Map.of(
                "OPTIONS_URI", c.get("uri").asString(), "SNI_CONNINFO", sniConninfo(c, c.get("sniHost").asString()),
                "PGPASSWORD", c.get("password").asString()));

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output().lines().toList()).containsExactly("options: through the gateway", "cancelled",
                "sni: through the gateway");
    }

    @Test
    void aClientThatCanSetNeitherNamesTheBranchInItsPassword() throws Exception {
        JsonNode c = branch.get("connection");
        String url = "jdbc:postgresql://127.0.0.1:" + gatewayPort + "/" + c.get("database").asString()
                + "?sslmode=require";
        String password = "endpoint=" + branch.get("name").asString() + ";" + c.get("password").asString();

        try (Connection db = DriverManager.getConnection(url, c.get("user").asString(), password);
                Statement st = db.createStatement(); ResultSet rs = st.executeQuery("SELECT body FROM notes")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("through the gateway");
        }
        assertThatThrownBy(() -> DriverManager.getConnection(url, c.get("user").asString(),
                "endpoint=" + branch.get("name").asString() + ";wrong").close())
                .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28P01"));
    }

    /**
     * PostgreSQL 17's sslnegotiation=direct, spoken by hand (Debian 12's libpq is 15): a TLS
     * ClientHello first, ALPN "postgresql", then the startup message over TLS; the branch answers
     * with its authentication request. Without ALPN the gateway hangs up.
     */
    @Test
    void directTlsWithAlpnPostgresqlIsRoutedAndWithoutItRefused() throws Exception {
        JsonNode c = branch.get("connection");
        try (SSLSocket tls = directTls(true)) {
            var out = new DataOutputStream(tls.getOutputStream());
            byte[] body = ("user\0" + c.get("user").asString() + "\0database\0" + c.get("database").asString()
                    + "\0options\0endpoint=" + branch.get("name").asString() + "\0\0")
                    .getBytes(StandardCharsets.UTF_8);
            out.writeInt(8 + body.length);
            out.writeInt(196608);
            out.write(body);
            out.flush();
            var in = new DataInputStream(tls.getInputStream());
            assertThat((char) in.readByte()).isEqualTo('R');
            in.readInt();
            assertThat(in.readInt()).as("AuthenticationSASL").isEqualTo(10);
        }
        try (SSLSocket noAlpn = directTls(false)) {
            assertThat(noAlpn.getInputStream().read()).as("closed after the handshake").isEqualTo(-1);
        }
    }

    private SSLSocket directTls(boolean alpn) throws Exception {
        var trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (var pem = Files.newInputStream(caFile())) {
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509")
                    .generateCertificate(pem));
        }
        var tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        var context = SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        var socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", gatewayPort);
        socket.setSoTimeout(10_000);
        var parameters = socket.getSSLParameters();
        if (alpn) {
            parameters.setApplicationProtocols(new String[] {"postgresql"});
        }
        socket.setSSLParameters(parameters);
        socket.startHandshake();
        return socket;
    }

    private ClientProcess psql(String conninfo, JsonNode c, String sql) {
        return ClientProcess.run(List.of("psql", "-X", "-q", "-At", "-d", conninfo, "-c", sql),
                Map.of("PGPASSWORD", c.get("password").asString()));
    }

    /** libpq's SNI form without DNS: the name for TLS, the loopback for the socket, the served CA. */
    private String sniConninfo(JsonNode c, String host) throws Exception {
        return "host=" + host + " hostaddr=127.0.0.1 port=" + gatewayPort + " dbname=" + c.get("database").asString()
                + " user=" + c.get("user").asString() + " sslmode=verify-full sslrootcert=" + caFile();
    }

    /** The CA as a client gets it: GET /api/v1/gateway/ca.pem, saved to a file. */
    private Path caFile() throws Exception {
        if (ca == null) {
            HttpResponse<String> pem = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + port + "/api/v1/gateway/ca.pem"))
                    .header("Authorization", "Bearer " + ADMIN_TOKEN).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(pem.statusCode()).isEqualTo(200);
            ca = Files.createTempFile("gateway-ca-", ".pem");
            Files.writeString(ca, pem.body());
        }
        return ca;
    }

    static Connection connect(JsonNode c) throws SQLException {
        return DriverManager.getConnection(c.get("jdbcUrl").asString(), c.get("user").asString(),
                c.get("password").asString());
    }

    static String suffix() {
        return UUID.randomUUID().toString().substring(0, 6);
    }
}
