package dev.offshoot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import org.junit.jupiter.api.Test;

class OffshootCliTest extends StubbedCliTest {

    static final String TOKEN = "tok-secret-123";
    static final String PASSWORD = "pw-s3cret";
    static final String BRANCH = """
            {"name":"pr-1","status":"READY","template":"pagila","templateRevision":2,"labels":{"pr":"1"},
             "expiresAt":"2026-01-01T00:00:00Z","protectedBranch":false,
             "connection":{"host":"localhost","port":23001,"database":"pagila","user":"o_pr1",
               "password":"%s","uri":"postgresql://o_pr1:%s@localhost:23001/pagila"},
             "readOnlyConnection":{"host":"localhost","port":23001,"database":"pagila","user":"offshoot_ro",
               "password":"ro-pw","uri":"postgresql://offshoot_ro:ro-pw@localhost:23001/pagila"}}
            """.formatted(PASSWORD, PASSWORD);


    @Test
    void loginChecksTheTokenAndSavesItOwnerOnly() throws IOException {
        service.json("GET /api/v1/branches?limit=1", 200, "{\"items\":[]}")
                .json("GET /api/v1/branches?limit=200", 200, "{\"items\":[]}");
        Map<String, String> fresh = Map.of("OFFSHOOT_CONFIG", dir.resolve("conf/cli.json").toString());

        CliRun login = CliRun.withStdin(fresh, TOKEN + "\n", "login", "--url", service.url() + "/");

        assertThat(login.exitCode()).isZero();
        assertThat(login.out() + login.err()).doesNotContain(TOKEN);
        assertThat(service.requests.getFirst().authorization()).isEqualTo("Bearer " + TOKEN);
        Path config = dir.resolve("conf/cli.json");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(config))).isEqualTo("rw-------");
        assertThat(Files.readString(config)).contains(TOKEN).contains("\"" + service.url() + "\"");
        // the saved settings are used when the environment has none
        assertThat(CliRun.run(fresh, "branch", "list").exitCode()).isZero();
    }

    @Test
    void loginWithAWrongTokenSavesNothing() throws IOException {
        service.json("GET /api/v1/branches?limit=1", 401, "{\"code\":\"UNAUTHENTICATED\",\"detail\":\"bad token\",\"retryable\":false}");
        Path token = Files.writeString(dir.resolve("token"), "wrong\n");

        CliRun login = CliRun.run(Map.of("OFFSHOOT_CONFIG", dir.resolve("cli.json").toString()),
                "login", "--url", service.url(), "--token-file", token.toString());

        assertThat(login.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(login.err()).contains("UNAUTHENTICATED: bad token").doesNotContain("wrong");
        assertThat(dir.resolve("cli.json")).doesNotExist();
    }

    @Test
    void environmentOverridesTheSavedSettings() throws IOException {
        service.json("GET /api/v1/branches?limit=200", 200, "{\"items\":[]}");
        Files.writeString(dir.resolve("cli.json"), "{\"url\":\"http://127.0.0.1:1\",\"token\":\"saved\"}");
        assertThat(CliRun.run(env, "branch", "list").exitCode()).isZero();
        assertThat(service.requests.getFirst().authorization()).isEqualTo("Bearer " + TOKEN);

        Files.writeString(dir.resolve("cli.json"), "not json");
        assertThat(CliRun.run(env, "branch", "list").exitCode()).isZero();
    }

    @Test
    void notLoggedInIsAUsageError() {
        CliRun run = CliRun.run(Map.of("OFFSHOOT_CONFIG", dir.resolve("none.json").toString()), "branch", "list");
        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("not logged in");
    }

    @Test
    void createSendsParentLabelsAndTtlAndPrintsNoPassword() {
        service.json("POST /api/v1/branches", 201, BRANCH);

        CliRun run = CliRun.run(env, "branch", "create", "pr-1", "--template", "pagila", "--label", "pr=1",
                "--label", "repo=acme/shop", "--ttl", "2h");

        assertThat(run.exitCode()).isZero();
        assertThat(service.requests.getFirst().body()).contains("\"name\":\"pr-1\"", "\"template\":\"pagila\"",
                "\"ttl\":\"2h\"", "\"repo\":\"acme/shop\"").doesNotContain("fromBranch");
        assertThat(run.out()).contains("postgresql://o_pr1@localhost:23001/pagila", "pr=1").doesNotContain(PASSWORD);
    }

    @Test
    void createNeedsExactlyOneParent() {
        assertThat(CliRun.run(env, "branch", "create", "x").exitCode()).isEqualTo(ExitCodes.USAGE);
        CliRun both = CliRun.run(env, "branch", "create", "x", "--template", "a", "--from-branch", "b");
        assertThat(both.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(both.err()).contains("mutually exclusive");
        assertThat(service.requests).isEmpty();
    }

    @Test
    void jsonOutputOfGetHasNoPasswords() {
        service.json("GET /api/v1/branches/pr-1", 200, BRANCH);

        CliRun run = CliRun.run(env, "branch", "get", "pr-1", "--json");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("\"uri\" : \"postgresql://o_pr1@localhost:23001/pagila\"")
                .doesNotContain(PASSWORD).doesNotContain("ro-pw");
    }

    @Test
    void listPrintsATableAndPassesLabelFilters() {
        service.json("GET /api/v1/branches?label=pr%3D1&label=repo%3Da%2Fb&limit=200", 200, "{\"items\":[" + BRANCH + "]}");

        CliRun run = CliRun.run(env, "branch", "list", "--label", "pr=1", "--label", "repo=a/b");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out().lines().toList()).containsExactly(
                "NAME  STATUS  TEMPLATE  EXPIRES               LABELS",
                "pr-1  READY   pagila    2026-01-01T00:00:00Z  pr=1");
    }

    @Test
    void suspendAndWakePostToTheBranchAndShowItsStatus() {
        service.json("POST /api/v1/branches/pr-1/suspend", 200, BRANCH.replace("\"READY\"", "\"SUSPENDED\""))
                .json("POST /api/v1/branches/pr-1/wake", 200, BRANCH);

        CliRun suspended = CliRun.run(env, "branch", "suspend", "pr-1");
        CliRun woken = CliRun.run(env, "branch", "wake", "pr-1");

        assertThat(suspended.exitCode()).as(suspended.err()).isZero();
        assertThat(suspended.out()).contains("SUSPENDED").doesNotContain(PASSWORD);
        assertThat(woken.exitCode()).as(woken.err()).isZero();
        assertThat(woken.out()).contains("READY");
        assertThat(service.requests).extracting(r -> r.method() + " " + r.uri())
                .containsExactly("POST /api/v1/branches/pr-1/suspend", "POST /api/v1/branches/pr-1/wake");
    }

    @Test
    void problemsMapToExitCodesWithCodeAndDetail() {
        service.json("GET /api/v1/branches/gone", 404, "{\"code\":\"BRANCH_NOT_FOUND\",\"detail\":\"no live branch named 'gone'\",\"retryable\":false}")
                .json("DELETE /api/v1/branches/kept", 409, "{\"code\":\"BRANCH_PROTECTED\",\"detail\":\"protected\",\"retryable\":false}")
                .json("POST /api/v1/branches/busy/reset", 503, "{\"code\":\"BRANCH_BUSY\",\"detail\":\"try again\",\"retryable\":true}");

        CliRun missing = CliRun.run(env, "branch", "get", "gone");
        assertThat(missing.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(missing.err()).isEqualTo("error: BRANCH_NOT_FOUND: no live branch named 'gone'\n");
        assertThat(CliRun.run(env, "branch", "delete", "kept").exitCode()).isEqualTo(ExitCodes.CONFLICT);
        assertThat(CliRun.run(env, "branch", "reset", "busy").exitCode()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(service.requests).allSatisfy(r -> assertThat(r.uri()).doesNotContain(TOKEN));
    }

    @Test
    void unreachableServiceIsRetryable() {
        service.close();
        CliRun run = CliRun.run(env, "branch", "list");
        assertThat(run.exitCode()).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(run.err()).contains("UNREACHABLE").doesNotContain(TOKEN);
    }

    @Test
    void deleteForcePassesTheFlag() {
        service.json("DELETE /api/v1/branches/pr-1?force=true", 204, "");
        CliRun run = CliRun.run(env, "branch", "delete", "pr-1", "--force");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo("Deleted pr-1\n");
    }

    @Test
    void connectionStringPrintsTheUriOrWritesItToAnOwnerOnlyEnvFile() throws IOException {
        service.json("GET /api/v1/branches/pr-1", 200, BRANCH);
        assertThat(CliRun.run(env, "connection-string", "pr-1").out())
                .isEqualTo("postgresql://o_pr1:" + PASSWORD + "@localhost:23001/pagila\n");
        assertThat(CliRun.run(env, "connection-string", "pr-1", "--read-only").out())
                .isEqualTo("postgresql://offshoot_ro:ro-pw@localhost:23001/pagila\n");

        Path envFile = Files.writeString(dir.resolve(".env"), "OTHER=1\nDATABASE_URL=old\n");
        CliRun written = CliRun.run(env, "connection-string", "pr-1", "--env-file", envFile.toString());

        assertThat(written.exitCode()).isZero();
        assertThat(written.out() + written.err()).doesNotContain(PASSWORD);
        assertThat(Files.readAllLines(envFile)).containsExactly("OTHER=1",
                "DATABASE_URL=postgresql://o_pr1:" + PASSWORD + "@localhost:23001/pagila");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(envFile))).isEqualTo("rw-------");
    }

    @Test
    void envFileVariableMustBeAShellName() {
        CliRun run = CliRun.run(env, "connection-string", "pr-1", "--env-file", dir.resolve("e").toString(),
                "--var", "X;rm -rf /");
        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(service.requests).isEmpty();
    }

    @Test
    void migrateCheckSendsTheDirectorysSqlFilesInOrderAndFailsWithThree() throws IOException {
        Path migrations = Files.createDirectories(dir.resolve("db"));
        Files.writeString(migrations.resolve("V2__b.sql"), "alter table t add column c int;");
        Files.writeString(migrations.resolve("V1__a.sql"), "create table t(id int);");
        Files.writeString(migrations.resolve("notes.txt"), "ignored");
        service.json("POST /api/v1/branches/pr-1/migrations/check", 200, """
                {"branch":"pr-1","passed":false,"durationMs":12,"initialVersion":null,"schemaVersion":"1",
                 "migrations":[{"version":"1","description":"a","durationMs":3}],"locks":[],"rewrites":[],"lint":[],
                 "failure":{"code":"MIGRATION_FAILED","detail":"V2__b.sql: column exists"}}""");

        CliRun run = CliRun.run(env, "migrate", "check", "pr-1", migrations.toString());

        assertThat(run.exitCode()).isEqualTo(ExitCodes.CONFLICT);
        assertThat(run.out()).startsWith("FAILED: check of pr-1").contains("MIGRATION_FAILED: V2__b.sql: column exists");
        String body = service.requests.getFirst().body();
        assertThat(body).doesNotContain("notes.txt");
        assertThat(body.indexOf("V1__a.sql")).isLessThan(body.indexOf("V2__b.sql"));
    }

    @Test
    void migrateOfAnEmptyDirectoryIsAUsageError() throws IOException {
        CliRun run = CliRun.run(env, "migrate", "apply", "pr-1", Files.createDirectories(dir.resolve("empty")).toString());
        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("no .sql files");
    }

    @Test
    void diffAsksForTextAgainstTheGivenBranch() {
        service.text("GET /api/v1/branches/pr-1/diff?against=main&format=text", "+ table t\n");
        CliRun run = CliRun.run(env, "diff", "pr-1", "--against", "main");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo("+ table t\n");
    }

    @Test
    void everyCommandHasHelp() {
        CliRun help = CliRun.run(env, "branch", "create", "--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("Usage: offshoot branch create", "--from-branch", "--ttl");
        assertThat(service.requests).isEmpty();
    }

    @Test
    void unknownCommandIsAUsageError() {
        assertThat(CliRun.run(env, "branch", "frobnicate").exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(CliRun.run(env, "branch").exitCode()).isEqualTo(ExitCodes.USAGE);
    }
}
