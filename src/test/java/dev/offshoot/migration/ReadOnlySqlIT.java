package dev.offshoot.migration;

import static dev.offshoot.branch.BranchTestSupport.count;
import static dev.offshoot.branch.BranchTestSupport.sql;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.offshoot.Api;
import dev.offshoot.IntegrationTest;
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
        reader = new Api(port, token.body().get("token").asString());
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
        return "/api/v1/branches/" + branch.get("name").asString() + "/sql";
    }

    static String suffix() {
        return UUID.randomUUID().toString().substring(0, 8);
    }
}
