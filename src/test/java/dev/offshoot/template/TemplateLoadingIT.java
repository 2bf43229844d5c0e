package dev.offshoot.template;

import static dev.offshoot.branch.BranchTestSupport.count;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.offshoot.Api;
import dev.offshoot.IntegrationTest;
import dev.offshoot.TestDocker;
import dev.offshoot.runtime.Labels;
import tools.jackson.databind.JsonNode;

/** Uploaded template SQL runs as the owner, under psql's restriction, with no trust anywhere. */
class TemplateLoadingIT extends IntegrationTest {

    @LocalServerPort
    int port;

    Api api;

    @BeforeEach
    void client() {
        api = new Api(port, ADMIN_TOKEN);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"\\c - postgres", "\\! touch /tmp/pwned", "\\o /tmp/x", "\\copy (SELECT 1) TO '/tmp/x'",
            "\\setenv PGUSER postgres", "\\i /etc/passwd", "\\lo_export 1 /tmp/x", "  \\connect app postgres"})
    void metaCommandsAreRefusedNamingFileAndLineAndLeaveNothing(String command) {
        String name = "meta-" + TemplateIT.suffix();

        Api.Response response = upload(name, "evil.sql", "CREATE TABLE a (x int);\n" + command + "\nSELECT 1;\n");

        assertRefused(response, "evil.sql", 2);
        assertNothingLeftOf(name);
    }

    /** Past the friendly scan (not at the start of a line): psql's restriction stops it during the load. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"SELECT 1; \\c - postgres", "SELECT 1; \\! touch /tmp/pwned",
            "SELECT 1 \\g /tmp/x"})
    void metaCommandsAfterSqlOnALineAreStoppedByPsqlsRestriction(String line) {
        String name = "restricted-" + TemplateIT.suffix();

        Api.Response response = upload(name, "sneaky.sql", "CREATE TABLE a (x int);\nINSERT INTO a VALUES (1);\n"
                + line + "\n");

        assertRefused(response, "sneaky.sql", 3);
        assertNothingLeftOf(name);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"SET ROLE postgres;", "ALTER ROLE CURRENT_USER SUPERUSER;",
            "SET SESSION AUTHORIZATION postgres;"})
    void escalatingSqlFailsClearlyBecauseTheLoadIsNotSuperuser(String statement) {
        String name = "escalate-" + TemplateIT.suffix();

        Api.Response response = upload(name, "escalate.sql", "CREATE TABLE a (x int);\n" + statement + "\n");

        assertThat(response.status()).as(String.valueOf(response.body())).isEqualTo(422);
        assertThat(response.code()).isEqualTo("TEMPLATE_SOURCE_FAILED");
        assertThat(response.body().get("detail").asString()).contains("escalate.sql").contains("line 2")
                .containsAnyOf("permission denied", "must be superuser");
        assertNothingLeftOf(name);
    }

    @Test
    void aPgDumpStylePlainFileWithItsOwnRestrictionAndCopyDataLoads() throws Exception {
        String name = "dumped-" + TemplateIT.suffix();
        String dump = """
                --
                -- PostgreSQL database dump
                --

                \\restrict AbC123xyz

                SET statement_timeout = 0;
                CREATE TABLE public.actor (first_name text, actor_id integer);
                ALTER TABLE public.actor OWNER TO postgres;
                CREATE FUNCTION public.f() RETURNS text LANGUAGE sql AS $_$ SELECT 'a line of a dollar quote
                \\ may start with a backslash'::text $_$;
                COPY public.actor (first_name, actor_id) FROM stdin;
                PENELOPE\t1
                \\N\t2
                \\\\c - postgres\t3
                \\.

                \\unrestrict AbC123xyz
                """;

        Api.Response created = upload(name, "pagila-like.sql", dump);

        assertThat(created.status()).as(String.valueOf(created.body())).isEqualTo(201);
        JsonNode branch = api.post("/api/v1/branches", Map.of("name", "dl-" + TemplateIT.suffix(), "template", name))
                .body();
        assertThat(count(branch, "SELECT count(*) FROM actor")).isEqualTo(3);
        assertThat(count(branch, "SELECT count(*) FROM actor WHERE first_name IS NULL")).isEqualTo(1);
        assertThat(count(branch, "SELECT count(*) FROM actor WHERE first_name = '\\c - postgres'")).isEqualTo(1);
    }

    @Test
    void aBranchsPgHbaTrustsNobodyAndTheOwnerNeedsAPassword() {
        String name = "hba-" + TemplateIT.suffix();
        api.post("/api/v1/templates", Map.of("name", name, "database", "shop"));
        api.post("/api/v1/branches", Map.of("name", "hba-" + TemplateIT.suffix(), "template", name));
        String container = TestDocker.containersOf(INSTANCE_ID).stream()
                .filter(c -> name.equals(c.getLabels().get(Labels.TEMPLATE))
                        && Labels.KIND_BRANCH.equals(c.getLabels().get(Labels.KIND)))
                .findFirst().orElseThrow().getId();

        String hba = TestDocker.exec(container, "root", "sh", "-c", "cat \"$PGDATA/pg_hba.conf\"");
        String passwordless = TestDocker.exec(container, "nobody", "psql", "-X", "-w", "-U", "shop", "-d", "shop",
                "-c", "SELECT 1");

        assertThat(hba.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList())
                .isEqualTo(ClientAuthentication.RULES);
        assertThat(hba).doesNotContain("trust");
        assertThat(passwordless).contains("no password supplied");
    }

    private Api.Response upload(String name, String fileName, String content) {
        return api.postSql("/api/v1/templates", Map.of("name", name), Map.of(fileName,
                content.getBytes(StandardCharsets.UTF_8)));
    }

    private static void assertRefused(Api.Response response, String file, int line) {
        assertThat(response.status()).as(String.valueOf(response.body())).isEqualTo(422);
        assertThat(response.code()).isEqualTo("TEMPLATE_SOURCE_REFUSED");
        assertThat(response.body().get("file").asString()).isEqualTo(file);
        assertThat(response.body().get("line").asInt()).isEqualTo(line);
        assertThat(response.body().get("detail").asString()).contains(file).contains("line " + line);
    }

    private void assertNothingLeftOf(String template) {
        assertThat(api.get("/api/v1/templates/" + template).status()).isEqualTo(404);
        assertThat(TestDocker.containersOf(INSTANCE_ID))
                .noneMatch(c -> template.equals(c.getLabels().get(Labels.TEMPLATE)));
        assertThat(TestDocker.client().listImagesCmd().withLabelFilter(Map.of(Labels.INSTANCE, INSTANCE_ID,
                Labels.TEMPLATE, template)).exec()).isEmpty();
    }
}
