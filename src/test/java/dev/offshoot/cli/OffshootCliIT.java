package dev.offshoot.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.offshoot.Api;
import dev.offshoot.IntegrationTest;

/** The CLI in-process against the real service: the round trip a CI job or an agent makes. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OffshootCliIT extends IntegrationTest {

    @LocalServerPort
    int port;

    @TempDir
    Path dir;

    final String template = "cli-tpl-" + suffix();
    final String branch = "cli-" + suffix();
    Api api;
    Map<String, String> env;

    @BeforeAll
    void template() {
        api = new Api(port, ADMIN_TOKEN);
        assertThat(api.post("/api/v1/templates", Map.of("name", template)).status()).isEqualTo(201);
    }

    @AfterAll
    void cleanUp() {
        api.delete("/api/v1/branches/" + branch + "?force=true");
        api.delete("/api/v1/templates/" + template + "?force=true");
    }

    @Test
    void aBranchRoundTripThroughTheCommandLine() throws Exception {
        env = Map.of("OFFSHOOT_CONFIG", dir.resolve("home/cli.json").toString());
        Path tokenFile = Files.writeString(dir.resolve("token"), ADMIN_TOKEN + "\n");
        ok(run("login", "--url", "http://localhost:" + port, "--token-file", tokenFile.toString()));

        CliRun created = ok(run("branch", "create", branch, "--template", template, "--label", "ci=" + branch, "--ttl", "1h"));
        String password = api.get("/api/v1/branches/" + branch).body().get("connection").get("password").asString();
        assertThat(created.out()).contains(branch, "READY").doesNotContain(password);
        assertThat(ok(run("branch", "list", "--label", "ci=" + branch)).out()).contains(branch);
        assertThat(ok(run("branch", "get", branch, "--json")).out()).contains("\"name\" : \"" + branch + "\"")
                .doesNotContain(password);

        connectionStringGoesToAnOwnerOnlyEnvFileAndConnects(password);
        psqlAndRunConnectWithThePasswordInTheirEnvironmentOnly(password);
        migrationsAreCheckedAppliedAndShowInTheDiff();

        ok(run("branch", "reset", branch));
        assertThat(ok(run("diff", branch)).out()).doesNotContain("cli_item");

        assertThat(run("branch", "create", branch, "--from-branch", branch).exitCode()).isEqualTo(ExitCodes.CONFLICT);
        ok(run("branch", "delete", branch));
        CliRun gone = run("branch", "get", branch);
        assertThat(gone.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(gone.err()).startsWith("error: BRANCH_NOT_FOUND: ");
        assertThat(run("branch", "delete", branch).exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
    }

    private void connectionStringGoesToAnOwnerOnlyEnvFileAndConnects(String password) throws Exception {
        Path envFile = dir.resolve(".env");
        CliRun written = ok(run("connection-string", branch, "--env-file", envFile.toString()));
        assertThat(written.out() + written.err()).doesNotContain(password);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(envFile))).isEqualTo("rw-------");
        String line = Files.readAllLines(envFile).getFirst();
        assertThat(line).startsWith("DATABASE_URL=postgresql://");

        URI uri = URI.create(line.substring("DATABASE_URL=".length()));
        String[] userInfo = uri.getRawUserInfo().split(":", 2);
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + uri.getHost() + ":" + uri.getPort() + uri.getPath(),
                URLDecoder.decode(userInfo[0], StandardCharsets.UTF_8), URLDecoder.decode(userInfo[1], StandardCharsets.UTF_8));
                ResultSet rs = c.createStatement().executeQuery("SELECT 1")) {
            assertThat(rs.next()).isTrue();
        }
    }

    /** Debian's psql, run by the CLI with the branch in PG* variables; a command run with DATABASE_URL. */
    private void psqlAndRunConnectWithThePasswordInTheirEnvironmentOnly(String password) throws Exception {
        Path output = dir.resolve("child.out");
        java.util.List<java.util.List<String>> commands = new java.util.ArrayList<>();
        CliHost host = new CliHost(env, new java.io.ByteArrayInputStream(new byte[0]), p -> null, (command, variables) -> {
            commands.add(command);
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
            builder.environment().putAll(variables);
            return builder.start().waitFor();
        }, d -> { });

        CliRun psql = CliRun.on(host, "psql", branch, "--", "-XAtc", "SELECT current_user || ' ' || current_database()");
        assertThat(psql.exitCode()).as(psql.err() + Files.readString(output)).isZero();
        assertThat(Files.readString(output).strip()).endsWith(" " + api.get("/api/v1/branches/" + branch).body()
                .get("connection").get("database").asString());

        CliRun run = CliRun.on(host, "run", branch, "--", "sh", "-c", "psql -XAtc 'SELECT 41 + 1' \"$DATABASE_URL\"");
        assertThat(run.exitCode()).as(run.err() + Files.readString(output)).isZero();
        assertThat(Files.readString(output).strip()).isEqualTo("42");
        assertThat(commands).allSatisfy(c -> assertThat(String.join(" ", c)).doesNotContain(password));
        assertThat(psql.out() + psql.err() + run.out() + run.err()).doesNotContain(password);
    }

    private void migrationsAreCheckedAppliedAndShowInTheDiff() throws IOException {
        Path migrations = Files.createDirectories(dir.resolve("db"));
        Files.writeString(migrations.resolve("V1__items.sql"), "CREATE TABLE cli_item (id bigint PRIMARY KEY);");
        Files.writeString(migrations.resolve("V2__item_name.sql"), "ALTER TABLE cli_item ADD COLUMN name text;");

        assertThat(ok(run("migrate", "check", branch, migrations.toString())).out()).startsWith("PASSED");
        assertThat(ok(run("migrate", "apply", branch, migrations.toString())).out()).contains("Applied 2 migration(s)");
        assertThat(ok(run("diff", branch)).out()).contains("cli_item");

        Files.writeString(migrations.resolve("V3__broken.sql"), "ALTER TABLE cli_missing ADD COLUMN x int;");
        CliRun refused = run("migrate", "check", branch, migrations.toString());
        assertThat(refused.exitCode()).as(refused.out() + refused.err()).isEqualTo(ExitCodes.CONFLICT);
        assertThat(refused.out()).startsWith("FAILED");
    }

    @Test
    void theStandaloneJarRunsWithoutACheckoutOrMaven() throws Exception {
        Path jar = jar(Path.of("target/cli"), "offshoot-cli-.*\\.jar");
        assumeTrue(jar != null, "the CLI jar is built by 'mvn package' before failsafe runs");
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(jar.toFile())) {
            assertThat(zip.stream().map(java.util.zip.ZipEntry::getName))
                    .contains("dev/offshoot/cli/OffshootCli.class", "META-INF/LICENSE")
                    .noneMatch(name -> name.startsWith("org/springframework/") || name.startsWith("BOOT-INF/"));
        }
        Path elsewhere = Files.createDirectories(dir.resolve("no-checkout"));
        Path copy = Files.copy(jar, elsewhere.resolve("offshoot-cli.jar"));
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", copy.toString(), "branch", "get", "cli-missing-" + suffix(), "-o", "yaml")
                .directory(elsewhere.toFile()).redirectErrorStream(true);
        builder.environment().putAll(Map.of("OFFSHOOT_URL", "http://localhost:" + port, "OFFSHOOT_TOKEN", ADMIN_TOKEN,
                "OFFSHOOT_CONFIG", dir.resolve("none.json").toString()));
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(output).startsWith("error: BRANCH_NOT_FOUND: ").doesNotContain(ADMIN_TOKEN);
    }

    static Path jar(Path directory, String pattern) throws IOException {
        if (!Files.isDirectory(directory)) {
            return null;
        }
        try (var jars = Files.list(directory)) {
            return jars.filter(p -> p.getFileName().toString().matches(pattern)).findFirst().orElse(null);
        }
    }

    @Test
    void theWrapperScriptRunsTheCliFromTheBootJar() throws Exception {
        Path jar = jar(Path.of("target"), "offshoot-[0-9].*\\.jar");
        assumeTrue(jar != null, "the boot jar is built by 'mvn package' before failsafe runs");
        ProcessBuilder builder = new ProcessBuilder("scripts/offshoot", "branch", "get", "cli-missing-" + suffix())
                .redirectErrorStream(true);
        Map<String, String> processEnv = builder.environment();
        processEnv.putAll(Map.of("OFFSHOOT_URL", "http://localhost:" + port, "OFFSHOOT_TOKEN", ADMIN_TOKEN,
                "OFFSHOOT_CONFIG", dir.resolve("none.json").toString(), "OFFSHOOT_JAR", jar.toString()));
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(output).startsWith("error: BRANCH_NOT_FOUND: ").doesNotContain(ADMIN_TOKEN);
    }

    private CliRun run(String... args) {
        return CliRun.run(env, args);
    }

    private static CliRun ok(CliRun run) {
        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        return run;
    }

    static String suffix() {
        return UUID.randomUUID().toString().substring(0, 6);
    }
}
