package dev.offshoot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Templates (create from SQL, a URL or migrations; pool; policy) and tokens, and branch extend/protect. */
class CliTemplatesAndTokensTest extends StubbedCliTest {

    static final String TEMPLATE = """
            {"name":"shop","database":"shop","owner":"shop","postgresVersion":15,"source":{"type":"SQL","url":null},"createdBy":"admin",
             "createdAt":"2026-01-01T00:00:00Z","latestRevision":1,"imageSizeBytes":0,"databaseSizeBytes":8000000,
             "branchCount":0,"poolSize":2,"poolReady":1,
             "revisions":[{"revision":1,"image":"i","storageDriver":"reflink","imageSizeBytes":0,"databaseSizeBytes":8000000,
               "source":"sql","createdAt":"2026-01-01T00:00:00Z","branchCount":0}]}
            """;

    @Override
    Map<String, String> moreEnvironment() {
        return Map.of("SOURCE_DB", "postgresql://u:src-secret@db:5432/shop");
    }

    @Test
    void templateFromSqlFilesUploadsThemInOrderAsMultipart() throws IOException {
        service.json("POST /api/v1/templates", 201, TEMPLATE);
        Path schema = Files.writeString(dir.resolve("schema.sql"), "CREATE TABLE t (id int);");
        Path data = Files.writeString(dir.resolve("data.sql"), "INSERT INTO t VALUES (1);");

        CliRun run = CliRun.run(env, "template", "create", "shop", "--sql", schema.toString(), "--sql", data.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        StubService.Request request = service.requests.getFirst();
        assertThat(request.contentType()).startsWith("multipart/form-data; boundary=");
        assertThat(request.body()).contains("name=\"name\"\r\n\r\nshop\r\n", "filename=\"schema.sql\"",
                "CREATE TABLE t (id int);").doesNotContain("name=\"database\"");
        assertThat(request.body().indexOf("schema.sql")).isLessThan(request.body().indexOf("data.sql"));
        assertThat(run.out()).contains("revision:", "1 ready of 2");
    }

    @Test
    void templateCreateNamesThePostgresMajorInEitherForm() throws IOException {
        service.json("POST /api/v1/templates", 201, TEMPLATE);
        Path schema = Files.writeString(dir.resolve("schema.sql"), "CREATE TABLE t (id int);");

        CliRun upload = CliRun.run(env, "template", "create", "shop", "--sql", schema.toString(), "--postgres-version", "15");
        CliRun url = CliRun.run(env, "template", "create", "shop", "--source-url-env", "SOURCE_DB", "--postgres-version", "15");
        CliRun unnamed = CliRun.run(env, "template", "create", "shop");

        assertThat(upload.exitCode()).as(upload.err()).isZero();
        assertThat(service.requests.get(0).body()).contains("name=\"postgresVersion\"\r\n\r\n15\r\n");
        assertThat(upload.out()).contains("postgres:", "15");
        assertThat(url.exitCode()).as(url.err()).isZero();
        assertThat(service.requests.get(1).body()).contains("\"postgresVersion\":15");
        assertThat(unnamed.exitCode()).as(unnamed.err()).isZero();
        assertThat(service.requests.get(2).body()).doesNotContain("postgresVersion");
    }

    @Test
    void templateFromAUrlTakesItFromTheEnvironmentNotTheArguments() {
        service.json("POST /api/v1/templates", 201, TEMPLATE);

        CliRun run = CliRun.run(env, "template", "create", "shop", "--source-url-env", "SOURCE_DB", "-q");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo("shop\n");
        assertThat(service.requests.getFirst().body()).contains("\"sourceUrl\":\"postgresql://u:src-secret@db:5432/shop\"");
        assertThat(CliRun.run(env, "template", "create", "x", "--source-url-env", "UNSET").exitCode()).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void templateWithMigrationsBuildsTheNextRevisionFromThem() throws IOException {
        Path migrations = Files.createDirectories(dir.resolve("db"));
        Files.writeString(migrations.resolve("V1__t.sql"), "CREATE TABLE t (id int);");
        service.json("POST /api/v1/templates", 201, TEMPLATE)
                .json("POST /api/v1/templates/shop/migrations", 201, "{\"template\":\"shop\",\"revision\":2}")
                .json("GET /api/v1/templates/shop", 200, TEMPLATE.replace("\"latestRevision\":1", "\"latestRevision\":2"));

        CliRun run = CliRun.run(env, "template", "create", "shop", "--migrations", migrations.toString(), "-o", "json");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(service.requests).extracting(StubService.Request::uri)
                .containsExactly("/api/v1/templates", "/api/v1/templates/shop/migrations", "/api/v1/templates/shop");
        assertThat(service.requests.get(1).body()).contains("V1__t.sql");
        assertThat(CliSettings.JSON.readTree(run.out()).get("latestRevision").asInt()).isEqualTo(2);
    }

    @Test
    void poolSizeListAndDelete() {
        service.json("PATCH /api/v1/templates/shop", 200, TEMPLATE)
                .json("GET /api/v1/templates?limit=200", 200, "{\"items\":[" + TEMPLATE + "]}")
                .json("DELETE /api/v1/templates/shop?force=true", 204, "");

        assertThat(CliRun.run(env, "template", "pool", "shop", "2").exitCode()).isZero();
        assertThat(service.requests.getFirst().body()).isEqualTo("{\"poolSize\":2}");
        assertThat(CliRun.run(env, "template", "list").out()).contains("NAME", "PG", "shop  15  1").contains("1/2");
        assertThat(CliRun.run(env, "template", "delete", "shop", "--force").out()).isEqualTo("Deleted template shop\n");
    }

    @Test
    void policyIsSetFromYamlAndShownAsYaml() throws IOException {
        Path policy = Files.writeString(dir.resolve("policy.yaml"), """
                mode: warning-sensitive
                rules: {RENAME: warning}
                allow: ['^drop_']
                """);
        String stored = "{\"source\":\"template\",\"policy\":{\"mode\":\"warning-sensitive\",\"rules\":{\"RENAME\":\"warning\"}}}";
        service.json("PUT /api/v1/templates/shop/policy", 200, stored).json("GET /api/v1/templates/shop/policy", 200, stored);

        CliRun set = CliRun.run(env, "template", "policy", "set", "shop", policy.toString());

        assertThat(set.exitCode()).as(set.err()).isZero();
        assertThat(CliSettings.JSON.readTree(service.requests.getFirst().body()).get("allow").get(0).asString()).isEqualTo("^drop_");
        assertThat(CliRun.run(env, "template", "policy", "get", "shop").out()).contains("source: \"template\"", "mode: \"warning-sensitive\"");
        Path broken = Files.writeString(dir.resolve("broken.yaml"), "- just\n- a list\n");
        assertThat(CliRun.run(env, "template", "policy", "set", "shop", broken.toString()).exitCode()).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void tokenSecretIsPrintedOnceOrOnlyWrittenToAnOwnerOnlyFile() throws IOException {
        String issued = "{\"token\":\"osh_issued_secret\",\"details\":{\"name\":\"agent\",\"prefix\":\"osh_issu\"}}";
        service.json("POST /api/v1/tokens", 201, issued);

        CliRun printed = CliRun.run(env, "token", "issue", "agent", "--scope", "read", "--scope", "write",
                "--sql-read-only", "--required-label", "owner=agent");
        assertThat(printed.out()).isEqualTo("osh_issued_secret\n");
        assertThat(service.requests.getFirst().body()).contains("\"scopes\":[\"read\",\"write\"]", "\"sqlReadOnly\":true",
                "\"requiredLabels\":{\"owner\":\"agent\"}").doesNotContain("revealSecrets");

        Path secret = dir.resolve("agent.token");
        CliRun filed = CliRun.run(env, "token", "issue", "agent", "--scope", "read", "--secret-file", secret.toString(), "-o", "json");
        assertThat(filed.out()).doesNotContain("osh_issued_secret").contains("\"token\" : null");
        assertThat(Files.readString(secret)).isEqualTo("osh_issued_secret\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(secret))).isEqualTo("rw-------");
    }

    @Test
    void tokenListAndRevoke() {
        service.json("GET /api/v1/tokens?limit=200", 200, "{\"items\":[{\"name\":\"ci\",\"prefix\":\"osh_ab\",\"scopes\":[\"read\",\"write\"]}]}")
                .json("DELETE /api/v1/tokens/ci", 204, "");
        assertThat(CliRun.run(env, "token", "list").out()).contains("ci    osh_ab  read,write");
        assertThat(CliRun.run(env, "token", "revoke", "ci").out()).isEqualTo("Revoked token ci\n");
    }

    @Test
    void idleSuspendIsSetOnCreateAndChangedForABranchAndATemplate() {
        service.json("POST /api/v1/branches", 201, OffshootCliTest.BRANCH.replace("\"protectedBranch\":false",
                        "\"protectedBranch\":false,\"idleSuspend\":\"PT30M\",\"idleSuspendFrom\":\"branch\""))
                .json("PATCH /api/v1/branches/pr-1", 200, OffshootCliTest.BRANCH)
                .json("PATCH /api/v1/templates/shop", 200, TEMPLATE);

        CliRun created = CliRun.run(env, "branch", "create", "pr-1", "--template", "shop", "--idle-suspend", "30m");
        assertThat(created.exitCode()).as(created.err()).isZero();
        assertThat(created.out()).contains("PT30M (branch's setting");
        assertThat(CliRun.run(env, "branch", "idle-suspend", "pr-1", "0").exitCode()).isZero();
        assertThat(CliRun.run(env, "template", "idle-suspend", "shop", "inherit").exitCode()).isZero();

        assertThat(service.requests).extracting(StubService.Request::body).element(0).asString()
                .contains("\"idleSuspend\":\"30m\"");
        assertThat(service.requests).extracting(StubService.Request::body).element(1).isEqualTo("{\"idleSuspend\":\"0\"}");
        assertThat(service.requests).extracting(StubService.Request::body).element(2)
                .isEqualTo("{\"idleSuspend\":\"inherit\"}");
        assertThat(CliRun.run(env, "branch", "idle-suspend", "pr-1").exitCode()).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void extendProtectAndUnprotectPatchTheBranch() {
        service.json("PATCH /api/v1/branches/pr-1", 200, OffshootCliTest.BRANCH);

        assertThat(CliRun.run(env, "branch", "extend", "pr-1", "--ttl", "4h").exitCode()).isZero();
        assertThat(CliRun.run(env, "branch", "protect", "pr-1").exitCode()).isZero();
        assertThat(CliRun.run(env, "branch", "unprotect", "pr-1", "-q").out()).isEqualTo("pr-1\n");

        assertThat(service.requests).extracting(StubService.Request::body)
                .containsExactly("{\"ttl\":\"4h\"}", "{\"protectedBranch\":true}", "{\"protectedBranch\":false}");
        assertThat(CliRun.run(env, "branch", "extend", "pr-1").exitCode()).isEqualTo(ExitCodes.USAGE);
    }
}
