package dev.offshoot.neon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Neon's own clients, installed from npm by scripts/test.sh into src/test/neon-interop and run as
 * they are: neonctl (the current release), the neonctl release Neon's delete-branch action runs, and
 * a replay of Neon's create-branch action on the API client it is built on. Each runs with a home
 * directory of its own, so no saved Neon credentials or context take part.
 */
final class NeonClients {

    static final Path DIR = Path.of("src/test/neon-interop").toAbsolutePath();
    static final Path NEONCTL = DIR.resolve("node_modules/neonctl/bin/cli.js");
    static final Path NEONCTL_OF_DELETE_ACTION = DIR.resolve("node_modules/neonctl-delete-action/cli.js");
    static final Path CREATE_ACTION = DIR.resolve("create-branch-action.mjs");

    private final String apiHost;
    private final Path home;

    NeonClients(int port) throws IOException {
        this.apiHost = "http://localhost:" + port + "/api/v2";
        this.home = Files.createTempDirectory("neon-clients-home");
    }

    static void requireInstalled() {
        assertThat(NEONCTL).as("run scripts/test.sh (or npm ci --prefix src/test/neon-interop) first").exists();
        assertThat(NEONCTL_OF_DELETE_ACTION).exists();
    }

    record Run(int exit, String stdout, String stderr) {

        JsonNode json() {
            assertThat(exit).as("exit code; stderr: " + stderr + "; stdout: " + stdout).isZero();
            return JsonMapper.shared().readTree(stdout);
        }

        /** The last line of stdout as JSON (the create action replay prints its outputs there). */
        JsonNode lastLine() {
            String out = stdout.strip();
            return JsonMapper.shared().readTree(out.substring(out.lastIndexOf('\n') + 1));
        }
    }

    /**
     * neonctl as a CI job runs it: API host, key and project (unless null: neonctl then looks for the
     * caller's only project) on the command line, no analytics.
     */
    Run neonctl(String token, String project, String... args) {
        List<String> command = new ArrayList<>(List.of("node", NEONCTL.toString()));
        command.addAll(List.of(args));
        command.addAll(List.of("--api-host", apiHost, "--api-key", token, "--no-analytics"));
        if (project != null) {
            command.addAll(List.of("--project-id", project));
        }
        return run(command, Map.of());
    }

    /**
     * Neon's delete-branch action's one step: its pinned neonctl with the key and host in the
     * environment (NEON_API_KEY, NEON_API_HOST), as the action's shell step runs it.
     */
    Run deleteBranchAction(String token, String project, String branch) {
        return run(List.of("node", NEONCTL_OF_DELETE_ACTION.toString(), "branches", "delete", branch, "--project-id",
                project), Map.of("NEON_API_KEY", token, "NEON_API_HOST", apiHost));
    }

    /** The create-branch action's calls, with its inputs as INPUT_* variables. */
    Run createBranchAction(String token, Map<String, String> inputs, Map<String, String> github) {
        Map<String, String> env = new HashMap<>(github);
        env.put("INPUT_API_KEY", token);
        env.put("INPUT_API_HOST", apiHost);
        inputs.forEach((name, value) -> env.put("INPUT_" + name.toUpperCase(), value));
        return run(List.of("node", CREATE_ACTION.toString()), env);
    }

    private Run run(List<String> command, Map<String, String> env) {
        try {
            ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile());
            builder.environment().put("HOME", home.toString());
            builder.environment().put("XDG_CONFIG_HOME", home.resolve(".config").toString());
            builder.environment().remove("NEON_API_KEY");
            builder.environment().putAll(env);
            Path out = Files.createTempFile(home, "out", ".txt");
            Path err = Files.createTempFile(home, "err", ".txt");
            Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("timed out: " + String.join(" ", command));
            }
            return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
