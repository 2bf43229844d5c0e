package dev.offshoot.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * A branch's connection URI with its password: printed, or written into an env file (mode 0600)
 * as {@code DATABASE_URL=...} (and libpq's {@code PG*} variables with {@code --pg-vars}) without
 * printing it, so an agent's shell can use the branch while the secret never passes through the
 * model's transcript.
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

    @Option(names = "--pg-vars", description = "Also write PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD "
            + "(and PGSSLMODE, PGOPTIONS) to the env file")
    boolean pgVars;

    @Override
    public Integer call() throws IOException {
        if (!VARIABLE.matcher(variable).matches()) {
            throw CliFailure.usage("--var must be a shell variable name, not '" + variable + "'");
        }
        if (pgVars && envFile == null) {
            throw CliFailure.usage("--pg-vars writes to an env file: add --env-file FILE");
        }
        BranchConnection connection = BranchConnection.of(root.client(), name, readOnly);
        if (!connection.hasPassword()) {
            root.err().println("warning: the token may not see this branch's password; the URI has none");
        }
        if (envFile == null) {
            root.output().line(connection.uri());
            return ExitCodes.OK;
        }
        Map<String, String> variables = new LinkedHashMap<>();
        variables.put(variable, connection.uri());
        if (pgVars) {
            variables.putAll(connection.libpqVariables());
        }
        SecretFiles.write(envFile, merged(envFile, variables));
        root.output().note("Wrote " + String.join(", ", variables.keySet()) + " for branch " + name + " to " + envFile
                + " (mode 0600)");
        return ExitCodes.OK;
    }

    /** The env file's other lines, with these variables' lines replaced or appended. */
    static String merged(Path file, Map<String, String> variables) throws IOException {
        List<String> lines = new ArrayList<>();
        if (Files.isRegularFile(file)) {
            for (String line : Files.readAllLines(file)) {
                String trimmed = line.strip();
                boolean replaced = variables.keySet().stream()
                        .anyMatch(v -> trimmed.startsWith(v + "=") || trimmed.startsWith("export " + v + "="));
                if (!replaced) {
                    lines.add(line);
                }
            }
        }
        variables.forEach((k, v) -> lines.add(k + "=" + v));
        return String.join("\n", lines) + "\n";
    }
}
