package dev.offshoot.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.offshoot.Api;
import dev.offshoot.IntegrationTest;

/**
 * The scripts of the CI recipes, taken from their YAML and run by bash against the real service with
 * the real CLI (scripts/offshoot on the boot jar): what a pull request's pipeline would do, minus the
 * comment post (gh / the GitLab API).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CiRecipesIT extends IntegrationTest {

    @LocalServerPort
    int port;

    @TempDir
    Path dir;

    final String template = "ci-tpl-" + OffshootCliIT.suffix();
    final String githubBranch = "ci-gh-" + OffshootCliIT.suffix();
    final String gitlabBranch = "ci-gl-" + OffshootCliIT.suffix();
    Api api;
    Path jar;
    Path migrations;

    @BeforeAll
    void templateAndMigrations() throws IOException {
        jar = OffshootCliIT.jar(Path.of("target/cli"), "offshoot-cli-.*\\.jar");
        assumeTrue(jar != null, "the CLI jar is built by 'mvn package' before failsafe runs");
        api = new Api(port, ADMIN_TOKEN);
        assertThat(api.post("/api/v1/templates", Map.of("name", template)).status()).isEqualTo(201);
    }

    @BeforeEach
    void migrations() throws IOException {
        migrations = Files.createDirectories(dir.resolve("db"));
        Files.writeString(migrations.resolve("V1__ci_orders.sql"), "CREATE TABLE ci_order (id bigint PRIMARY KEY);");
    }

    @AfterAll
    void cleanUp() {
        api.delete("/api/v1/branches/" + githubBranch + "?force=true");
        api.delete("/api/v1/branches/" + gitlabBranch + "?force=true");
        api.delete("/api/v1/templates/" + template + "?force=true");
    }

    @Test
    void githubActionCreatesMigratesAndReportsTheBranch() throws Exception {
        Path runner = Files.createDirectories(dir.resolve("runner"));
        Map<String, String> env = Map.ofEntries(
                Map.entry("OFFSHOOT_URL", "http://localhost:" + port), Map.entry("OFFSHOOT_TOKEN", ADMIN_TOKEN),
                Map.entry("OFFSHOOT_TEMPLATE", template), Map.entry("OFFSHOOT_MIGRATIONS", migrations.toString()),
                Map.entry("OFFSHOOT_BRANCH", githubBranch), Map.entry("OFFSHOOT_TTL", "1h"),
                Map.entry("OFFSHOOT_IMAGE", "unused"), Map.entry("OFFSHOOT_CLI", Path.of("scripts/offshoot").toAbsolutePath().toString()),
                Map.entry("PR_NUMBER", "42"), Map.entry("POST_COMMENT", "false"), Map.entry("GH_TOKEN", "unused"),
                Map.entry("GITHUB_REPOSITORY", "acme/shop"), Map.entry("RUNNER_TEMP", runner.toString()),
                Map.entry("GITHUB_OUTPUT", runner.resolve("output").toString()),
                Map.entry("GITHUB_ENV", runner.resolve("env").toString()),
                Map.entry("GITHUB_STEP_SUMMARY", runner.resolve("summary.md").toString()));
        String output = bash(CiRecipes.githubScript(), env);

        assertThat(Files.readString(runner.resolve("output"))).contains("branch=" + githubBranch, "check-passed=true");
        String databaseUrl = Files.readString(runner.resolve("env")).strip();
        assertThat(databaseUrl).startsWith("DATABASE_URL=postgresql://");
        String password = databaseUrl.replaceAll(".*://[^:]+:([^@]+)@.*", "$1");
        assertThat(output).contains("::add-mask::").doesNotContain(ADMIN_TOKEN);
        assertThat(output.replace("::add-mask::" + databaseUrl.substring("DATABASE_URL=".length()), "")).doesNotContain(password);
        String summary = Files.readString(runner.resolve("summary.md"));
        assertThat(summary).contains("<!-- offshoot:" + githubBranch + " -->", "**passed**", "ci_order").doesNotContain(password);
        assertThat(api.get("/api/v1/branches/" + githubBranch).body().get("labels").get("pr").asString()).isEqualTo("42");
        assertThat(api.get("/api/v1/branches/" + githubBranch + "/migrations").body().toString()).contains("ci_orders");
    }

    @Test
    void gitlabJobCreatesMigratesAndReportsTheBranch() throws Exception {
        Path work = Files.createDirectories(dir.resolve("gitlab"));
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Files.createSymbolicLink(bin.resolve("offshoot"), Path.of("scripts/offshoot").toAbsolutePath());
        Map<String, String> env = Map.ofEntries(
                Map.entry("OFFSHOOT_URL", "http://localhost:" + port), Map.entry("OFFSHOOT_TOKEN", ADMIN_TOKEN),
                Map.entry("OFFSHOOT_TEMPLATE", template), Map.entry("OFFSHOOT_MIGRATIONS", migrations.toString()),
                Map.entry("OFFSHOOT_BRANCH", gitlabBranch), Map.entry("OFFSHOOT_TTL", "1h"),
                Map.entry("CI_PROJECT_PATH", "acme/shop"), Map.entry("CI_MERGE_REQUEST_IID", "7"),
                Map.entry("PATH", bin + ":" + System.getenv("PATH")), Map.entry("WORK", work.toString()));
        String output = bash("cd \"$WORK\"\n" + CiRecipes.gitlabScript("offshoot:branch"), env);

        String report = Files.readString(work.resolve("offshoot-report.md"));
        assertThat(report).contains(gitlabBranch, "**passed**", "ci_order");
        assertThat(output).doesNotContain(ADMIN_TOKEN);
        assertThat(api.get("/api/v1/branches/" + gitlabBranch).body().get("labels").get("repo").asString()).isEqualTo("acme/shop");
    }

    /** Runs a script as the CI runner would (bash -e), with the jar the tests built; fails on a non-zero exit. */
    private String bash(String script, Map<String, String> env) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("bash", "-eo", "pipefail", "-c", script).redirectErrorStream(true);
        builder.environment().putAll(env);
        builder.environment().put("OFFSHOOT_JAR", jar.toAbsolutePath().toString());
        builder.environment().put("OFFSHOOT_CONFIG", dir.resolve("none.json").toString());
        Process process = builder.start();
        boolean finished = process.waitFor(3, TimeUnit.MINUTES);
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(finished).as(output).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }
}
