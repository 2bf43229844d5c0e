package dev.offshoot.migration;

import static dev.offshoot.branch.BranchTestSupport.count;
import static dev.offshoot.branch.BranchTestSupport.sql;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.offshoot.Api;
import dev.offshoot.IntegrationTest;
import dev.offshoot.auth.CurrentPrincipal;
import dev.offshoot.auth.Principal;
import dev.offshoot.auth.TokenAuthentication;
import dev.offshoot.branch.BranchMaintenance;
import tools.jackson.databind.JsonNode;

/**
 * The CVE-2018-1058 class of attack, as a branch's owner would try it: functions and operators
 * planted in {@code public} that an unqualified name in Offshoot's own SQL could resolve to, each
 * trying {@code ALTER ROLE <owner> SUPERUSER} and leaving a mark of who ran it. Then every endpoint
 * that touches the branch is called (table details through what MCP's describe_table calls); the owner must still be no superuser, and none of Offshoot's
 * own sessions may have run a planted object.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PrivilegedSqlHijackIT extends IntegrationTest {

    @LocalServerPort
    int port;

    @Autowired
    BranchMaintenance maintenance;

    @Autowired
    MigrationOperations operations;

    Api api;
    final String template = "hijack-" + suffix();

    @BeforeAll
    void template() {
        api = new Api(port, ADMIN_TOKEN);
        Api.Response created = api.post("/api/v1/templates", Map.of("name", template, "database", "app"));
        assertThat(created.status()).as(String.valueOf(created.body())).isEqualTo(201);
    }

    @Test
    void operatorsAndFunctionsPlantedInPublicNeverRunInOffshootsSessions() throws Exception {
        JsonNode branch = trappedBranch();
        String name = name(branch);

        assertThat(api.get(path(name, "/schema")).status()).isEqualTo(200);
        // what MCP's describe_table calls, as the caller a tool call runs as
        assertThat(CurrentPrincipal.callAs(TokenAuthentication.authenticated(Principal.admin("admin")),
                () -> operations.describeTable(name, "planted"))).isNotNull();
        assertThat(api.get(path(name, "/diff")).status()).isEqualTo(200);
        assertThat(api.get(path(name, "/diff?against=" + name)).status()).isEqualTo(200);
        Api.Response check = api.post(path(name, "/migrations/check"), migration("V1__more.sql",
                "CREATE TABLE more (id int PRIMARY KEY); ALTER TABLE planted ADD COLUMN note text;"));
        assertThat(check.status()).as(String.valueOf(check.body())).isEqualTo(200);
        assertThat(check.body().get("passed").asBoolean()).as(String.valueOf(check.body())).isTrue();
        assertThat(api.post(path(name, "/migrations"), migration("V1__more.sql",
                "CREATE TABLE more (id int PRIMARY KEY);")).status()).isEqualTo(200);
        assertThat(api.post(path(name, "/sql"), Map.of("sql", "SELECT count(*) FROM planted")).status())
                .isEqualTo(200);
        assertThat(api.post(path(name, "/sql"), Map.of("sql", "SELECT 1", "readOnly", true)).status())
                .isEqualTo(200);
        BranchMaintenance.BranchRecord record = maintenance.live().stream().filter(b -> b.name().equals(name))
                .findFirst().orElseThrow();
        assertThat(maintenance.clientConnections(record)).isPresent();

        assertNotEscalated(branch);
    }

    @Test
    void aBranchOfATrappedBranchAndItsResetLeaveTheOwnerUnprivileged() throws Exception {
        JsonNode source = trappedBranch();

        Api.Response child = api.post("/api/v1/branches", Map.of("name", "hj-child-" + suffix(), "fromBranch",
                name(source)));
        assertThat(child.status()).as(String.valueOf(child.body())).isEqualTo(201);
        Api.Response reset = api.post(path(name(child.body()), "/reset"), null);
        assertThat(reset.status()).as(String.valueOf(reset.body())).isEqualTo(200);

        assertNotEscalated(source);
        assertNotEscalated(reset.body());
        assertThat(count(reset.body(), "SELECT count(*) FROM planted")).isEqualTo(1);
    }

    @Test
    void aTemplateRevisionCommittedFromATrappedBranchLeavesItsOwnerUnprivileged() throws Exception {
        String trapped = "hijack-rev-" + suffix();
        assertThat(api.post("/api/v1/templates", Map.of("name", trapped, "database", "app")).status())
                .isEqualTo(201);
        Api.Response revision = api.post("/api/v1/templates/" + trapped + "/migrations",
                migration("V1__trap.sql", TRAP));
        assertThat(revision.status()).as(String.valueOf(revision.body())).isEqualTo(201);

        Api.Response branch = api.post("/api/v1/branches", Map.of("name", "hj-rev-" + suffix(), "template", trapped));
        assertThat(branch.status()).as(String.valueOf(branch.body())).isEqualTo(201);
        assertNotEscalated(branch.body());
    }

    /**
     * Proof that the trap bites: the schema query Offshoot ran before, in a superuser session
     * without a pinned search path, makes the owner a superuser. (This branch is then discarded.)
     */
    @Test
    void theTrapMakesTheOwnerASuperuserThroughAnUnpinnedSuperuserSession() throws Exception {
        JsonNode branch = trappedBranch();
        String owner = branch.get("connection").get("user").asString();

        try (Connection su = DriverManager.getConnection(branch.get("connection").get("jdbcUrl").asString(),
                "postgres", superuserSecret(branch)); Statement st = su.createStatement()) {
            st.executeQuery("SELECT n.nspname FROM pg_namespace n WHERE n.nspname NOT IN ('pg_catalog')"
                    + " AND n.nspname NOT LIKE 'pg_temp%'").close();
        }

        assertThat(count(branch, "SELECT count(*) FROM pg_roles WHERE rolsuper AND rolname = '" + owner + "'"))
                .isEqualTo(1);
        api.delete("/api/v1/branches/" + name(branch) + "?force=true");
    }

    private static String superuserSecret(JsonNode branch) throws Exception {
        try (Connection c = DriverManager.getConnection(METADATA.getJdbcUrl(), METADATA.getUsername(),
                METADATA.getPassword()); PreparedStatement ps = c.prepareStatement(
                        "SELECT superuser_password FROM branch WHERE id = ?::uuid")) {
            ps.setString(1, branch.get("id").asString());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    /** A branch with the trap planted, proven live: the owner's own unqualified query springs it. */
    private JsonNode trappedBranch() throws Exception {
        Api.Response created = api.post("/api/v1/branches", Map.of("name", "hj-" + suffix(), "template", template));
        assertThat(created.status()).as(String.valueOf(created.body())).isEqualTo(201);
        JsonNode branch = created.body();
        sql(branch, TRAP);
        assertThat(count(branch, "SELECT count(*) FROM pg_namespace n WHERE n.nspname NOT LIKE 'pg_temp%'"))
                .isPositive();
        assertThat(count(branch, "SELECT count(*) FROM sprung")).as("the trap is live").isPositive();
        sql(branch, "TRUNCATE sprung");
        return branch;
    }

    private static void assertNotEscalated(JsonNode branch) throws Exception {
        String owner = branch.get("connection").get("user").asString();
        assertThat(count(branch, "SELECT count(*) FROM pg_roles WHERE rolsuper AND rolname = '" + owner + "'"))
                .as("owner became a superuser").isZero();
        assertThat(count(branch, "SELECT count(*) FROM sprung WHERE usr = 'postgres' OR app = 'offshoot'"))
                .as("one of Offshoot's sessions ran a planted object").isZero();
    }

    /**
     * Each planted object records who ran it and tries to make the owner a superuser (which
     * works only in a superuser's session). Operators shadow pg_catalog's where the argument types
     * make the planted one the better match; functions take oid where pg_catalog's take regclass.
     */
    static final String TRAP = """
            CREATE TABLE planted (id int);
            INSERT INTO planted VALUES (1);
            CREATE TABLE sprung (usr text, app text);
            CREATE FUNCTION public.escalate() RETURNS boolean LANGUAGE plpgsql SECURITY INVOKER AS $f$
            BEGIN
              BEGIN
                INSERT INTO public.sprung VALUES (current_user, current_setting('application_name'));
              EXCEPTION WHEN OTHERS THEN NULL;
              END;
              BEGIN
                EXECUTE 'ALTER ROLE ' || quote_ident(pg_catalog.current_database()) || ' SUPERUSER';
              EXCEPTION WHEN OTHERS THEN NULL;
              END;
              RETURN true;
            END $f$;
            CREATE FUNCTION public.hijack(name, name) RETURNS boolean LANGUAGE sql SECURITY INVOKER
              AS $f$ SELECT public.escalate() AND $1::text OPERATOR(pg_catalog.!~~) $2::text $f$;
            CREATE FUNCTION public.hijack_like(name, name) RETURNS boolean LANGUAGE sql SECURITY INVOKER
              AS $f$ SELECT public.escalate() AND $1::text OPERATOR(pg_catalog.~~) $2::text $f$;
            CREATE FUNCTION public.hijack_ne(oid, integer) RETURNS boolean LANGUAGE sql SECURITY INVOKER
              AS $f$ SELECT public.escalate() AND $1 OPERATOR(pg_catalog.<>) $2::oid $f$;
            CREATE FUNCTION public.hijack_eq(oid, integer) RETURNS boolean LANGUAGE sql SECURITY INVOKER
              AS $f$ SELECT public.escalate() AND $1 OPERATOR(pg_catalog.=) $2::oid $f$;
            CREATE FUNCTION public.hijack_ge(real, integer) RETURNS boolean LANGUAGE sql SECURITY INVOKER
              AS $f$ SELECT public.escalate() AND $1 OPERATOR(pg_catalog.>=) $2::real $f$;
            CREATE OPERATOR public.!~~ (LEFTARG = name, RIGHTARG = name, FUNCTION = public.hijack);
            CREATE OPERATOR public.~~ (LEFTARG = name, RIGHTARG = name, FUNCTION = public.hijack_like);
            CREATE OPERATOR public.~~* (LEFTARG = name, RIGHTARG = name, FUNCTION = public.hijack_like);
            CREATE OPERATOR public.!~~* (LEFTARG = name, RIGHTARG = name, FUNCTION = public.hijack);
            CREATE OPERATOR public.<> (LEFTARG = oid, RIGHTARG = integer, FUNCTION = public.hijack_ne);
            CREATE OPERATOR public.= (LEFTARG = oid, RIGHTARG = integer, FUNCTION = public.hijack_eq);
            CREATE OPERATOR public.>= (LEFTARG = real, RIGHTARG = integer, FUNCTION = public.hijack_ge);
            CREATE FUNCTION public.pg_total_relation_size(oid) RETURNS bigint LANGUAGE sql SECURITY INVOKER
              AS $f$ SELECT CASE WHEN public.escalate() THEN 0::bigint END $f$;
            CREATE FUNCTION public.pg_get_indexdef(oid) RETURNS text LANGUAGE sql SECURITY INVOKER
              AS $f$ SELECT CASE WHEN public.escalate() THEN 'x' END $f$;
            CREATE FUNCTION public.pg_get_viewdef(oid) RETURNS text LANGUAGE sql SECURITY INVOKER
              AS $f$ SELECT CASE WHEN public.escalate() THEN 'x' END $f$;
            CREATE FUNCTION public.pg_get_constraintdef(oid) RETURNS text LANGUAGE sql SECURITY INVOKER
              AS $f$ SELECT CASE WHEN public.escalate() THEN 'x' END $f$;
            CREATE FUNCTION public.pg_database_size(text) RETURNS bigint LANGUAGE sql SECURITY INVOKER
              AS $f$ SELECT CASE WHEN public.escalate() THEN 0::bigint END $f$;
            CREATE FUNCTION public.count(text) RETURNS bigint LANGUAGE sql SECURITY INVOKER
              AS $f$ SELECT CASE WHEN public.escalate() THEN 0::bigint END $f$;
            """;

    private static Map<String, Object> migration(String name, String sql) {
        return Map.of("migrations", List.of(Map.of("name", name, "sql", sql)));
    }

    private static String name(JsonNode branch) {
        return branch.get("name").asString();
    }

    private static String path(String branch, String rest) {
        return "/api/v1/branches/" + branch + rest;
    }

    static String suffix() {
        return UUID.randomUUID().toString().substring(0, 8);
    }
}
