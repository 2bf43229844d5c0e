package dev.offshoot.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import tools.jackson.databind.JsonNode;

/**
 * A branch's connection URI with its password: printed, or written into an env file (mode 0600)
 * as {@code DATABASE_URL=...} without printing it, so an agent's shell can use the branch while
 * the secret never passes through the model's transcript.
 */
@Command(name = "connection-string", description = "Print a branch's connection URI, or write it to an env file without printing it.")
final class ConnectionStringCommand implements Callable<Integer> {

    private static final Pattern VARIABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    @ParentCommand
    OffshootCli root;

    @Parameters(paramLabel = "NAME", description = "Branch name")
    String name;

    @Option(names = "--read-only", description = "The branch's read-only role instead of its owner")
    boolean readOnly;

    @Option(names = "--env-file", paramLabel = "FILE", description = "Write VAR=URI to this file (0600; other lines kept) instead of printing")
    Path envFile;

    @Option(names = "--var", defaultValue = "DATABASE_URL", description = "Variable name in the env file (default: ${DEFAULT-VALUE})")
    String variable;

    @Override
    public Integer call() throws IOException {
        if (!VARIABLE.matcher(variable).matches()) {
            throw CliFailure.usage("--var must be a shell variable name, not '" + variable + "'");
        }
        JsonNode branch = root.client().get("/api/v1/branches/" + OffshootClient.enc(name));
        JsonNode connection = branch.path(readOnly ? "readOnlyConnection" : "connection");
        if (!connection.path("uri").isString()) {
            throw new CliFailure(ExitCodes.NOT_FOUND, "NO_CONNECTION",
                    "branch '" + name + "' has no " + (readOnly ? "read-only " : "") + "connection yet");
        }
        String uri = connection.get("uri").asString();
        if (connection.path("password").isNull() || connection.path("password").isMissingNode()) {
            root.spec.commandLine().getErr().println("warning: the token may not see this branch's password; the URI has none");
        }
        if (envFile == null) {
            root.output().line(uri);
            return ExitCodes.OK;
        }
        SecretFiles.write(envFile, merged(envFile, variable, uri));
        root.output().line("Wrote " + variable + " for branch " + name + " to " + envFile + " (mode 0600)");
        return ExitCodes.OK;
    }

    /** The env file's other lines, with this variable's line replaced or appended. */
    static String merged(Path file, String variable, String uri) throws IOException {
        List<String> lines = new ArrayList<>();
        if (Files.isRegularFile(file)) {
            for (String line : Files.readAllLines(file)) {
                String trimmed = line.strip();
                if (!trimmed.startsWith(variable + "=") && !trimmed.startsWith("export " + variable + "=")) {
                    lines.add(line);
                }
            }
        }
        lines.add(variable + "=" + uri);
        return String.join("\n", lines) + "\n";
    }
}
