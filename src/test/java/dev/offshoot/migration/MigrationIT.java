package dev.offshoot.migration;

import static dev.offshoot.branch.BranchTestSupport.count;
import static dev.offshoot.branch.BranchTestSupport.sql;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.offshoot.Api;
import dev.offshoot.IntegrationTest;
import dev.offshoot.Scrape;
import tools.jackson.databind.JsonNode;

/** Migrations on real branches of a Pagila template: apply, re-run, failures, checks, diff, lint. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MigrationIT extends IntegrationTest {

    static final Path SAMPLES = Path.of(System.getProperty("offshoot.test.samples", "samples"));

    @LocalServerPort
    int port;

    Api api;
    final String pagila = "mig-pagila-" + suffix();

    @BeforeAll
    void pagilaTemplate() throws IOException {
        api = new Api(port, ADMIN_TOKEN);
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("pagila-schema.sql", Files.readAllBytes(SAMPLES.resolve("pagila/pagila-schema.sql")));
        files.put("pagila-data.sql", Files.readAllBytes(SAMPLES.resolve("pagila/pagila-data.sql")));
        Api.Response template = api.postSql("/api/v1/templates", Map.of("name", pagila, "database", "pagila"), files);
        assertThat(template.status()).as(String.valueOf(template.body())).isEqualTo(201);
    }

    @Test
    void sampleMigrationsApplyOnAPagilaBranchAndTheirRerunIsANoOp() throws Exception {
        JsonNode branch = branch();
        Map<String, byte[]> sample = sampleFiles();

        // V006 drops a column: the default policy refuses the set until a person approves it
        long checkStarted = System.nanoTime();
        String approval = approval(branch, api.postSql(migrations(branch), Map.of(), sample));
        long refusedMs = (System.nanoTime() - checkStarted) / 1_000_000;
        long started = System.nanoTime();
        Api.Response first = api.postSql(migrations(branch), Map.of("approval", approval), sample);
        long firstMs = (System.nanoTime() - started) / 1_000_000;
        Api.Response again = api.postSql(migrations(branch), Map.of(), sample);

        assertThat(first.status()).as(String.valueOf(first.body())).isEqualTo(200);
        assertThat(first.body().get("applied")).extracting(m -> m.get("script").asString())
                .containsExactly("V001__add_base_schema.sql", "V002__add_user_agent.sql", "V003__add_api_id.sql",
                        "V004__add_rule_violation_details.sql", "V005__add_api_review_external_id.sql",
                        "V006__drop_json_payload_column.sql", "V007__add_index_in_rule_violation.sql");
        assertThat(first.body().get("schemaVersion").asString()).isEqualTo("007");
        assertThat(again.status()).as(String.valueOf(again.body())).isEqualTo(200);
        assertThat(again.body().get("migrationsExecuted").asInt()).isZero();
        assertThat(again.body().get("schemaVersion").asString()).isEqualTo("007");
        assertThat(count(branch, "SELECT count(*) FROM information_schema.columns WHERE table_name = 'api_review'"
                + " AND column_name = 'json_payload'")).isZero();
        assertThat(count(branch, "SELECT count(*) FROM film")).isEqualTo(1000);
        JsonNode history = api.get(migrations(branch)).body();
        assertThat(history.get("items")).extracting(i -> i.get("script").asString())
                .contains("V001__add_base_schema.sql", "V007__add_index_in_rule_violation.sql");
        assertThat(first.body().get("approval").asString()).isEqualTo(approval);
        System.out.printf("samples/migrations on a Pagila branch: refused after a check in %d ms, 7 applied with an"
                + " approval in %d ms (request, the check reused), re-run no-op%n", refusedMs, firstMs);
    }

    @Test
    void aZipOrATarGzOfTheMigrationsFolderAppliesLikeTheFiles() throws Exception {
        JsonNode zipped = branch();
        JsonNode tarred = branch();

        Map<String, byte[]> zipFile = Map.of("migrations.zip", Archives.zip(sampleFiles()));
        Map<String, byte[]> tarFile = Map.of("migrations.tar.gz", tarGz());
        Api.Response zip = api.postSql(migrations(zipped), Map.of("approval", approval(zipped,
                api.postSql(migrations(zipped), Map.of("dryRun", "true"), zipFile))), zipFile);
        Api.Response tar = api.postSql(migrations(tarred), Map.of("approval", approval(tarred,
                api.postSql(migrations(tarred), Map.of(), tarFile))), tarFile);

        assertThat(zip.status()).as(String.valueOf(zip.body())).isEqualTo(200);
        assertThat(zip.body().get("migrationsExecuted").asInt()).isEqualTo(7);
        assertThat(tar.status()).as(String.valueOf(tar.body())).isEqualTo(200);
        assertThat(tar.body().get("migrationsExecuted").asInt()).isEqualTo(7);
    }

    /** An approval of the set a response refused (422 POLICY_VIOLATION) or a dry run judged fail, by the admin. */
    private String approval(JsonNode branch, Api.Response judged) {
        if (judged.status() == 422) {
            assertThat(judged.code()).isEqualTo("POLICY_VIOLATION");
        } else {
            assertThat(judged.body().get("dryRun").asBoolean()).isTrue();
            assertThat(judged.body().get("verdict").asString()).isEqualTo("fail");
            assertThat(judged.body().get("plan")).hasSize(7);
        }
        Api.Response approval = api.post(migrations(branch) + "/approvals", Map.of("checksum",
                judged.body().get("checksum").asString()));
        assertThat(approval.status()).as(String.valueOf(approval.body())).isEqualTo(201);
        return approval.body().get("id").asString();
    }

    @Test
    void aChangedAppliedMigrationIsAValidationErrorNotARerun() throws Exception {
        JsonNode branch = branch();
        api.post(migrations(branch), set(Map.of("V1__things.sql", "CREATE TABLE things (id int);")));

        Api.Response changed = api.post(migrations(branch), set(Map.of("V1__things.sql",
                "CREATE TABLE things (id bigint);")));

        assertThat(changed.status()).as(String.valueOf(changed.body())).isEqualTo(409);
        assertThat(changed.code()).isEqualTo("MIGRATION_VALIDATION_FAILED");
        assertThat(count(branch, "SELECT count(*) FROM information_schema.columns WHERE table_name = 'things'"
                + " AND data_type = 'integer'")).isEqualTo(1);
    }

    @Test
    void aSetThatFailsOnTheCopyIsRefusedAndTheAnswerPinpointsIt() throws Exception {
        JsonNode branch = branch();
        Map<String, String> files = new TreeMap<>();
        files.put("V1__ok.sql", "CREATE TABLE ok_table (id int);");
        files.put("V2__bad.sql", "ALTER TABLE film ADD COLUMN rating_note text;\n"
                + "UPDATE film SET rating_note = 'x';\nSELECT no_such_function(film_id) FROM film;\n");

        Api.Response failed = api.post(migrations(branch), set(files));

        assertThat(failed.status()).as(String.valueOf(failed.body())).isEqualTo(422);
        assertThat(failed.code()).isEqualTo("TRIAL_FAILED");
        JsonNode migration = failed.body().get("migration");
        assertThat(migration.get("script").asString()).isEqualTo("V2__bad.sql");
        assertThat(migration.get("sqlState").asString()).isEqualTo("42883");
        assertThat(migration.get("statement").asString()).contains("no_such_function");
        assertThat(migration.get("line").asInt()).isEqualTo(3);
        assertThat(migration.get("position").asInt()).isEqualTo(8);
        assertThat(migration.get("message").asString()).contains("no_such_function");
        assertThat(count(branch, "SELECT count(*) FROM information_schema.columns WHERE table_name = 'film'"
                + " AND column_name = 'rating_note'")).isZero();
        // nothing of the set ran for real: not even the migration before the failing one
        assertThat(count(branch, "SELECT count(*) FROM pg_tables WHERE tablename = 'ok_table'")).isZero();
        assertThat(api.get(migrations(branch)).body().get("items")).isEmpty();
    }

    @Test
    void createIndexConcurrentlyRunsOutsideATransaction() throws Exception {
        JsonNode branch = branch();

        Api.Response applied = api.post(migrations(branch), set(Map.of("V1__rental_index.sql",
                "CREATE INDEX CONCURRENTLY rental_return_date_idx ON rental (return_date);")));

        assertThat(applied.status()).as(String.valueOf(applied.body())).isEqualTo(200);
        assertThat(count(branch, "SELECT count(*) FROM pg_indexes WHERE indexname = 'rental_return_date_idx'"))
                .isEqualTo(1);
    }

    @Test
    void aCheckLeavesTheTargetUntouchedAndReportsLocksRewritesDiffAndLint() throws Exception {
        JsonNode branch = branch();
        Map<String, String> files = new TreeMap<>();
        files.put("V1__narrow_address2.sql", "ALTER TABLE address ALTER COLUMN address2 TYPE varchar(100);");
        files.put("V2__drop_language_last_update.sql", "ALTER TABLE language DROP COLUMN last_update;");

        Scrape before = Scrape.of(port, ADMIN_TOKEN);
        long started = System.nanoTime();
        Api.Response check = api.post(migrations(branch) + "/check", set(files));
        long checkMs = (System.nanoTime() - started) / 1_000_000;
        Scrape after = Scrape.of(port, ADMIN_TOKEN);

        assertThat(check.status()).as(String.valueOf(check.body())).isEqualTo(200);
        JsonNode report = check.body();
        assertThat(report.get("verdict").asString()).isEqualTo("fail");
        assertThat(report.get("passed").asBoolean()).isFalse();
        assertThat(report.get("policy").get("source").asString()).isEqualTo("default");
        assertThat(report.get("findings")).extracting(f -> f.get("level").asString() + " " + f.get("rule").asString())
                .contains("error DROP_COLUMN", "error TYPE_NARROWING");
        assertThat(report.get("locks")).anySatisfy(lock -> {
            assertThat(lock.get("migration").asString()).isEqualTo("V1__narrow_address2.sql");
            assertThat(lock.get("relation").asString()).isEqualTo("public.address");
            assertThat(lock.get("mode").asString()).isEqualTo("AccessExclusiveLock");
            assertThat(lock.get("rowEstimate").asLong()).isEqualTo(603);
        });
        assertThat(report.get("rewrites")).extracting(r -> r.get("table").asString()).contains("public.address");
        assertThat(report.get("lint")).extracting(f -> f.get("rule").asString() + " " + f.get("migration").asString())
                .contains("DROP_COLUMN V2__drop_language_last_update.sql", "TYPE_NARROWING V1__narrow_address2.sql");
        assertThat(report.get("diffText").asString()).contains("~ table public.address",
                "~ column address2: text NULL -> character varying(100) NULL", "- column last_update");
        assertThat(count(branch, "SELECT count(*) FROM information_schema.columns WHERE table_name = 'language'"
                + " AND column_name = 'last_update'")).isEqualTo(1);
        assertThat(count(branch, "SELECT count(*) FROM information_schema.columns WHERE table_name = 'address'"
                + " AND column_name = 'address2' AND data_type = 'text'")).isEqualTo(1);
        assertThat(count(branch, "SELECT count(*) FROM pg_tables WHERE tablename = 'flyway_schema_history'")).isZero();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                api.get("/api/v1/branches?label=offshoot-throwaway=check").body().get("items")).isEmpty());
        // every phase of the check is a timer on /actuator/prometheus (two readings: before and after)
        for (String phase : List.of("copy", "lint", "migrate", "effects")) {
            String series = "offshoot_check_seconds_count{phase=\"" + phase + "\"}";
            assertThat(after.value(series)).as(series).isGreaterThanOrEqualTo(before.value(series) + 1);
        }
        String readings = "offshoot_check_seconds_count{phase=\"inspect\"}";
        assertThat(after.value(readings)).isGreaterThanOrEqualTo(before.value(readings) + 2);
        String starts = "offshoot_instance_start_seconds_count{phase=\"start\"}";
        assertThat(after.value(starts)).as("the throwaway's start").isGreaterThanOrEqualTo(before.value(starts) + 1);
        assertThat(after.text()).contains("offshoot_check_seconds_sum{phase=\"migrate\"}",
                "offshoot_check_seconds_bucket{phase=\"copy\",le=\"+Inf\"}");
        if (!onKubernetes()) {
            // the reflink driver's timer: on Kubernetes a CSI snapshot copies and no Pod is paused
            assertThat(after.text()).contains("offshoot_fork_copy_seconds_count{phase=\"pause\"}");
        }
        System.out.printf("check of 2 migrations on a Pagila branch: %d ms (request), locks %s%n", checkMs,
                report.get("locks"));
    }

    @Test
    void aFailingCheckReportsTheFailureAndStillLeavesNothingBehind() {
        JsonNode branch = branch();

        Api.Response check = api.post(migrations(branch) + "/check", set(Map.of("V1__bad.sql",
                "ALTER TABLE film ADD COLUMN x int NOT NULL;")));

        assertThat(check.status()).as(String.valueOf(check.body())).isEqualTo(200);
        assertThat(check.body().get("passed").asBoolean()).isFalse();
        assertThat(check.body().get("failure").get("migration").get("sqlState").asString()).isEqualTo("23502");
        assertThat(check.body().get("lint")).extracting(f -> f.get("rule").asString())
                .contains("ADD_NOT_NULL_WITHOUT_DEFAULT");
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                api.get("/api/v1/branches?label=offshoot-throwaway=check").body().get("items")).isEmpty());
    }

    @Test
    void theDiffAgainstTheParentShowsExactlyWhatChanged() {
        JsonNode branch = branch();
        sql(branch, "CREATE TABLE widgets (id int PRIMARY KEY, label text NOT NULL DEFAULT 'w');"
                + " ALTER TABLE film ADD COLUMN subtitle text; CREATE INDEX film_subtitle_idx ON film (subtitle);"
                + " DROP VIEW actor_info; ALTER TABLE actor ALTER COLUMN last_name DROP NOT NULL");

        Api.Response diff = api.get("/api/v1/branches/" + name(branch) + "/diff");

        assertThat(diff.status()).as(String.valueOf(diff.body())).isEqualTo(200);
        JsonNode body = diff.body();
        assertThat(body.get("base").get("kind").asString()).isEqualTo("template");
        assertThat(body.get("base").get("revision").asInt()).isEqualTo(1);
        assertThat(body.get("changes").get("tables").get("added")).extracting(JsonNode::asString)
                .containsExactly("public.widgets");
        assertThat(body.get("changes").get("tables").get("removed")).isEmpty();
        assertThat(body.get("changes").get("tables").get("changed")).extracting(t -> t.get("name").asString())
                .containsExactlyInAnyOrder("public.film", "public.actor");
        assertThat(body.get("changes").get("views").get("removed")).extracting(v -> v.get("name").asString())
                .containsExactly("public.actor_info");
        assertThat(body.get("text").asString()).startsWith("""
                + table public.widgets
                ~ table public.actor
                    ~ column last_name: text NOT NULL -> text NULL
                ~ table public.film
                    + column subtitle text NULL
                    + index film_subtitle_idx: CREATE INDEX film_subtitle_idx ON public.film USING btree (subtitle)
                - view public.actor_info: SELECT a.actor_id,""");
        assertThat(api.get("/api/v1/branches?label=offshoot-throwaway=diff").body().get("items")).isEmpty();
    }

    @Test
    void schemaInspectionListsTablesColumnsIndexesViewsFunctionsAndExtensions() {
        JsonNode branch = branch();

        Api.Response schema = api.get("/api/v1/branches/" + name(branch) + "/schema");

        assertThat(schema.status()).as(String.valueOf(schema.body())).isEqualTo(200);
        JsonNode film = Stream.of(schema.body().get("tables")).flatMap(t -> t.valueStream())
                .filter(t -> t.get("name").asString().equals("film")).findFirst().orElseThrow();
        assertThat(film.get("rowEstimate").asLong()).isEqualTo(1000);
        assertThat(film.get("sizeBytes").asLong()).isPositive();
        assertThat(film.get("columns")).extracting(c -> c.get("name").asString()).contains("title", "fulltext");
        assertThat(film.get("indexes")).extracting(i -> i.get("name").asString()).contains("film_pkey");
        assertThat(film.get("constraints")).extracting(c -> c.get("type").asString()).contains("primary key",
                "foreign key");
        assertThat(schema.body().get("views")).extracting(v -> v.get("name").asString()).contains("film_list");
        assertThat(schema.body().get("functions")).extracting(f -> f.get("name").asString())
                .contains("last_updated");
        assertThat(schema.body().get("extensions")).extracting(e -> e.get("name").asString()).contains("plpgsql");
    }

    @Test
    void sqlRunsStatementsWithLimitsReadOnlyModeAndSqlStateErrors() {
        JsonNode branch = branch();
        String path = "/api/v1/branches/" + name(branch) + "/sql";

        Api.Response select = api.post(path, Map.of("sql", "SELECT film_id, title, rental_rate FROM film ORDER BY"
                + " film_id; SELECT 1 AS one", "maxRows", 5));
        Api.Response readOnlySelect = api.post(path, Map.of("sql", "SELECT film_id FROM film ORDER BY film_id",
                "maxRows", 5, "readOnly", true));
        // a read-only run is one statement
        Api.Response readOnlyTwo = api.post(path, Map.of("sql", "SELECT 1; SELECT 2", "readOnly", true));
        Api.Response readOnlyWrite = api.post(path, Map.of("sql", "DELETE FROM language", "readOnly", true));
        Api.Response error = api.post(path, Map.of("sql", "UPDATE film SET title = 'x' WHERE film_id = 1;"
                + " SELECT nope FROM film"));
        Api.Response timeout = api.post(path, Map.of("sql", "SELECT pg_sleep(5)", "timeout", "200ms"));

        assertThat(select.status()).as(String.valueOf(select.body())).isEqualTo(200);
        JsonNode first = select.body().get("results").get(0);
        assertThat(first.get("columns")).extracting(c -> c.get("name").asString())
                .containsExactly("film_id", "title", "rental_rate");
        assertThat(first.get("rows")).hasSize(5);
        assertThat(first.get("truncated").asBoolean()).isTrue();
        assertThat(first.get("rows").get(0).get(0).asInt()).isEqualTo(1);
        assertThat(select.body().get("results").get(1).get("rows").get(0).get(0).asInt()).isEqualTo(1);
        assertThat(readOnlySelect.body().get("readOnly").asBoolean()).isTrue();
        assertThat(readOnlySelect.body().get("results").get(0).get("rows")).hasSize(5);
        assertThat(readOnlySelect.body().get("results").get(0).get("truncated").asBoolean()).isTrue();
        assertThat(readOnlyTwo.code()).isEqualTo("INVALID_SQL");
        assertThat(readOnlyWrite.code()).isEqualTo("SQL_ERROR");
        assertThat(readOnlyWrite.body().get("sqlError").get("sqlState").asString()).isEqualTo("25006");
        assertThat(error.status()).isEqualTo(422);
        assertThat(error.body().get("sqlError").get("statementIndex").asInt()).isEqualTo(1);
        assertThat(error.body().get("sqlError").get("sqlState").asString()).isEqualTo("42703");
        assertThat(error.body().get("sqlError").get("position").asInt()).isEqualTo(8);
        assertThat(timeout.body().get("sqlError").get("sqlState").asString()).isEqualTo("57014");
        assertThat(api.post(path, Map.of("sql", "SELECT count(*) FROM film WHERE title = 'x'")).body()
                .get("results").get(0).get("rows").get(0).get(0).asInt()).isZero();
    }

    @Test
    void badRequestsGetProblemDetailsAndChangeNothing() throws Exception {
        JsonNode branch = branch();

        Api.Response badName = api.post(migrations(branch), set(Map.of("add_things.sql", "CREATE TABLE t (id int);")));
        Api.Response badArchive = api.postSql(migrations(branch), Map.of(), Map.of("m.zip", "not a zip".getBytes()));
        Api.Response tooLarge = api.post(migrations(branch), set(Map.of("V1__big.sql",
                "-- " + "x".repeat(11 * 1024 * 1024))));
        Api.Response hugeBody = api.post(migrations(branch), set(Map.of("V1__huge.sql",
                "-- " + "x".repeat(25 * 1024 * 1024))));
        Api.Response unknown = api.post("/api/v1/branches/no-such-" + suffix() + "/migrations",
                set(Map.of("V1__a.sql", "SELECT 1")));

        assertThat(badName.status()).isEqualTo(400);
        assertThat(badName.code()).isEqualTo("INVALID_MIGRATION_NAME");
        assertThat(badArchive.code()).isEqualTo("INVALID_ARCHIVE");
        assertThat(tooLarge.status()).isEqualTo(413);
        assertThat(tooLarge.code()).isEqualTo("PAYLOAD_TOO_LARGE");
        assertThat(hugeBody.status()).isEqualTo(413);
        assertThat(hugeBody.body().get("detail").asString()).contains("request body exceeds");
        assertThat(unknown.code()).isEqualTo("BRANCH_NOT_FOUND");
        assertThat(api.get(migrations(branch)).body().get("items")).isEmpty();
        assertThat(count(branch, "SELECT count(*) FROM pg_tables WHERE tablename = 't'")).isZero();
    }

    @Test
    void aTemplateRevisionFromMigrationsCarriesThemAndItsBranchesStartMigrated() throws Exception {
        Api.Response revision = api.postSql("/api/v1/templates/" + pagila + "/migrations", Map.of(), sampleFiles());

        assertThat(revision.status()).as(String.valueOf(revision.body())).isEqualTo(201);
        assertThat(revision.body().get("baseRevision").asInt()).isEqualTo(1);
        assertThat(revision.body().get("schemaVersion").asString()).isEqualTo("007");
        int number = revision.body().get("revision").asInt();
        JsonNode branch = api.post("/api/v1/branches", Map.of("name", "mig-" + suffix(), "template", pagila,
                "revision", number)).body();
        assertThat(count(branch, "SELECT count(*) FROM api_review")).isZero();
        assertThat(count(branch, "SELECT count(*) FROM film")).isEqualTo(1000);
        Api.Response rerun = api.postSql(migrations(branch), Map.of(), sampleFiles());
        assertThat(rerun.body().get("migrationsExecuted").asInt()).as(String.valueOf(rerun.body())).isZero();
        assertThat(api.get("/api/v1/templates/" + pagila).body().get("revisions").get(number - 1).get("source")
                .asString()).startsWith("revision 1 + migrations V001__add_base_schema.sql");
        Api.Response failing = api.post("/api/v1/templates/" + pagila + "/migrations",
                set(Map.of("V100__bad.sql", "SELECT no_such_function();")));
        assertThat(failing.code()).isEqualTo("MIGRATION_FAILED");
        assertThat(api.get("/api/v1/templates/" + pagila).body().get("latestRevision").asInt()).isEqualTo(number);
        assertThat(api.get("/api/v1/branches?label=offshoot-throwaway=revision").body().get("items")).isEmpty();
    }

    private JsonNode branch() {
        // revision 1 always: a test here adds revision 2 from migrations
        Api.Response created = api.post("/api/v1/branches", Map.of("name", "mig-" + suffix(), "template", pagila,
                "revision", 1));
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

    static Map<String, byte[]> sampleFiles() throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> paths = Files.list(SAMPLES.resolve("migrations"))) {
            for (Path p : paths.filter(p -> p.toString().endsWith(".sql")).toList()) {
                files.put(p.getFileName().toString(), Files.readAllBytes(p));
            }
        }
        return files;
    }

    /** The real tar tool makes the archive, so the reader is tested against what users upload. */
    static byte[] tarGz() throws Exception {
        Path archive = Files.createTempFile("migrations-", ".tar.gz");
        try {
            Process tar = new ProcessBuilder("tar", "-czf", archive.toString(), "-C", SAMPLES.toString(),
                    "migrations").redirectErrorStream(true).start();
            assertThat(tar.waitFor()).isZero();
            return Files.readAllBytes(archive);
        } finally {
            Files.deleteIfExists(archive);
        }
    }

    static String suffix() {
        return UUID.randomUUID().toString().substring(0, 6);
    }

}
