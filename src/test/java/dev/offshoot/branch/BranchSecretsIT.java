package dev.offshoot.branch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Event;
import com.github.dockerjava.api.model.EventType;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.offshoot.Api;
import dev.offshoot.IntegrationTest;
import dev.offshoot.TestDocker;
import dev.offshoot.runtime.ContainerRuntime;
import dev.offshoot.runtime.ContainerSpec;
import dev.offshoot.runtime.Labels;
import tools.jackson.databind.JsonNode;

/**
 * Each branch's own secrets: a superuser password no other branch (and no template's data) shares,
 * kept out of container environments, and a read-only role whose handed-out connection reads but
 * cannot write, create or switch itself to read-write.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BranchSecretsIT extends IntegrationTest {

    static final Path PSQL = Path.of("/usr/lib/postgresql/15/bin/psql");

    @LocalServerPort
    int port;

    @Autowired
    ContainerRuntime runtime;

    Api api;
    String template;

    @BeforeAll
    void template() {
        api = new Api(port, ADMIN_TOKEN);
        template = "sec-" + suffix();
        assertThat(api.post("/api/v1/templates", Map.of("name", template, "database", "app")).status())
                .isEqualTo(201);
    }

    @Test
    void twoBranchesOfOneTemplateHaveDifferentSuperuserSecrets() throws Exception {
        JsonNode a = branch();
        JsonNode b = branch();
        Secrets sa = secrets(a);
        Secrets sb = secrets(b);

        assertThat(sa.superuser()).isNotBlank().isNotEqualTo(sb.superuser()).isNotEqualTo(sa.template());
        assertThat(sa.readOnly()).isNotBlank().isNotEqualTo(sb.readOnly());
        assertThat(isSuperuser(url(a), "postgres", sa.superuser())).isTrue();
        assertThat(isSuperuser(url(b), "postgres", sb.superuser())).isTrue();
        assertRefused(url(b), "postgres", sa.superuser());
        assertRefused(url(a), "postgres", sb.superuser());
        assertRefused(url(a), "postgres", sa.template());
        assertRefused(url(b), "offshoot_readonly", sa.readOnly());
        // the revision's bootstrap secret was replaced at launch, before the create answered
        assertThat(sa.bootstrap()).isNotBlank().isEqualTo(sb.bootstrap());
        assertRefused(url(a), "postgres", sa.bootstrap());
        assertRefused(url(b), "postgres", sb.bootstrap());
    }

    /**
     * A branch of a template and a branch of that branch get their passwords over TCP with the
     * password their data was sealed with (the revision's bootstrap secret, the source's own):
     * the engine saw no exec in either container.
     */
    @Test
    void newBranchesGetTheirCredentialsWithoutAnExec() throws Exception {
        Instant since = Instant.now();
        JsonNode source = branch();
        Api.Response child = api.post("/api/v1/branches", Map.of("name", "sec-child-" + suffix(), "fromBranch",
                source.get("name").asString()));
        assertThat(child.status()).as(String.valueOf(child.body())).isEqualTo(201);

        for (JsonNode branch : List.of(source, child.body())) {
            Secrets secrets = secrets(branch);
            assertThat(isSuperuser(url(branch), "postgres", secrets.superuser())).isTrue();
            assertThat(execsSince(since, secrets.instanceHandle())).as("execs in " + branch.get("name")).isEmpty();
        }
        assertRefused(url(child.body()), "postgres", secrets(source).superuser());
    }

    /** The exec actions the engine logged for a container since then. */
    private static List<String> execsSince(Instant since, String containerId) throws InterruptedException {
        List<String> actions = new CopyOnWriteArrayList<>();
        Instant until = Instant.now();
        TestDocker.client().eventsCmd().withEventTypeFilter(EventType.CONTAINER).withContainerFilter(containerId)
                .withSince(String.valueOf(since.getEpochSecond() - 1))
                .withUntil(String.valueOf(until.getEpochSecond() + 1))
                .exec(new ResultCallback.Adapter<Event>() {
                    @Override
                    public void onNext(Event event) {
                        if (String.valueOf(event.getAction()).startsWith("exec_")) {
                            actions.add(event.getAction());
                        }
                    }
                }).awaitCompletion(30, TimeUnit.SECONDS);
        return actions;
    }

    @Test
    void aResetKeepsTheBranchsSecretsAndNoContainerEnvironmentHoldsThem() throws Exception {
        JsonNode branch = branch();
        Secrets before = secrets(branch);

        Api.Response reset = api.post("/api/v1/branches/" + branch.get("name").asString() + "/reset", null);

        assertThat(reset.status()).as(String.valueOf(reset.body())).isEqualTo(200);
        Secrets after = secrets(branch);
        assertThat(after.superuser()).isEqualTo(before.superuser());
        assertThat(isSuperuser(url(branch), "postgres", after.superuser())).isTrue();
        assertThat(readOnlyConnection(reset.body())).isNotNull();
        assertThat(String.join(" ", runtime.environment(after.instanceHandle()).values()))
                .doesNotContain(after.superuser(), after.template(), after.readOnly());
    }

    @Test
    void theTemplateDataCarriesNoPasswordAnyUserHolds() throws Exception {
        JsonNode branch = branch();
        String bootstrap = secrets(branch).bootstrap();
        Api.Response read = api.get("/api/v1/templates/" + template);
        assertThat(String.valueOf(read.body())).doesNotContain(bootstrap);
        assertThat(String.valueOf(api.get("/api/v1/branches/" + branch.get("name").asString()).body()))
                .doesNotContain(bootstrap);
        JsonNode revision = read.body().get("revisions").get(0);
        Map<String, String> env = Map.of();
        Map<String, String> binds = Map.of();
        Path copy = null;
        if (revision.get("storageDriver").asString().equals("reflink")) {
            // the image is the plain base image; the revision's data is a directory, started from a copy
            copy = TestDocker.storagePath().resolve(INSTANCE_ID + "/test-" + suffix());
            Process cp = new ProcessBuilder("cp", "-a", "--reflink=always", TestDocker.storagePath()
                    .resolve(revisionDataPath(template)).toString(), copy.toString()).inheritIO().start();
            assertThat(cp.waitFor()).isZero();
            env = Map.of("PGDATA", "/offshoot/pgdata");
            binds = Map.of(copy.toString(), "/offshoot/pgdata");
        }
        String id = runtime.start(new ContainerSpec("offshoot-" + INSTANCE_ID + "-image-check-" + suffix(),
                revision.get("image").asString(), env, Map.of(Labels.MANAGED, "true", Labels.INSTANCE, INSTANCE_ID,
                        Labels.KIND, Labels.KIND_BUILD), "127.0.0.1", 0, binds, false, List.of()));
        try {
            ContainerRuntime.ExecResult passwords = Awaitility.await().atMost(Duration.ofSeconds(30))
                    .until(() -> runtime.exec(id, List.of("psql", "-X", "-A", "-t", "-d", "postgres", "-c",
                            "SELECT string_agg(rolname || '=' || (rolpassword IS NOT NULL), ',' ORDER BY rolname)"
                                    + " FROM pg_authid WHERE rolcanlogin"),
                            new ContainerRuntime.ExecOptions("postgres", Map.of()), Duration.ofSeconds(10)),
                            ContainerRuntime.ExecResult::succeeded);
            // the owner's password is random and forgotten; the superuser's is the bootstrap secret
            assertThat(passwords.output().strip()).isEqualTo("app=true,offshoot_readonly=false,postgres=true");
        } finally {
            runtime.remove(id);
            if (copy != null) {
                org.springframework.util.FileSystemUtils.deleteRecursively(copy);
            }
        }
    }

    @Test
    void theReadOnlyConnectionReadsButCannotWriteOrCreate() throws Exception {
        JsonNode branch = branch();
        BranchTestSupport.sql(branch, "CREATE TABLE items (id int); INSERT INTO items VALUES (1), (2)");
        JsonNode ro = readOnlyConnection(api.get("/api/v1/branches/" + branch.get("name").asString()).body());

        // the caller's own reader role; Offshoot's offshoot_readonly is never handed out
        assertThat(ro.get("user").asString()).startsWith("offshoot_ro_");
        assertThat(ro.get("jdbcUrl").asString()).isEqualTo(branch.get("connection").get("jdbcUrl").asString());
        try (Connection db = DriverManager.getConnection(ro.get("jdbcUrl").asString(), ro.get("user").asString(),
                ro.get("password").asString()); Statement st = db.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM items")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(2);
            }
            for (String write : List.of("INSERT INTO items VALUES (3)", "UPDATE items SET id = 0", "DELETE FROM items",
                    "CREATE TABLE intruder (id int)", "CREATE TEMP TABLE scratch (id int)",
                    "CREATE SCHEMA intruders", "CREATE FUNCTION public.f() RETURNS int LANGUAGE sql AS 'SELECT 1'")) {
                assertThatThrownBy(() -> st.execute(write)).as(write).isInstanceOf(SQLException.class);
            }
            st.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE");
            st.execute("SET default_transaction_read_only = off");
            for (String write : List.of("INSERT INTO items VALUES (3)", "CREATE TABLE intruder (id int)",
                    "CREATE TEMP TABLE scratch (id int)", "SET ROLE app")) {
                assertThatThrownBy(() -> st.execute(write)).as("read-write session: " + write)
                        .isInstanceOf(SQLException.class);
            }
        }
        assertThat(BranchTestSupport.count(branch, "SELECT count(*) FROM items")).isEqualTo(2);
        assertThat(BranchTestSupport.tables(branch)).containsExactly("items");
    }

    @Test
    void theReadOnlyConnectionCannotWriteThroughPsqlEither() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(PSQL), "no psql on this machine");
        JsonNode branch = branch();
        BranchTestSupport.sql(branch, "CREATE TABLE items (id int); INSERT INTO items VALUES (1)");
        JsonNode ro = readOnlyConnection(api.get("/api/v1/branches/" + branch.get("name").asString()).body());

        Psql read = psql(ro, "SELECT count(*) FROM items");
        Psql write = psql(ro, "SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE", "INSERT INTO items VALUES (2)");

        assertThat(read.exitCode()).as(read.output()).isZero();
        assertThat(read.output().strip()).isEqualTo("1");
        assertThat(write.exitCode()).as(write.output()).isNotZero();
        assertThat(write.output()).contains("permission denied");
        assertThat(BranchTestSupport.count(branch, "SELECT count(*) FROM items")).isEqualTo(1);
    }

    /**
     * A branch as rows and containers were before per-branch secrets: no secrets on its row, the
     * template's superuser password in its container, no read-only role. It keeps working; its first
     * use gives it its own secrets and the role, and so does a launch of a branch made from it.
     */
    @Test
    void aBranchFromBeforePerBranchSecretsKeepsWorkingAndGetsThemOnFirstUse() throws Exception {
        JsonNode old = branch();
        String name = old.get("name").asString();
        Secrets secrets = secrets(old);
        try (Connection su = DriverManager.getConnection(url(old), "postgres", secrets.superuser());
                Statement st = su.createStatement()) {
            st.execute("DROP ROLE offshoot_readonly");
            st.execute("ALTER ROLE postgres PASSWORD '" + secrets.template() + "'");
        }
        BranchTestSupport.sql(old, "CREATE TABLE items (id int); INSERT INTO items VALUES (1)");
        metadata("UPDATE branch SET superuser_password = NULL, readonly_password = NULL WHERE id = '"
                + old.get("id").asString() + "'");

        JsonNode before = api.get("/api/v1/branches/" + name).body();
        Api.Response read = api.post("/api/v1/branches/" + name + "/sql", Map.of("sql", "SELECT count(*) FROM items",
                "readOnly", true));
        Api.Response write = api.post("/api/v1/branches/" + name + "/sql", Map.of("sql",
                "/* /* */ */ COMMIT; SET transaction_read_only = off; DELETE FROM items", "readOnly", true));
        Secrets upgraded = secrets(old);

        assertThat(before.get("readOnlyConnection").isNull()).isTrue();
        assertThat(read.status()).as(String.valueOf(read.body())).isEqualTo(200);
        // a read-only run is one statement
        assertThat(write.status()).as(String.valueOf(write.body())).isEqualTo(400);
        assertThat(BranchTestSupport.count(old, "SELECT count(*) FROM items")).isEqualTo(1);
        assertThat(upgraded.superuser()).isNotNull().isNotEqualTo(secrets.template());
        assertThat(upgraded.readOnly()).isNotNull();
        assertThat(isSuperuser(url(old), "postgres", upgraded.superuser())).isTrue();
        assertRefused(url(old), "postgres", secrets.template());
        JsonNode ro = readOnlyConnection(api.get("/api/v1/branches/" + name).body());
        try (Connection db = DriverManager.getConnection(ro.get("jdbcUrl").asString(), ro.get("user").asString(),
                ro.get("password").asString()); Statement st = db.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM items")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(1);
        }
    }

    /**
     * A branch as branches were before the readers group: its read-only role a member of
     * pg_read_all_data (so it read pg_authid) with a password every reader was shown. The first
     * reader role on it sets up the group and grants, takes pg_read_all_data away and gives the
     * service's read-only role a new password; a branch of it is set up at its launch.
     */
    @Test
    void aBranchFromBeforeTheReadersGroupIsSetUpByItsFirstReaderAndItsCopies() throws Exception {
        JsonNode old = branch();
        String name = old.get("name").asString();
        BranchTestSupport.sql(old, "CREATE TABLE items (id int); INSERT INTO items VALUES (1)");
        Secrets before = secrets(old);
        try (Connection su = DriverManager.getConnection(url(old), "postgres", before.superuser());
                Statement st = su.createStatement()) {
            st.execute("DO $$ DECLARE r text; BEGIN FOR r IN SELECT rolname FROM pg_roles WHERE rolname LIKE"
                    + " 'offshoot\\_ro\\_%' LOOP EXECUTE format('DROP ROLE %I', r); END LOOP; END $$");
            st.execute("REVOKE offshoot_readers FROM offshoot_readonly");
            st.execute("DROP OWNED BY offshoot_readers");
            st.execute("DROP ROLE offshoot_readers");
            st.execute("GRANT pg_read_all_data TO offshoot_readonly");
        }
        metadata("DELETE FROM branch_reader WHERE branch_id = '" + old.get("id").asString() + "'", -1);
        Api reader = new Api(port, api.post("/api/v1/tokens", Map.of("name", "old-" + suffix(), "scopes",
                List.of("read"))).body().get("token").asString());

        JsonNode ro = readOnlyConnection(reader.get("/api/v1/branches/" + name).body());

        Secrets after = secrets(old);
        assertThat(after.readOnly()).isNotEqualTo(before.readOnly());
        assertRefused(url(old), "offshoot_readonly", before.readOnly());
        try (Connection db = DriverManager.getConnection(ro.get("jdbcUrl").asString(), ro.get("user").asString(),
                ro.get("password").asString()); Statement st = db.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM items")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(1);
            }
            assertThatThrownBy(() -> st.executeQuery("SELECT rolpassword FROM pg_authid"))
                    .isInstanceOf(SQLException.class);
        }
        assertThat(BranchTestSupport.count(old, "SELECT count(*) FROM pg_auth_members m JOIN pg_roles r"
                + " ON r.oid = m.member JOIN pg_roles g ON g.oid = m.roleid WHERE r.rolname = 'offshoot_readonly'"
                + " AND g.rolname = 'pg_read_all_data'")).isZero();
        assertThat(reader.post("/api/v1/branches/" + name + "/sql", Map.of("sql", "SELECT count(*) FROM items"))
                .status()).isEqualTo(200);

        // back to the old state, then a branch of it: its launch sets the readers up on the copied data
        try (Connection su = DriverManager.getConnection(url(old), "postgres", after.superuser());
                Statement st = su.createStatement()) {
            st.execute("DO $$ DECLARE r text; BEGIN FOR r IN SELECT rolname FROM pg_roles WHERE rolname LIKE"
                    + " 'offshoot\\_ro\\_%' LOOP EXECUTE format('DROP ROLE %I', r); END LOOP; END $$");
            st.execute("DROP OWNED BY offshoot_readers");
            st.execute("DROP ROLE offshoot_readers");
            st.execute("GRANT pg_read_all_data TO offshoot_readonly");
        }
        Api.Response child = api.post("/api/v1/branches", Map.of("name", "sec-child-" + suffix(), "fromBranch", name));
        assertThat(child.status()).as(String.valueOf(child.body())).isEqualTo(201);
        JsonNode childRo = readOnlyConnection(reader.get("/api/v1/branches/" + child.body().get("name").asString())
                .body());
        try (Connection db = DriverManager.getConnection(childRo.get("jdbcUrl").asString(),
                childRo.get("user").asString(), childRo.get("password").asString()); Statement st = db.createStatement()) {
            assertThatThrownBy(() -> st.executeQuery("SELECT rolpassword FROM pg_authid"))
                    .isInstanceOf(SQLException.class);
        }
        assertThat(BranchTestSupport.count(child.body(), "SELECT count(*) FROM pg_roles WHERE rolname ="
                + " 'offshoot_readers'")).isEqualTo(1);
    }

    /** A template image from before the read-only role: a branch launched from it gets the role. */
    @Test
    void aLaunchCreatesTheReadOnlyRoleWhereTheParentImageHasNone() throws Exception {
        JsonNode source = branch();
        try (Connection su = DriverManager.getConnection(url(source), "postgres", secrets(source).superuser());
                Statement st = su.createStatement()) {
            st.execute("DROP ROLE offshoot_readonly");
        }

        Api.Response child = api.post("/api/v1/branches", Map.of("name", "sec-child-" + suffix(), "fromBranch",
                source.get("name").asString()));

        assertThat(child.status()).as(String.valueOf(child.body())).isEqualTo(201);
        JsonNode ro = readOnlyConnection(child.body());
        try (Connection db = DriverManager.getConnection(ro.get("jdbcUrl").asString(), ro.get("user").asString(),
                ro.get("password").asString()); Statement st = db.createStatement()) {
            assertThatThrownBy(() -> st.execute("CREATE TABLE intruder (id int)")).isInstanceOf(SQLException.class);
        }
    }

    private static void metadata(String sql) throws SQLException {
        metadata(sql, 1);
    }

    /** @param rows how many rows the statement must change; -1: any number */
    private static void metadata(String sql, int rows) throws SQLException {
        try (Connection c = DriverManager.getConnection(METADATA.getJdbcUrl(), METADATA.getUsername(),
                METADATA.getPassword()); Statement st = c.createStatement()) {
            int changed = st.executeUpdate(sql);
            if (rows >= 0) {
                assertThat(changed).isEqualTo(rows);
            }
        }
    }

    /** @param bootstrap the superuser password sealed into the branch's template revision */
    private record Secrets(String superuser, String readOnly, String template, String instanceHandle, String bootstrap) {
    }

    private record Psql(int exitCode, String output) {
    }

    /** The passwords Offshoot keeps for a branch, read from its metadata store. */
    private static Secrets secrets(JsonNode branch) throws SQLException {
        try (Connection c = DriverManager.getConnection(METADATA.getJdbcUrl(), METADATA.getUsername(),
                METADATA.getPassword()); var ps = c.prepareStatement("SELECT b.superuser_password, b.readonly_password,"
                        + " t.superuser_password, b.instance_handle, r.bootstrap_secret FROM branch b"
                        + " JOIN template t ON t.id = b.template_id"
                        + " JOIN template_revision r ON r.template_id = b.template_id AND r.revision = b.template_revision"
                        + " WHERE b.id = ?::uuid")) {
            ps.setString(1, branch.get("id").asString());
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return new Secrets(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5));
            }
        }
    }

    private static boolean isSuperuser(String url, String user, String password) throws SQLException {
        try (Connection c = DriverManager.getConnection(url, user, password); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    private static void assertRefused(String url, String user, String password) {
        assertThatThrownBy(() -> DriverManager.getConnection(url, user, password).close())
                .isInstanceOf(SQLException.class)
                .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("28P01"));
    }

    /** Each statement in its own {@code -c}, so each is its own transaction. */
    private static Psql psql(JsonNode ro, String... statements) throws Exception {
        List<String> command = new ArrayList<>(List.of(PSQL.toString(), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                "-h", ro.get("host").asString(), "-p", ro.get("port").asString(), "-U", ro.get("user").asString(),
                "-d", ro.get("database").asString()));
        for (String statement : statements) {
            command.addAll(List.of("-c", statement));
        }
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("PGPASSWORD", ro.get("password").asString());
        pb.environment().put("PGSSLMODE", ro.get("sslMode").asString());
        pb.environment().put("PGOPTIONS", ro.get("options").asString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Psql(p.exitValue(), out);
    }

    private static JsonNode readOnlyConnection(JsonNode branch) {
        JsonNode ro = branch.get("readOnlyConnection");
        assertThat(ro).as("readOnlyConnection of " + branch).isNotNull();
        assertThat(ro.isNull()).isFalse();
        return ro;
    }

    private JsonNode branch() {
        long started = System.nanoTime();
        Api.Response created = api.post("/api/v1/branches", Map.of("name", "sec-" + suffix(), "template", template));
        assertThat(created.status()).as(String.valueOf(created.body())).isEqualTo(201);
        System.out.printf("[secrets] branch created with its own secrets in %d ms (request)%n",
                (System.nanoTime() - started) / 1_000_000);
        return created.body();
    }

    private static String url(JsonNode branch) {
        return branch.get("connection").get("jdbcUrl").asString();
    }

    static String suffix() {
        return UUID.randomUUID().toString().substring(0, 8);
    }
}
