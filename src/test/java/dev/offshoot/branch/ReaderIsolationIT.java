package dev.offshoot.branch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

import dev.offshoot.Api;
import dev.offshoot.IntegrationTest;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Readers over the readOnlyConnection URI, with libpq's psql as a user has it: each token reads
 * as a role of its own, reads what the template holds and what the owner creates later, reads no
 * catalog secret, stores nothing, cannot lock out another reader or the service, is held to the
 * service's time limits whatever it sets, and gets nothing of a branch copied from one it reads.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestPropertySource(properties = {"offshoot.readers.watch-interval=1s", "offshoot.readers.statement-timeout=4s",
        "offshoot.readers.idle-in-transaction-timeout=4s", "offshoot.readers.connection-limit=3"})
class ReaderIsolationIT extends IntegrationTest {

    private static final Duration WATCH = Duration.ofSeconds(1);
    private static final Duration LIMIT = Duration.ofSeconds(4);
    /** What a reader that means harm runs first: its sessions start read-only. */
    private static final String LIFT = "SET default_transaction_read_only = off";

    @LocalServerPort
    int port;

    Api admin;
    Api alice;
    Api bob;
    JsonNode branch;
    String name;
    String template;

    @BeforeAll
    void aBranchOfATemplateWithATableAndTwoReaders() {
        admin = new Api(port, ADMIN_TOKEN);
        template = "readers-" + suffix();
        Api.Response built = admin.postSql("/api/v1/templates", Map.of("name", template, "database", "app"),
                Map.of("seed.sql", "CREATE TABLE seeded (id int); INSERT INTO seeded VALUES (1);"
                        .getBytes(StandardCharsets.UTF_8)));
        assertThat(built.status()).as(String.valueOf(built.body())).isEqualTo(201);
        name = "readers-" + suffix();
        Api.Response created = admin.post("/api/v1/branches", Map.of("name", name, "template", template));
        assertThat(created.status()).as(String.valueOf(created.body())).isEqualTo(201);
        branch = created.body();
        // as migrations do: the owner creates tables, a schema and a sequence after the template was built
        BranchTestSupport.sql(branch, "CREATE TABLE later (id int); INSERT INTO later VALUES (1), (2);"
                + " CREATE SCHEMA extra; CREATE TABLE extra.more (id int); INSERT INTO extra.more VALUES (3);"
                + " CREATE SEQUENCE counter");
        alice = reader("alice");
        bob = reader("bob");
    }

    @Test
    void everyTokenReadsAsARoleOfItsOwn() {
        JsonNode a = readOnly(alice);
        JsonNode b = readOnly(bob);

        assertThat(a.get("user").asString()).startsWith("offshoot_ro_").isNotEqualTo(b.get("user").asString());
        assertThat(b.get("user").asString()).startsWith("offshoot_ro_");
        assertThat(a.get("password").asString()).isNotEqualTo(b.get("password").asString());
        assertThat(readOnly(alice)).as("the same connection string on every answer").isEqualTo(a);
        assertThat(alice.get("/api/v1/branches").body().get("items")).filteredOn(i -> i.get("name").asString()
                .equals(name)).singleElement().satisfies(i -> {
                    assertThat(i.get("readOnlyConnection").get("user").asString()).isEqualTo(a.get("user").asString());
                    assertThat(i.get("readOnlyConnection").get("password").isNull()).isTrue();
                });
    }

    @Test
    void aReaderReadsTheTemplatesTablesAndWhatTheOwnerCreatedLater() {
        Psql read = Psql.run(readOnly(alice), "SELECT (SELECT count(*) FROM seeded) + (SELECT count(*) FROM later)"
                + " + (SELECT count(*) FROM extra.more)", "SELECT last_value FROM counter");

        assertThat(read.ok()).as(read.output()).isTrue();
        assertThat(read.output().lines().toList()).containsExactly("4", "1");
    }

    @Test
    void aReaderCannotReadTheRolesPasswordVerifiers() {
        Psql verifiers = Psql.run(readOnly(alice), "SELECT rolname, rolpassword FROM pg_authid");

        assertThat(verifiers.ok()).isFalse();
        assertThat(verifiers.output()).contains("permission denied").doesNotContain("SCRAM-SHA-256$");
    }

    @Test
    void aReaderStoresNothingEvenAfterLiftingReadOnly() throws Exception {
        JsonNode ro = readOnly(alice);
        for (String store : List.of("SELECT lo_from_bytea(0, 'x')", "SELECT lo_creat(-1)", "SELECT lo_create(0)",
                "CREATE TEMP TABLE scratch (id int)", "CREATE TABLE intruder (id int)", "CREATE SEQUENCE s",
                "CREATE SCHEMA intruders", "CREATE TABLE extra.intruder (id int)", "SELECT nextval('counter')",
                "INSERT INTO later VALUES (9)")) {
            Psql tried = Psql.run(ro, LIFT, "SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE", store);
            assertThat(tried.ok()).as(store + ": " + tried.output()).isFalse();
            assertThat(tried.output()).as(store).contains("permission denied");
        }
        // libpq's client-side lo_import goes through the fast-path interface, which checks EXECUTE too
        java.nio.file.Path file = java.nio.file.Files.createTempFile("reader-", ".txt");
        java.nio.file.Files.writeString(file, "stored by a reader?");
        Psql imported = Psql.run(ro, "\\lo_import " + file);
        java.nio.file.Files.delete(file);
        assertThat(imported.ok()).as(imported.output()).isFalse();

        assertThat(BranchTestSupport.count(branch, "SELECT count(*) FROM pg_largeobject_metadata")).isZero();
        assertThat(BranchTestSupport.count(branch, "SELECT count(*) FROM later")).isEqualTo(2);
        assertThat(BranchTestSupport.count(branch, "SELECT last_value FROM counter")).isEqualTo(1);
        assertThat(BranchTestSupport.count(branch, "SELECT count(*) FROM pg_class WHERE relname IN"
                + " ('scratch', 'intruder', 's')")).isZero();
        // the owner keeps its large objects
        BranchTestSupport.sql(branch, "SELECT lo_unlink(lo_from_bytea(0, 'owner''s'))");
    }

    @Test
    void aReaderWhoChangesItsPasswordLocksOutOnlyItselfUntilAReset() {
        Api carol = reader("carol");
        JsonNode mine = readOnly(carol);
        JsonNode others = readOnly(bob);

        Psql othersChanged = Psql.run(mine, LIFT, "ALTER ROLE " + others.get("user").asString() + " PASSWORD 'x'");
        Psql serviceChanged = Psql.run(mine, LIFT, "ALTER ROLE offshoot_readonly PASSWORD 'x'");
        Psql groupChanged = Psql.run(mine, LIFT, "ALTER ROLE offshoot_readers LOGIN PASSWORD 'x'");
        Psql changed = Psql.run(mine, LIFT, "ALTER ROLE CURRENT_USER PASSWORD 'mine-now'");

        assertThat(changed.ok()).as(changed.output()).isTrue();
        for (Psql refused : List.of(othersChanged, serviceChanged, groupChanged)) {
            assertThat(refused.ok()).as(refused.output()).isFalse();
            assertThat(refused.output()).contains("permission denied");
        }
        assertThat(Psql.run(others, "SELECT count(*) FROM later").output().strip()).isEqualTo("2");
        Api.Response service = bob.post("/api/v1/branches/" + name + "/sql", Map.of("sql", "SELECT count(*) FROM later"));
        assertThat(service.status()).as(String.valueOf(service.body())).isEqualTo(200);
        assertThat(Psql.run(mine, "SELECT 1").output()).contains("password authentication failed");
        assertThat(readOnly(carol)).as("the service keeps the password it gave").isEqualTo(mine);
    }

    @Test
    void aResetKeepsEveryReadersConnectionStringAndGivesBackAChangedPassword() {
        String own = "reset-" + suffix();
        assertThat(admin.post("/api/v1/branches", Map.of("name", own, "template", template)).status()).isEqualTo(201);
        JsonNode mine = alice.get("/api/v1/branches/" + own).body().get("readOnlyConnection");
        assertThat(Psql.run(mine, LIFT, "ALTER ROLE CURRENT_USER PASSWORD 'mine-now'").ok()).isTrue();

        Api.Response reset = admin.post("/api/v1/branches/" + own + "/reset", null);

        assertThat(reset.status()).as(String.valueOf(reset.body())).isEqualTo(200);
        assertThat(alice.get("/api/v1/branches/" + own).body().get("readOnlyConnection")).isEqualTo(mine);
        assertThat(Psql.run(mine, "SELECT count(*) FROM seeded").output().strip()).isEqualTo("1");
        assertThat(admin.delete("/api/v1/branches/" + own).status()).isEqualTo(204);
    }

    @Test
    void aReaderCannotRunAStatementForeverNorIdleInATransaction() throws Exception {
        JsonNode ro = readOnly(bob);
        long start = System.nanoTime();
        Psql sleeper = Psql.run(ro, "SET statement_timeout = 0", "SELECT pg_sleep(600)");
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(sleeper.ok()).isFalse();
        assertThat(sleeper.output()).contains("canceling statement due to user request");
        assertThat(took).isLessThan(LIMIT.plus(WATCH).plusSeconds(10));

        try (Connection idle = connect(ro); Statement st = idle.createStatement();
                Connection watcher = connect(ro); Statement ws = watcher.createStatement()) {
            st.execute("SET idle_in_transaction_session_timeout = 0");
            idle.setAutoCommit(false);
            int pid;
            try (ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
                rs.next();
                pid = rs.getInt(1);
            }
            // watched from another session of the same role (which sees its own sessions), so the
            // idle one is left alone in its transaction
            Awaitility.await().atMost(LIMIT.plus(WATCH).plusSeconds(15)).pollInterval(Duration.ofMillis(500))
                    .until(() -> {
                        try (ResultSet rs = ws.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE pid = "
                                + pid)) {
                            rs.next();
                            return rs.getInt(1) == 0;
                        }
                    });
            assertThatThrownBy(() -> st.execute("SELECT 1")).isInstanceOf(SQLException.class);
        }
    }

    @Test
    void aReaderHoldsAtMostItsShareOfConnections() throws SQLException {
        JsonNode ro = readOnly(alice);
        List<Connection> open = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                open.add(DriverManager.getConnection(ro.get("jdbcUrl").asString(), ro.get("user").asString(),
                        ro.get("password").asString()));
            }
            assertThatThrownBy(() -> DriverManager.getConnection(ro.get("jdbcUrl").asString(),
                    ro.get("user").asString(), ro.get("password").asString()).close())
                    .isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("53300"));
            assertThat(Psql.run(readOnly(bob), "SELECT 1").ok()).isTrue();
        } finally {
            for (Connection c : open) {
                c.close();
            }
        }
    }

    /**
     * A fork copies its source's data, its reader roles included: they keep their names (a copy
     * looks like its source to the SQL run on it), but none of their passwords opens the copy.
     */
    @Test
    void aCopyOfABranchLetsNoneOfItsSourcesReadersIn() throws SQLException {
        JsonNode sourceView = readOnly(alice);
        Api.Response fork = admin.post("/api/v1/branches", Map.of("name", "fork-" + suffix(), "fromBranch", name));
        assertThat(fork.status()).as(String.valueOf(fork.body())).isEqualTo(201);
        String child = fork.body().get("name").asString();
        ObjectNode asSourceReader = (ObjectNode) fork.body().get("readOnlyConnection").deepCopy();
        asSourceReader.put("user", sourceView.get("user").asString());

        long copiedRole = BranchTestSupport.count(fork.body(), "SELECT count(*) FROM pg_roles WHERE rolname = '"
                + sourceView.get("user").asString() + "'");
        Psql withSourcePassword = Psql.withPassword(asSourceReader, sourceView.get("password").asString(), "SELECT 1");
        JsonNode childView = alice.get("/api/v1/branches/" + child).body().get("readOnlyConnection");

        assertThat(copiedRole).isEqualTo(1);
        assertThat(withSourcePassword.output()).contains("password authentication failed");
        assertThat(childView.get("user").asString()).isEqualTo(sourceView.get("user").asString());
        assertThat(childView.get("password").asString()).isNotEqualTo(sourceView.get("password").asString());
        assertThat(Psql.run(childView, "SELECT count(*) FROM later").output().strip()).isEqualTo("2");
        assertThat(Psql.run(sourceView, "SELECT count(*) FROM later").output().strip()).isEqualTo("2");
        assertThat(admin.delete("/api/v1/branches/" + child).status()).isEqualTo(204);
        assertThat(readerRows(fork.body().get("id").asString())).as("a deleted branch keeps no reader password")
                .isZero();
    }

    private static long readerRows(String branchId) throws SQLException {
        try (Connection c = DriverManager.getConnection(METADATA.getJdbcUrl(), METADATA.getUsername(),
                METADATA.getPassword()); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM branch_reader WHERE branch_id = '" + branchId
                        + "'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static Connection connect(JsonNode ro) throws SQLException {
        return DriverManager.getConnection(ro.get("jdbcUrl").asString(), ro.get("user").asString(),
                ro.get("password").asString());
    }

    private Api reader(String who) {
        Api.Response token = admin.post("/api/v1/tokens", Map.of("name", who + "-" + suffix(), "scopes",
                List.of("read")));
        assertThat(token.status()).as(String.valueOf(token.body())).isEqualTo(201);
        return new Api(port, token.body().get("token").asString());
    }

    private JsonNode readOnly(Api reader) {
        Api.Response read = reader.get("/api/v1/branches/" + name);
        assertThat(read.status()).as(String.valueOf(read.body())).isEqualTo(200);
        return read.body().get("readOnlyConnection");
    }

    static String suffix() {
        return UUID.randomUUID().toString().substring(0, 8);
    }
}
