package dev.offshoot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;

/** Output formats, --quiet, named contexts, the hidden token prompt, help, typo suggestions and completion. */
class CliUsabilityTest extends StubbedCliTest {


    @Test
    void yamlOutputIsTheAnswerAsYamlWithoutPasswords() {
        service.json("GET /api/v1/branches/pr-1", 200, OffshootCliTest.BRANCH);

        CliRun run = CliRun.run(env, "branch", "get", "pr-1", "-o", "yaml");

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode parsed = Output.YAML.readTree(run.out());
        assertThat(parsed.get("name").asString()).isEqualTo("pr-1");
        assertThat(parsed.get("connection").get("uri").asString()).isEqualTo("postgresql://o_pr1@localhost:23001/pagila");
        assertThat(run.out()).doesNotContain(OffshootCliTest.PASSWORD).doesNotContain("ro-pw").doesNotStartWith("---");
    }

    @Test
    void jsonOutputIsParseableAndTheOldJsonFlagStillWorks() {
        service.json("GET /api/v1/branches/pr-1", 200, OffshootCliTest.BRANCH);
        for (String[] flags : List.of(new String[] {"-o", "json"}, new String[] {"--output=JSON"}, new String[] {"--json"})) {
            CliRun run = CliRun.run(env, concat(new String[] {"branch", "get", "pr-1"}, flags));
            assertThat(CliSettings.JSON.readTree(run.out()).get("status").asString()).isEqualTo("READY");
        }
        assertThat(CliRun.run(env, "branch", "get", "pr-1", "-o", "xml").exitCode()).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void quietPrintsOnlyWhatAScriptNeeds() {
        service.json("POST /api/v1/branches", 201, OffshootCliTest.BRANCH)
                .json("GET /api/v1/branches?limit=200", 200, "{\"items\":[" + OffshootCliTest.BRANCH + ","
                        + OffshootCliTest.BRANCH.replace("\"pr-1\"", "\"pr-2\"") + "]}")
                .json("DELETE /api/v1/branches/pr-1", 204, "");

        assertThat(CliRun.run(env, "branch", "create", "pr-1", "--template", "pagila", "-q").out()).isEqualTo("pr-1\n");
        assertThat(CliRun.run(env, "branch", "list", "--quiet").out()).isEqualTo("pr-1\npr-2\n");
        CliRun deleted = CliRun.run(env, "branch", "delete", "pr-1", "-q");
        assertThat(deleted.exitCode()).isZero();
        assertThat(deleted.out()).isEmpty();
    }

    @Test
    void listsFollowTheCursorToTheLastPage() {
        service.json("GET /api/v1/branches?limit=200", 200, "{\"items\":[" + OffshootCliTest.BRANCH + "],\"nextCursor\":\"c2\"}")
                .json("GET /api/v1/branches?limit=200&cursor=c2", 200,
                        "{\"items\":[" + OffshootCliTest.BRANCH.replace("\"pr-1\"", "\"pr-2\"") + "]}");

        CliRun run = CliRun.run(env, "branch", "list", "-q");

        assertThat(run.out()).isEqualTo("pr-1\npr-2\n");
    }

    @Test
    void contextsAreSavedByLoginAndSwitchedWithoutShowingTokens() throws IOException {
        try (StubService staging = new StubService()) {
            staging.json("GET /api/v1/branches?limit=1", 200, "{\"items\":[]}")
                    .json("GET /api/v1/branches/pr-1", 200, OffshootCliTest.BRANCH);
            service.json("GET /api/v1/branches?limit=1", 200, "{\"items\":[]}");
            Map<String, String> home = Map.of("OFFSHOOT_CONFIG", dir.resolve("home/cli.json").toString(), "OFFSHOOT_RETRIES", "0");

            assertThat(CliRun.withStdin(home, "tok-local\n", "login", "--url", service.url()).exitCode()).isZero();
            assertThat(CliRun.withStdin(home, "tok-staging\n", "login", "--url", staging.url(), "--context", "staging")
                    .exitCode()).isZero();

            CliRun list = CliRun.run(home, "context", "list");
            assertThat(list.out()).contains("default").doesNotContain("tok-");
            assertThat(list.out().lines()).anyMatch(l -> l.matches("\\*\\s+staging\\s+" + java.util.regex.Pattern.quote(staging.url())));
            assertThat(CliRun.run(home, "branch", "get", "pr-1").exitCode()).isZero();
            assertThat(staging.requests.getLast().authorization()).isEqualTo("Bearer tok-staging");

            assertThat(CliRun.run(home, "context", "use", "default").exitCode()).isZero();
            assertThat(CliRun.run(home, "context", "show", "-q").out()).isEqualTo("default\n");
            assertThat(CliRun.run(home, "branch", "get", "pr-1", "--context", "staging").exitCode()).isZero();
            assertThat(CliRun.run(home, "context", "use", "prod").exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
            Path config = dir.resolve("home/cli.json");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(config))).isEqualTo("rw-------");
            assertThat(CliRun.run(home, "context", "delete", "staging").exitCode()).isZero();
            assertThat(Files.readString(config)).doesNotContain("tok-staging");
        }
    }

    @Test
    void aConfigFileOfTheOlderFormReadsAsTheDefaultContext() throws IOException {
        service.json("GET /api/v1/branches/pr-1", 200, OffshootCliTest.BRANCH);
        Path config = Files.writeString(dir.resolve("old.json"), "{\"url\":\"" + service.url() + "\",\"token\":\"old-tok\"}");

        CliRun run = CliRun.run(Map.of("OFFSHOOT_CONFIG", config.toString()), "branch", "get", "pr-1");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(service.requests.getLast().authorization()).isEqualTo("Bearer old-tok");
    }

    @Test
    void onATerminalLoginAsksForTheTokenWithoutEchoAndNeverReadsStdin() {
        service.json("GET /api/v1/branches?limit=1", 200, "{\"items\":[]}");
        List<String> prompts = new ArrayList<>();
        CliHost terminal = new CliHost(Map.of("OFFSHOOT_CONFIG", dir.resolve("t.json").toString()),
                new ByteArrayInputStream("not-this\n".getBytes(StandardCharsets.UTF_8)),
                prompt -> {
                    prompts.add(prompt);
                    return "typed-token";
                }, (c, e) -> 0, d -> { });

        CliRun login = CliRun.on(terminal, "login", "--url", service.url());

        assertThat(login.exitCode()).as(login.err()).isZero();
        assertThat(prompts).containsExactly("Token for " + service.url() + ": ");
        assertThat(service.requests.getFirst().authorization()).isEqualTo("Bearer typed-token");
        assertThat(login.out() + login.err()).doesNotContain("typed-token");
    }

    @Test
    void helpShowsASubcommandsHelp() {
        CliRun help = CliRun.run(env, "help", "branch");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("Usage: offshoot branch", "extend", "protect", "unprotect");
        CliRun nested = CliRun.run(env, "branch", "help", "extend");
        assertThat(nested.out()).contains("Usage: offshoot branch extend", "--ttl");
        assertThat(CliRun.run(env, "template", "policy", "help", "set").out()).contains("Usage: offshoot template policy set");
        assertThat(service.requests).isEmpty();
    }

    @Test
    void aMistypedCommandGetsASuggestion() {
        CliRun run = CliRun.run(env, "brnch", "list");
        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("Did you mean", "branch");
        assertThat(CliRun.run(env, "branch", "lst").err()).contains("Did you mean", "list");
    }

    @Test
    void completionCompletesCommandsInBash() throws Exception {
        CliRun completion = CliRun.run(env, "completion");
        assertThat(completion.exitCode()).isZero();
        Path script = Files.writeString(dir.resolve("offshoot-completion.bash"), completion.out());

        // what bash does on "offshoot br<TAB>" and "offshoot branch ex<TAB>"
        assertThat(complete(script, "offshoot br", 1)).containsExactly("branch");
        assertThat(complete(script, "offshoot branch ex", 2)).containsExactly("extend");
    }

    private static List<String> complete(Path script, String line, int word) throws Exception {
        String bash = "source " + script + "\nCOMP_WORDS=(" + line + ")\nCOMP_CWORD=" + word
                + "\nCOMP_LINE='" + line + "'\nCOMP_POINT=${#COMP_LINE}\n_complete_offshoot 2>/dev/null\nprintf '%s\\n' \"${COMPREPLY[@]}\"\n";
        // compopt complains outside a real completion; its stderr is not what is completed
        Process process = new ProcessBuilder("bash", "-c", bash).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return out.lines().map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
