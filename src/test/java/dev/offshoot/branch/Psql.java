package dev.offshoot.branch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import tools.jackson.databind.JsonNode;

/**
 * libpq's psql (installed by scripts/test.sh from Debian's postgresql-client) against a branch,
 * with the connection details an answer of the API gave: what a user with that connection string
 * can do. The password travels in PGPASSWORD, each statement in its own {@code -c} (so its own
 * transaction), and the run stops at the first error.
 */
record Psql(int exitCode, String output) {

    static Psql run(JsonNode connection, String... statements) {
        return withPassword(connection, connection.get("password").asString(), statements);
    }

    static Psql withPassword(JsonNode connection, String password, String... statements) {
        List<String> command = new ArrayList<>(List.of("psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                "-h", connection.get("host").asString(), "-p", connection.get("port").asString(),
                "-U", connection.get("user").asString(), "-d", connection.get("database").asString()));
        for (String statement : statements) {
            command.addAll(List.of("-c", statement));
        }
        try {
            Path output = Files.createTempFile("psql-", ".out");
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
            pb.environment().put("PGPASSWORD", password);
            pb.environment().put("PGCONNECT_TIMEOUT", "10");
            // through the gateway: its sslmode and the option that names the branch, as handed out
            if (connection.hasNonNull("sslMode")) {
                pb.environment().put("PGSSLMODE", connection.get("sslMode").asString());
            }
            if (connection.hasNonNull("options")) {
                pb.environment().put("PGOPTIONS", connection.get("options").asString());
            }
            Process p = pb.start();
            boolean finished = p.waitFor(120, TimeUnit.SECONDS);
            if (!finished) {
                p.destroyForcibly();
            }
            String out = Files.readString(output, StandardCharsets.UTF_8);
            Files.delete(output);
            assertThat(finished).as("psql finished within 120 s: " + out).isTrue();
            return new Psql(p.exitValue(), out);
        } catch (IOException e) {
            throw new AssertionError("psql could not run (scripts/test.sh installs it): " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    boolean ok() {
        return exitCode == 0;
    }
}
