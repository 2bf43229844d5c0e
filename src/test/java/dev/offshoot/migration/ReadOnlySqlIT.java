package dev.offshoot.migration;

import static dev.offshoot.branch.BranchTestSupport.count;
import static dev.offshoot.branch.BranchTestSupport.sql;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.modelcontextprotocol.spec.McpSchema;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.offshoot.Api;
import dev.offshoot.IntegrationTest;
import dev.offshoot.mcp.McpTestClient;
import tools.jackson.databind.JsonNode;

/**
 * Known ways out of a read-only SQL run, tried through POST /sql with a read token and with
 * {@code readOnly: true} from an admin: none may change a row or create anything, because the run
 * is the branch's read-only role inside a READ ONLY transaction, whatever the text says.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReadOnlySqlIT extends IntegrationTest {

    @LocalServerPort
    int port;

    Api admin;
    Api reader;
    String readerSecret;
    JsonNode branch;

    @BeforeAll
    void branchWithRowsAndAReadToken() {
        admin = new Api(port, ADMIN_TOKEN);
        String template = "ro-" + suffix();
        assertThat(admin.post("/api/v1/templates", Map.of("name", template, "database", "app")).status())
                .isEqualTo(201);
        Api.Response created = admin.post("/api/v1/branches", Map.of("name", "ro-" + suffix(), "template", template));
        assertThat(created.status()).as(String.valueOf(created.body())).isEqualTo(201);
        branch = created.body();
        sql(branch, "CREATE TABLE victims (id int); INSERT INTO victims VALUES (1), (2), (3)");
        Api.Response token = admin.post("/api/v1/tokens", Map.of("name", "ro-reader-" + suffix(), "scopes",
                List.of("read")));
        assertThat(token.status()).as(String.valueOf(token.body())).isEqualTo(201);
        readerSecret = token.body().get("token").asString();
        reader = new Api(port, readerSecret);
    }

    /**
     * The attack that got through the split of the text: a comment nested so that the service's
     * parser saw no transaction control, ending the READ ONLY transaction, changing the read-only
     * role's password and storing a large object. Now a read-only run is one statement, counted by
     * the driver that sends it, and the password it would change is the service's own.
     */
    @Test
    void theNestedCommentThatEndedTheReadOnlyTransactionIsRefusedOverRestAndMcp() throws Exception {
        String attack = "/* /* */ */ END; SET transaction_read_only = off; ALTER ROLE CURRENT_USER PASSWORD"
                + " 'taken-over'; SELECT lo_from_bytea(0, 'x'); /* /* */ */ COMMIT";
        JsonNode readersOwn = reader.get(branchPath()).body().get("readOnlyConnection");

        Api.Response rest = reader.post(sqlPath(), Map.of("sql", attack));
        McpSchema.CallToolResult mcp;
        try (McpTestClient client = new McpTestClient(port, readerSecret)) {
            mcp = client.call("run_sql", Map.of("branch", branch.get("name").asString(), "sql", attack));
        }

        assertThat(rest.status()).as(String.valueOf(rest.body())).isEqualTo(400);
        assertThat(rest.code()).isEqualTo("INVALID_SQL");
        assertThat(rest.body().get("detail").asString()).contains("one statement per request");
        assertThat(mcp.isError()).isTrue();
        assertThat(McpTestClient.text(mcp)).startsWith("INVALID_SQL");
        assertThat(count(branch, "SELECT count(*) FROM pg_largeobject_metadata")).isZero();
        Api.Response serviceStillReads = reader.post(sqlPath(), Map.of("sql", "SELECT count(*) FROM victims"));
        assertThat(serviceStillReads.status()).as(String.valueOf(serviceStillReads.body())).isEqualTo(200);
        try (Connection own = DriverManager.getConnection(readersOwn.get("jdbcUrl").asString(),
                readersOwn.get("user").asString(), readersOwn.get("password").asString());
                Statement st = own.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM victims")) {
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(3);
        }
    }

    /** 40,000 unclosed comments (120 KB) took 34 s through the old split; the driver's parser is linear. */
    @Test
    void aPathologicalTextIsAnsweredWithoutQuadraticWork() {
        long start = System.nanoTime();
        Api.Response answer = reader.post(sqlPath(), Map.of("sql", "/* ".repeat(40_000)));
        long ms = (System.nanoTime() - start) / 1_000_000;

        assertThat(answer.status()).as(String.valueOf(answer.body())).isIn(400, 422);
        assertThat(ms).isLessThan(5_000);
    }

    @Test
    void aReadOnlyRunIsOneStatementAndSaysSo() {
        Api.Response two = reader.post(sqlPath(), Map.of("sql", "SELECT 1; SELECT 2"));
        Api.Response oneWithSemicolon = reader.post(sqlPath(), Map.of("sql", "SELECT count(*) FROM victims;"));
        Api.Response semicolonInAString = reader.post(sqlPath(), Map.of("sql", "SELECT 'a; b' /* ; */"));
        Api.Response none = reader.post(sqlPath(), Map.of("sql", " ; "));

        assertThat(two.status()).isEqualTo(400);
        assertThat(two.body().get("detail").asString()).contains("one statement per request", "2 sent");
        assertThat(oneWithSemicolon.status()).as(String.valueOf(oneWithSemicolon.body())).isEqualTo(200);
        assertThat(oneWithSemicolon.body().get("results")).hasSize(1);
        assertThat(semicolonInAString.status()).as(String.valueOf(semicolonInAString.body())).isEqualTo(200);
        assertThat(semicolonInAString.body().get("results").get(0).get("rows").get(0).get(0).asString())
                .isEqualTo("a; b");
        assertThat(none.status()).isEqualTo(400);
        assertThat(none.code()).isEqualTo("INVALID_SQL");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "SET transaction_read_only = off; DELETE FROM victims",
        "SET LOCAL transaction_read_only TO off; UPDATE victims SET id = 0",
        "SELECT set_config('transaction_read_only', 'off', false); DELETE FROM victims",
        "SELECT set_config('default_transaction_read_only', 'off', false); DELETE FROM victims",
        "DO $$ BEGIN EXECUTE 'SET transaction_read_only = off'; DELETE FROM victims; END $$",
        "DO $$ BEGIN DELETE FROM victims; END $$",
        "WITH gone AS (DELETE FROM victims RETURNING *) SELECT count(*) FROM gone",
        "/* /* */ */ COMMIT; DELETE FROM victims",
        "/* /* */ */ END; SET transaction_read_only = off; DELETE FROM victims",
        "/* /* */ */ ABORT; SET transaction_read_only = off; INSERT INTO victims VALUES (4)",
        "SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE; DELETE FROM victims",
        "SELECT 1; DELETE FROM victims; SELECT 2",
        "RESET ALL; DELETE FROM victims",
        "BEGIN READ WRITE; DELETE FROM victims; COMMIT",
        "SET ROLE app; DELETE FROM victims",
        "TRUNCATE victims",
        "CREATE TABLE intruder (id int)",
        "CREATE TEMP TABLE scratch AS SELECT * FROM victims",
        "SELECT pg_catalog.lo_import('/etc/passwd')",
        "COPY victims FROM PROGRAM 'true'"
    })
    void aReadOnlyRunChangesNoRow(String escape) throws Exception {
        Api.Response asReader = reader.post(sqlPath(), Map.of("sql", escape));
        Api.Response flagged = admin.post(sqlPath(), Map.of("sql", escape, "readOnly", true));

        assertThat(asReader.status()).as(String.valueOf(asReader.body())).isIn(400, 422);
        assertThat(flagged.status()).as(String.valueOf(flagged.body())).isIn(400, 422);
        assertThat(count(branch, "SELECT count(*) FROM victims WHERE id IN (1, 2, 3)")).isEqualTo(3);
        assertThat(count(branch, "SELECT count(*) FROM victims")).isEqualTo(3);
        assertThat(count(branch, "SELECT count(*) FROM pg_class WHERE relname IN ('intruder', 'scratch')")).isZero();
        assertThat(count(branch, "SELECT count(*) FROM pg_largeobject_metadata")).isZero();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"SELECT count(*) FROM victims", "WITH v AS (SELECT * FROM victims) SELECT count(*) FROM v"})
    void plainReadsStillWork(String read) {
        for (Api.Response response : List.of(reader.post(sqlPath(), Map.of("sql", read)),
                admin.post(sqlPath(), Map.of("sql", read, "readOnly", true)))) {
            assertThat(response.status()).as(String.valueOf(response.body())).isEqualTo(200);
            assertThat(response.body().get("readOnly").asBoolean()).isTrue();
            assertThat(response.body().get("results").get(0).get("rows").get(0).get(0).asLong()).isEqualTo(3);
        }
    }

    private String sqlPath() {
        return branchPath() + "/sql";
    }

    private String branchPath() {
        return "/api/v1/branches/" + branch.get("name").asString();
    }

    static String suffix() {
        return UUID.randomUUID().toString().substring(0, 8);
    }
}
