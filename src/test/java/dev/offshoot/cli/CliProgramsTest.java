package dev.offshoot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code psql} and {@code run}: a real child process gets the branch in its environment and the
 * password is in neither its arguments nor the CLI's output.
 */
class CliProgramsTest {

    @TempDir
    Path dir;
    StubService service;
    final List<List<String>> commands = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        service = new StubService().json("GET /api/v1/branches/pr-1", 200, OffshootCliTest.BRANCH);
    }

    @AfterEach
    void stop() {
        service.close();
    }

    /** Runs the child for real, its output into a file the test reads. */
    CliRun run(String... args) {
        Path output = dir.resolve("child.out");
        CliHost host = new CliHost(Map.of("OFFSHOOT_URL", service.url(), "OFFSHOOT_TOKEN", OffshootCliTest.TOKEN,
                "OFFSHOOT_CONFIG", dir.resolve("none.json").toString(), "OFFSHOOT_RETRIES", "0"),
                new ByteArrayInputStream(new byte[0]), p -> null, (command, environment) -> {
                    commands.add(command);
                    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                            .redirectOutput(output.toFile());
                    builder.environment().putAll(environment);
                    return builder.start().waitFor();
                }, d -> { });
        return CliRun.on(host, args);
    }

    String childOutput() throws IOException {
        return Files.readString(dir.resolve("child.out"), StandardCharsets.UTF_8);
    }

    @Test
    void runSetsDatabaseUrlAndLibpqVariablesAndExitsWithTheCommandsCode() throws IOException {
        CliRun run = run("run", "pr-1", "--", "sh", "-c",
                "echo \"$DATABASE_URL|$PGHOST|$PGPORT|$PGDATABASE|$PGUSER|$PGPASSWORD\"; exit 7");

        assertThat(run.exitCode()).isEqualTo(7);
        assertThat(childOutput().strip()).isEqualTo("postgresql://o_pr1:" + OffshootCliTest.PASSWORD
                + "@localhost:23001/pagila|localhost|23001|pagila|o_pr1|" + OffshootCliTest.PASSWORD);
        assertThat(commands.getFirst()).noneMatch(arg -> arg.contains(OffshootCliTest.PASSWORD));
        assertThat(run.out() + run.err()).doesNotContain(OffshootCliTest.PASSWORD);
    }

    @Test
    void runAsTheReadOnlyRole() throws IOException {
        assertThat(run("run", "pr-1", "--read-only", "--", "sh", "-c", "echo $PGUSER:$PGPASSWORD").exitCode()).isZero();
        assertThat(childOutput().strip()).isEqualTo("offshoot_ro:ro-pw");
    }

    @Test
    void psqlGetsItsArgumentsAndThePasswordOnlyInItsEnvironment() throws IOException {
        // a stand-in psql that reports what it was given
        Path psql = Files.writeString(dir.resolve("psql"), "#!/bin/sh\necho \"args=$*\" \"pass=$PGPASSWORD\" \"db=$PGDATABASE\"\n");
        psql.toFile().setExecutable(true);

        CliRun run = run("psql", "pr-1", "--psql", psql.toString(), "--", "-c", "SELECT 1");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(childOutput().strip()).isEqualTo("args=-c SELECT 1 pass=" + OffshootCliTest.PASSWORD + " db=pagila");
        assertThat(commands.getFirst()).containsExactly(psql.toString(), "-c", "SELECT 1");
    }

    @Test
    void aTokenThatCannotSeeThePasswordIsToldSoAndNothingRuns() throws IOException {
        service.close();
        try (StubService readOnly = new StubService()) {
            readOnly.json("GET /api/v1/branches/pr-1", 200, OffshootCliTest.BRANCH
                    .replace("\"password\":\"" + OffshootCliTest.PASSWORD + "\"", "\"password\":null"));
            service = readOnly;
            CliRun run = run("run", "pr-1", "--", "true");
            assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
            assertThat(run.err()).contains("NO_PASSWORD");
            assertThat(commands).isEmpty();
        }
    }

    @Test
    void aProgramThatDoesNotExistIsAUsageError() {
        CliRun run = run("run", "pr-1", "--", "/nonexistent/program");
        assertThat(run.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(run.err()).contains("cannot run '/nonexistent/program'").doesNotContain(OffshootCliTest.PASSWORD);
    }

    @Test
    void runWithoutACommandIsAUsageError() {
        assertThat(run("run", "pr-1").exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(service.requests).isEmpty();
    }

    @Test
    void pgVarsGoToTheEnvFileBesideTheUrl() throws IOException {
        Path envFile = dir.resolve(".env");
        CliRun run = run("connection-string", "pr-1", "--env-file", envFile.toString(), "--pg-vars");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(Files.readAllLines(envFile)).contains("PGHOST=localhost", "PGPORT=23001", "PGUSER=o_pr1",
                "PGPASSWORD=" + OffshootCliTest.PASSWORD, "PGDATABASE=pagila");
        assertThat(run.out() + run.err()).doesNotContain(OffshootCliTest.PASSWORD);
    }

    /** A gateway URI names the branch in its options: psql and programs get them, or the gateway cannot route. */
    @Test
    void theGatewaysSslModeAndOptionsGoToTheLibpqVariables() throws IOException {
        service.close();
        try (StubService gateway = new StubService()) {
            gateway.json("GET /api/v1/branches/pr-1", 200, OffshootCliTest.BRANCH.replace(
                    "@localhost:23001/pagila\"},", "@localhost:23001/pagila?sslmode=require&options=endpoint%3Dpr-1\"},"));
            service = gateway;
            CliRun run = run("run", "pr-1", "--", "sh", "-c", "echo \"$PGSSLMODE|$PGOPTIONS\"");

            assertThat(run.exitCode()).as(run.err()).isZero();
            assertThat(childOutput().strip()).isEqualTo("require|endpoint=pr-1");
        }
    }
}
