package dev.offshoot.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.web.server.LocalServerPort;

import com.sun.net.httpserver.HttpServer;

import dev.offshoot.Api;
import dev.offshoot.IntegrationTest;

/**
 * The scripts of the CI recipes, taken from their YAML and run by bash against the real service with
 * the real CLI (scripts/offshoot on the CLI jar): what a pull request's pipeline does. The GitHub
 * comment is posted by third-party actions (their wiring is CiRecipesTest's); the GitLab note job
 * runs with curl and jq against a stand-in of GitLab's notes API.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CiRecipesIT extends IntegrationTest {

    @LocalServerPort
    int port;

    @TempDir
    Path dir;

    final String template = "ci-tpl-" + OffshootCliIT.suffix();
    final String githubBranch = "ci-gh-" + OffshootCliIT.suffix();
    final String gitlabProject = "Ci.GL_" + OffshootCliIT.suffix();
    final String gitlabBranch = gitlabProject.toLowerCase().replaceAll("[^a-z0-9]+", "-") + "-mr-7";
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

    /** The first step of the action as the runner runs it: a fresh GITHUB_OUTPUT, the inputs as env. */
    Map<String, String> githubStep(String mode, String name, String prNumber) throws Exception {
        Path runner = Files.createDirectories(dir.resolve("runner-" + mode + "-" + System.nanoTime()));
        Map<String, String> env = new HashMap<>(Map.ofEntries(
                Map.entry("OFFSHOOT_URL", "http://localhost:" + port), Map.entry("OFFSHOOT_TOKEN", ADMIN_TOKEN),
                Map.entry("OFFSHOOT_MODE", mode), Map.entry("OFFSHOOT_TEMPLATE", template),
                Map.entry("OFFSHOOT_MIGRATIONS", migrations.toString()), Map.entry("OFFSHOOT_BRANCH", name),
                Map.entry("OFFSHOOT_TTL", "1h"), Map.entry("OFFSHOOT_IMAGE", "unused"),
                Map.entry("OFFSHOOT_CLI", Path.of("scripts/offshoot").toAbsolutePath().toString()),
                Map.entry("PR_NUMBER", prNumber), Map.entry("GITHUB_REPOSITORY", "acme/Shop.App"),
                Map.entry("RUNNER_TEMP", runner.toString()), Map.entry("GITHUB_OUTPUT", runner.resolve("output").toString()),
                Map.entry("GITHUB_ENV", runner.resolve("env").toString()),
                Map.entry("GITHUB_STEP_SUMMARY", runner.resolve("summary.md").toString())));
        String log = bash(CiRecipes.githubScript(), env);
        Map<String, String> outputs = new HashMap<>();
        for (String line : Files.readAllLines(runner.resolve("output"))) {
            outputs.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
        }
        outputs.put("(log)", log);
        outputs.put("(env)", Files.exists(runner.resolve("env")) ? Files.readString(runner.resolve("env")) : "");
        outputs.put("(summary)", Files.exists(runner.resolve("summary.md")) ? Files.readString(runner.resolve("summary.md")) : "");
        return outputs;
    }

    @Test
    void githubActionCreatesResetsAndDeletesWithTheOutputsUsersExpect() throws Exception {
        Map<String, String> first = githubStep("create", githubBranch, "42");

        assertThat(first).containsEntry("branch", githubBranch).containsEntry("created", "true")
                .containsEntry("check-passed", "true").containsEntry("status", "0");
        String password = first.get("password");
        assertThat(first.get("db_url")).startsWith("postgresql://").contains(":" + password + "@" + first.get("db_host") + ":"
                + first.get("db_port") + "/");
        assertThat(first.get("(env)").strip()).isEqualTo("DATABASE_URL=" + first.get("db_url"));
        String log = first.get("(log)");
        assertThat(log).contains("::add-mask::" + first.get("db_url"), "::add-mask::" + password).doesNotContain(ADMIN_TOKEN);
        assertThat(log.replace("::add-mask::" + first.get("db_url"), "").replace("::add-mask::" + password, ""))
                .doesNotContain(password);
        assertThat(first.get("(summary)")).startsWith("<!-- offshoot:" + githubBranch + " -->").contains("**passed**", "ci_order")
                .doesNotContain(password);
        assertThat(first.get("marker")).isEqualTo("<!-- offshoot:" + githubBranch + " -->");
        assertThat(api.get("/api/v1/branches/" + githubBranch).body().get("labels").get("pr").asString()).isEqualTo("42");

        // a rerun gets the same branch back; a reset keeps its connection string
        assertThat(githubStep("create", githubBranch, "42")).containsEntry("created", "false")
                .containsEntry("db_url", first.get("db_url"));
        assertThat(githubStep("reset", githubBranch, "42")).containsEntry("created", "false")
                .containsEntry("db_url", first.get("db_url"));

        assertThat(githubStep("delete", githubBranch, "42")).containsEntry("branch", githubBranch);
        assertThat(api.get("/api/v1/branches/" + githubBranch).status()).isEqualTo(404);
        assertThat(githubStep("delete", githubBranch, "42").get("(log)")).contains("already gone");
    }

    @Test
    void githubDefaultNameCarriesTheRepository() throws Exception {
        // delete mode needs no branch: the name it would use is the output
        assertThat(githubStep("delete", "", "9137")).containsEntry("branch", "shop-app-pr-9137");
    }

    @Test
    void gitlabJobsCreateMigrateReportAndStopTheBranch() throws Exception {
        Path work = Files.createDirectories(dir.resolve("gitlab"));
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Files.createSymbolicLink(bin.resolve("offshoot"), Path.of("scripts/offshoot").toAbsolutePath());
        Map<String, String> env = Map.ofEntries(
                Map.entry("OFFSHOOT_URL", "http://localhost:" + port), Map.entry("OFFSHOOT_TOKEN", ADMIN_TOKEN),
                Map.entry("OFFSHOOT_TEMPLATE", template), Map.entry("OFFSHOOT_MIGRATIONS", migrations.toString()),
                Map.entry("OFFSHOOT_TTL", "1h"), Map.entry("CI_PROJECT_NAME", gitlabProject),
                Map.entry("CI_PROJECT_PATH", "acme/" + gitlabProject), Map.entry("CI_MERGE_REQUEST_IID", "7"),
                Map.entry("PATH", bin + ":" + System.getenv("PATH")), Map.entry("WORK", work.toString()));
        String output = bash("cd \"$WORK\"\n" + CiRecipes.gitlabScript("offshoot:branch"), env);

        assertThat(Files.readString(work.resolve("offshoot.env")).strip()).isEqualTo("OFFSHOOT_BRANCH=" + gitlabBranch);
        String report = Files.readString(work.resolve("offshoot-report.md"));
        assertThat(report).startsWith("<!-- offshoot:" + gitlabBranch + " -->").contains("**passed**", "ci_order");
        assertThat(output).doesNotContain(ADMIN_TOKEN);
        assertThat(api.get("/api/v1/branches/" + gitlabBranch).body().get("labels").get("repo").asString())
                .isEqualTo("acme/" + gitlabProject);

        bash("cd \"$WORK\"\n" + CiRecipes.gitlabScript("offshoot:stop"), env);
        assertThat(api.get("/api/v1/branches/" + gitlabBranch).status()).isEqualTo(404);
        assertThat(bash("cd \"$WORK\"\n" + CiRecipes.gitlabScript("offshoot:stop"), env)).contains("already gone");
    }

    @Test
    void gitlabNoteIsAddedOnceThenReplacedByItsMarkerLeavingOtherNotesAlone() throws Exception {
        List<String> calls = new CopyOnWriteArrayList<>();
        Map<String, String> notes = new java.util.concurrent.ConcurrentHashMap<>();
        notes.put("5", "<!-- offshoot:someone-else -->\nanother bot's note");
        HttpServer gitlab = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        gitlab.createContext("/api/v4/projects/11/merge_requests/7/notes", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String path = exchange.getRequestURI().getPath();
            calls.add(exchange.getRequestMethod() + " " + path + " " + exchange.getRequestHeaders().getFirst("PRIVATE-TOKEN"));
            String answer = "{}";
            if (exchange.getRequestMethod().equals("GET")) {
                answer = "[" + String.join(",", notes.entrySet().stream().map(e -> "{\"id\":" + e.getKey() + ",\"body\":"
                        + tools.jackson.databind.json.JsonMapper.shared().writeValueAsString(e.getValue()) + "}").toList()) + "]";
            } else {
                String text = URLDecoder.decode(body.replaceFirst("^body=", ""), StandardCharsets.UTF_8);
                notes.put(exchange.getRequestMethod().equals("PUT") ? path.substring(path.lastIndexOf('/') + 1)
                        : String.valueOf(100 + notes.size()), text);
            }
            byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        gitlab.start();
        try {
            Path work = Files.createDirectories(dir.resolve("note"));
            Map<String, String> env = Map.of("CI_API_V4_URL", "http://127.0.0.1:" + gitlab.getAddress().getPort() + "/api/v4",
                    "CI_PROJECT_ID", "11", "CI_MERGE_REQUEST_IID", "7", "OFFSHOOT_GITLAB_TOKEN", "glpat-test",
                    "OFFSHOOT_BRANCH", "shop-mr-7", "WORK", work.toString());
            String script = "cd \"$WORK\"\n" + CiRecipes.gitlabScript("offshoot:comment");

            Files.writeString(work.resolve("offshoot-report.md"), "<!-- offshoot:shop-mr-7 -->\nfirst report\n");
            sh(script, env);
            Files.writeString(work.resolve("offshoot-report.md"), "<!-- offshoot:shop-mr-7 -->\nsecond report\n");
            sh(script, env);

            assertThat(notes).hasSize(2).containsEntry("5", "<!-- offshoot:someone-else -->\nanother bot's note");
            assertThat(notes.values()).anyMatch(n -> n.contains("second report")).noneMatch(n -> n.contains("first report"));
            assertThat(calls).filteredOn(c -> !c.startsWith("GET")).extracting(c -> c.split(" ")[0])
                    .containsExactly("POST", "PUT");
            assertThat(calls).allSatisfy(c -> assertThat(c).endsWith("glpat-test"));
        } finally {
            gitlab.stop(0);
        }
    }

    /** Runs a script as the CI runner would (bash -e), with the jar the tests built; fails on a non-zero exit. */
    private String bash(String script, Map<String, String> env) throws Exception {
        return run(List.of("bash", "-eo", "pipefail", "-c", script), env);
    }

    /** The note job's image has no bash: POSIX sh. */
    private String sh(String script, Map<String, String> env) throws Exception {
        return run(List.of("sh", "-e", "-c", script), env);
    }

    private String run(List<String> command, Map<String, String> env) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        builder.environment().put("OFFSHOOT_JAR", jar.toAbsolutePath().toString());
        builder.environment().put("OFFSHOOT_CONFIG", dir.resolve("none.json").toString());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        boolean finished = process.waitFor(3, TimeUnit.MINUTES);
        assertThat(finished).as(output).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }
}
