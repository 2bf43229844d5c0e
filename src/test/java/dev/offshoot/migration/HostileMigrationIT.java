package dev.offshoot.migration;

import static dev.offshoot.branch.BranchTestSupport.count;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

import dev.offshoot.Api;
import dev.offshoot.IntegrationTest;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Migrations written to get past the gate, on real branches of a small shop template: drops,
 * truncations and deletes that only run-time SQL performs, sets that fail only on the copy, a
 * migration that looks for signs of the copy, one that tells the copy by a sign that cannot be
 * hidden, one that never ends, and approvals used where they were not meant to be.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestPropertySource(properties = "offshoot.migration.check-timeout=15s")
class HostileMigrationIT extends IntegrationTest {

    private static final String SHOP = """
            CREATE TABLE accounts (id int PRIMARY KEY, email text NOT NULL, note varchar(200));
            INSERT INTO accounts SELECT g, 'a' || g || '@example.com', 'n' FROM generate_series(1, 500) g;
            CREATE TABLE orders (id bigserial PRIMARY KEY, account_id int REFERENCES accounts, total numeric(10, 2));
            INSERT INTO orders (account_id, total) SELECT 1 + g % 500, g FROM generate_series(1, 2000) g;
            CREATE INDEX orders_account_idx ON orders (account_id);
            CREATE TABLE victim (id int PRIMARY KEY, payload text);
            INSERT INTO victim SELECT g, 'p' FROM generate_series(1, 100) g;
            CREATE SEQUENCE invoice_numbers;
            ANALYZE;
            """;
    /** What a migration's session can see of where it runs, as one JSON object. */
    private static final String FINGERPRINT = "SELECT current_database() AS db, current_user AS usr,"
            + " session_user AS su, current_setting('application_name') AS app,"
            + " (SELECT string_agg(name || '=' || coalesce(setting, ''), ' ' ORDER BY name) FROM pg_settings) AS settings,"
            + " (SELECT count(*) FROM pg_stat_activity WHERE pid <> pg_backend_pid()"
            + " AND usename = current_user) AS own_sessions,"
            + " (SELECT count(*) FROM pg_stat_activity WHERE application_name = 'offshoot') AS offshoot_sessions,"
            + " (SELECT string_agg(DISTINCT backend_type, ',' ORDER BY backend_type) FROM pg_stat_activity"
            + " WHERE backend_type NOT IN ('autovacuum worker', 'parallel worker')) AS kinds,"
            + " pg_postmaster_start_time() AS started";

    @LocalServerPort
    int port;

    Api api;
    final String shop = "hostile-" + suffix();

    @BeforeAll
    void shopTemplate() {
        api = new Api(port, ADMIN_TOKEN);
        Api.Response template = api.postSql("/api/v1/templates", Map.of("name", shop, "database", "shop"),
                Map.of("shop.sql", SHOP.getBytes(StandardCharsets.UTF_8)));
        assertThat(template.status()).as(String.valueOf(template.body())).isEqualTo(201);
    }

    /** Attack: drop a table through SQL built at run time, which no reading of the text sees. */
    @Test
    void aTableDroppedThroughDynamicSqlFailsTheCheckAndIsRefused() throws Exception {
        JsonNode branch = branch();
        Map<String, Object> set = set(Map.of("V1__tidy.sql",
                "DO $$ BEGIN EXECUTE 'DROP TABLE ' || 'vic' || 'tim'; END $$;"));

        Api.Response check = api.post(migrations(branch) + "/check", set);
        Api.Response apply = api.post(migrations(branch), set);

        assertThat(check.status()).as(String.valueOf(check.body())).isEqualTo(200);
        assertThat(check.body().get("verdict").asString()).isEqualTo("fail");
        assertThat(findings(check)).contains("error DROP_TABLE public.victim V1__tidy.sql");
        assertThat(check.body().get("effects")).anySatisfy(e -> {
            assertThat(e.get("rule").asString()).isEqualTo("DROP_TABLE");
            assertThat(e.get("rows").asLong()).isEqualTo(100);
            assertThat(e.get("exact").asBoolean()).isTrue();
        });
        assertThat(apply.status()).as(String.valueOf(apply.body())).isEqualTo(422);
        assertThat(apply.code()).isEqualTo("POLICY_VIOLATION");
        assertThat(count(branch, "SELECT count(*) FROM victim")).isEqualTo(100);
    }

    /**
     * Attack: truncate, delete every row, drop a column inside a function the migration calls,
     * narrow a column and drop a sequence, all through run-time SQL, and replace a table's rows
     * with as many fakes (its count does not change).
     */
    @Test
    void truncationsDeletesAndDropsInsideFunctionsCountAsTheirEffects() {
        JsonNode branch = branch();
        Map<String, String> files = new TreeMap<>();
        files.put("V1__purge.sql", """
                CREATE FUNCTION purge(t text, c text) RETURNS void LANGUAGE plpgsql AS $f$
                BEGIN EXECUTE format('ALTER TABLE %I DROP COLUMN %I', t, c); END $f$;
                SELECT purge('accounts', 'note');
                """);
        files.put("V2__orders.sql", "DO $$ BEGIN EXECUTE 'TRUNC' || 'ATE orders'; END $$;");
        files.put("V3__narrow.sql", "DO $$ BEGIN EXECUTE 'ALTER TABLE accounts ALTER COLUMN email TYPE '"
                + " || 'varchar(40)'; EXECUTE 'DROP SEQUENCE ' || 'invoice_numbers'; END $$;");
        files.put("V4__fakes.sql", "DO $$ BEGIN EXECUTE 'DELETE FROM ' || 'victim'; INSERT INTO victim"
                + " SELECT g, 'fake' FROM generate_series(1, 100) g; END $$;");

        Api.Response check = api.post(migrations(branch) + "/check", set(files));

        assertThat(check.status()).as(String.valueOf(check.body())).isEqualTo(200);
        assertThat(check.body().get("verdict").asString()).isEqualTo("fail");
        assertThat(findings(check)).contains("error DROP_COLUMN public.accounts.note V1__purge.sql",
                "error ROWS_REMOVED public.orders V2__orders.sql", "error TYPE_NARROWING public.accounts.email null",
                "warning DROP_SEQUENCE public.invoice_numbers null", "error ROWS_REMOVED public.victim V4__fakes.sql");
        assertThat(check.body().get("effects")).filteredOn(e -> e.get("rule").asString().equals("ROWS_REMOVED"))
                .extracting(e -> e.get("target").asString() + " " + e.get("rows").asLong() + " " + e.get("exact"))
                .containsExactlyInAnyOrder("public.orders 2000 true", "public.victim 100 true");
        assertThat(check.body().get("lint")).extracting(f -> f.get("rule").asString()).contains("DYNAMIC_SQL");
    }

    /** Attack: a set that fails on the copy used to run for real anyway; now nothing of it runs. */
    @Test
    void aSetThatFailsOnTheCopyIsRefusedDryRunOrNotAndNeverRunsForReal() throws Exception {
        JsonNode branch = branch();
        Map<String, String> files = new TreeMap<>();
        files.put("V1__ok.sql", "CREATE TABLE ok_table (id int);");
        files.put("V2__bad.sql", "DELETE FROM victim WHERE id < 10;\nSELECT no_such_function();");

        Api.Response dryRun = api.post(migrations(branch), Map.of("migrations", set(files).get("migrations"),
                "dryRun", true));
        Api.Response apply = api.post(migrations(branch), set(files));

        for (Api.Response refused : List.of(dryRun, apply)) {
            assertThat(refused.status()).as(String.valueOf(refused.body())).isEqualTo(422);
            assertThat(refused.code()).isEqualTo("TRIAL_FAILED");
            assertThat(refused.body().get("failure").asString()).isEqualTo("MIGRATION_FAILED");
            assertThat(refused.body().get("migration").get("script").asString()).isEqualTo("V2__bad.sql");
            assertThat(refused.body().get("migration").get("sqlState").asString()).isEqualTo("42883");
            assertThat(refused.body().get("migration").get("statement").asString()).contains("no_such_function");
        }
        assertThat(count(branch, "SELECT count(*) FROM pg_tables WHERE tablename IN ('ok_table',"
                + " 'flyway_schema_history')")).isZero();
        assertThat(count(branch, "SELECT count(*) FROM victim")).isEqualTo(100);
    }

    /**
     * Attack: look for the copy (Offshoot's sessions beside it, another database, role, application
     * name or setting) and behave there. The migration's session on the copy sees what it sees on
     * the branch, so the drop it makes "only for real" happens on the copy, where it is judged.
     */
    @Test
    void aMigrationLookingForSignsOfTheCopyFindsNoneAndIsJudgedByWhatItDoes() throws Exception {
        JsonNode branch = branch();
        Map<String, Object> real = fingerprintOnTheBranch(branch);

        Api.Response shown = api.post(migrations(branch) + "/check", set(Map.of("V2__show.sql",
                "DO $$ BEGIN RAISE EXCEPTION 'fingerprint:%', (SELECT row_to_json(f) FROM (" + FINGERPRINT
                        + ") f); END $$;")));
        String message = shown.body().get("failure").get("migration").get("message").asString();
        Map<String, Object> copy = JsonMapper.shared().readValue(message.substring(message.indexOf(':') + 1),
                Map.class);
        real.remove("started");
        copy.remove("started");
        assertThat(copy).as("what a migration sees on the copy and on the branch").isEqualTo(real);

        Map<String, Object> hostile = set(Map.of("V2__only_for_real.sql", """
                DO $$
                DECLARE here record; there record;
                BEGIN
                  SELECT * INTO there FROM seen;
                  EXECUTE 'SELECT * FROM (%s) f' INTO here;
                  IF here.offshoot_sessions > 0 OR here.db <> there.db OR here.usr <> there.usr
                     OR here.app <> there.app OR here.settings <> there.settings
                     OR here.own_sessions <> there.own_sessions OR here.kinds <> there.kinds THEN
                    RAISE EXCEPTION 'on the copy: behave';
                  END IF;
                  EXECUTE 'DROP TABLE ' || 'victim';
                END $$;
                """.replace("%s", FINGERPRINT.replace("'", "''"))));
        Api.Response apply = api.post(migrations(branch), hostile);

        assertThat(apply.status()).as(String.valueOf(apply.body())).isEqualTo(422);
        assertThat(apply.code()).isEqualTo("POLICY_VIOLATION");
        assertThat(findings(apply)).contains("error DROP_TABLE public.victim V2__only_for_real.sql");
        assertThat(count(branch, "SELECT count(*) FROM victim")).isEqualTo(100);
    }

    /**
     * The residual: a migration can tell the copy by what cannot be made the same, here the server's
     * start time (the copy's server started moments ago). It behaves on the copy and drops for
     * real; the real run is held to what its trial did and rolled back. What the guard does not
     * cover (a function created only for real) is caught after the fact: a warning and an audit entry.
     */
    @Test
    void aMigrationTellingTheCopyByTheServersStartTimeIsStoppedOnTheBranch() throws Exception {
        JsonNode branch = branch();
        fingerprintOnTheBranch(branch);
        String onlyForReal = "DO $$ BEGIN IF pg_postmaster_start_time() = (SELECT started FROM seen) THEN"
                + " EXECUTE %s; END IF; END $$;";

        // built at run time, so that the text does not show the drop either
        Api.Response check = api.post(migrations(branch) + "/check", set(Map.of("V2__drop.sql",
                onlyForReal.formatted("'DROP TABLE ' || 'victim'"))));
        Api.Response dropped = api.post(migrations(branch), set(Map.of("V2__drop.sql",
                onlyForReal.formatted("'DROP TABLE ' || 'victim'"))));
        Api.Response backdoor = api.post(migrations(branch), set(Map.of("V2__backdoor.sql",
                onlyForReal.formatted("'CREATE FUNCTION backdoor() RETURNS int LANGUAGE sql AS ''SELECT 1'''"))));

        assertThat(check.body().get("verdict").asString()).as("the copy saw nothing").isEqualTo("pass");
        assertThat(dropped.status()).as(String.valueOf(dropped.body())).isEqualTo(409);
        assertThat(dropped.code()).isEqualTo("TRIAL_DIVERGED");
        assertThat(dropped.body().get("beyond").get(0).asString()).isEqualTo("dropped table public.victim");
        assertThat(count(branch, "SELECT count(*) FROM victim")).isEqualTo(100);
        assertThat(count(branch, "SELECT count(*) FROM flyway_schema_history WHERE script = 'V2__drop.sql'"))
                .isZero();
        assertThat(backdoor.status()).as(String.valueOf(backdoor.body())).isEqualTo(200);
        assertThat(backdoor.body().get("warnings").get(0).asString()).contains("differ", "backdoor");
        assertThat(api.get("/api/v1/audit?target=" + name(branch)).body().get("items"))
                .extracting(e -> e.get("action").asString() + " " + e.get("outcome").asString())
                .contains("branch.migrations.diverged failure");
    }

    /** Attack: a migration that never ends, to hold the check (and its throwaway) forever. */
    @Test
    void aMigrationThatNeverEndsStopsAtTheChecksDeadlineAndLeavesNothingBehind() {
        JsonNode branch = branch();

        Api.Response check = assertTimeoutPreemptively(Duration.ofSeconds(90), () -> api.post(
                migrations(branch) + "/check", set(Map.of("V1__forever.sql", "SELECT pg_sleep(100000);"))));

        assertThat(check.status()).as(String.valueOf(check.body())).isEqualTo(200);
        assertThat(check.body().get("verdict").asString()).isEqualTo("fail");
        assertThat(check.body().get("failure").get("code").asString()).isEqualTo("CHECK_TIMEOUT");
        assertThat(check.body().get("failure").get("migration").get("script").asString())
                .isEqualTo("V1__forever.sql");
        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                api.get("/api/v1/branches?label=offshoot-throwaway=check").body().get("items")).isEmpty());
    }

    /**
     * Attacks on approvals: approve a set never checked; delete the branch and create another of
     * the same name to reuse an approval; use an expired one; spend one twice at the same time.
     */
    @Test
    void approvalsAreForACheckedSetOnOneBranchByIdExpireAndAreSpentOnce() throws Exception {
        JsonNode branch = branch();
        Map<String, Object> drop = set(Map.of("V1__drop_note.sql", "ALTER TABLE accounts DROP COLUMN note;"));

        Api.Response unchecked = api.post(migrations(branch) + "/approvals", drop);
        assertThat(unchecked.status()).as(String.valueOf(unchecked.body())).isEqualTo(409);
        assertThat(unchecked.code()).isEqualTo("SET_NOT_CHECKED");

        String checksum = api.post(migrations(branch) + "/check", drop).body().get("checksum").asString();
        Api.Response issued = api.post(migrations(branch) + "/approvals", Map.of("checksum", checksum));
        assertThat(issued.status()).as(String.valueOf(issued.body())).isEqualTo(201);
        assertThat(Instant.parse(issued.body().get("expiresAt").asString()))
                .isBetween(Instant.now().plus(Duration.ofHours(23)), Instant.now().plus(Duration.ofHours(25)));
        assertThat(issued.body().get("migrations")).extracting(JsonNode::asString)
                .containsExactly("V1__drop_note.sql");
        String id = issued.body().get("id").asString();
        assertThat(storedSql(id)).contains("ALTER TABLE accounts DROP COLUMN note;");

        // the same name, another branch
        assertThat(api.delete("/api/v1/branches/" + name(branch)).status()).isEqualTo(204);
        JsonNode again = branch(name(branch));
        api.post(migrations(again) + "/check", drop);
        Api.Response elsewhere = api.post(migrations(again), with(drop, "approval", id));
        assertThat(elsewhere.code()).as(String.valueOf(elsewhere.body())).isEqualTo("POLICY_VIOLATION");
        assertThat(elsewhere.body().get("detail").asString()).contains("another branch");

        String expiring = api.post(migrations(again) + "/approvals", Map.of("checksum", checksum)).body().get("id")
                .asString();
        expire(expiring);
        Api.Response expired = api.post(migrations(again), with(drop, "approval", expiring));
        assertThat(expired.code()).as(String.valueOf(expired.body())).isEqualTo("POLICY_VIOLATION");
        assertThat(expired.body().get("detail").asString()).contains("expired");

        String once = api.post(migrations(again) + "/approvals", Map.of("checksum", checksum)).body().get("id")
                .asString();
        Api concurrent = Api.concurrent(port, ADMIN_TOKEN);
        List<CompletableFuture<Api.Response>> both = List.of(
                CompletableFuture.supplyAsync(() -> concurrent.post(migrations(again), with(drop, "approval", once))),
                CompletableFuture.supplyAsync(() -> concurrent.post(migrations(again), with(drop, "approval", once))));
        List<Integer> statuses = both.stream().map(CompletableFuture::join).map(Api.Response::status).sorted().toList();
        assertThat(statuses).containsExactly(200, 422);
        assertThat(count(again, "SELECT count(*) FROM information_schema.columns WHERE table_name = 'accounts'"
                + " AND column_name = 'note'")).isZero();
    }

    private Map<String, Object> fingerprintOnTheBranch(JsonNode branch) throws SQLException {
        // in a DO block, as the migrations that compare with it: PL/pgSQL's settings exist once it is loaded
        Api.Response seen = api.post(migrations(branch), set(Map.of("V1__seen.sql",
                "DO $$ BEGIN CREATE TABLE seen AS " + FINGERPRINT + "; END $$;")));
        assertThat(seen.status()).as(String.valueOf(seen.body())).isEqualTo(200);
        try (Connection db = dev.offshoot.branch.BranchTestSupport.connect(branch);
                ResultSet rs = db.createStatement().executeQuery("SELECT row_to_json(s) FROM seen s")) {
            rs.next();
            return JsonMapper.shared().readValue(rs.getString(1), Map.class);
        }
    }

    private static String storedSql(String approval) throws SQLException {
        try (Connection c = DriverManager.getConnection(METADATA.getJdbcUrl(), METADATA.getUsername(),
                METADATA.getPassword());
                PreparedStatement ps = c.prepareStatement("SELECT migrations FROM migration_approval WHERE id = ?")) {
            ps.setObject(1, UUID.fromString(approval));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    /** Moves an approval's expiry into the past, as a day passing would. */
    private static void expire(String approval) throws SQLException {
        try (Connection c = DriverManager.getConnection(METADATA.getJdbcUrl(), METADATA.getUsername(),
                METADATA.getPassword());
                PreparedStatement ps = c.prepareStatement("UPDATE migration_approval SET expires_at = now()"
                        + " - interval '1 second' WHERE id = ?")) {
            ps.setObject(1, UUID.fromString(approval));
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
    }

    private List<String> findings(Api.Response response) {
        return response.body().get("findings").valueStream().map(f -> f.get("level").asString() + " "
                + f.get("rule").asString() + " " + f.get("target").asString() + " "
                + (f.get("migration") == null || f.get("migration").isNull() ? "null" : f.get("migration").asString()))
                .toList();
    }

    private JsonNode branch() {
        return branch("hm-" + suffix());
    }

    private JsonNode branch(String name) {
        Api.Response created = api.post("/api/v1/branches", Map.of("name", name, "template", shop));
        assertThat(created.status()).as(String.valueOf(created.body())).isEqualTo(201);
        return created.body();
    }

    private static String name(JsonNode branch) {
        return branch.get("name").asString();
    }

    private static String migrations(JsonNode branch) {
        return "/api/v1/branches/" + name(branch) + "/migrations";
    }

    private static Map<String, Object> set(Map<String, String> files) {
        return Map.of("migrations", files.entrySet().stream().map(e -> Map.of("name", e.getKey(), "sql",
                e.getValue())).toList());
    }

    private static Map<String, Object> with(Map<String, Object> set, String key, Object value) {
        Map<String, Object> out = new TreeMap<>(set);
        out.put(key, value);
        return out;
    }

    static String suffix() {
        return UUID.randomUUID().toString().substring(0, 6);
    }
}
