package dev.offshoot.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code offshoot psql NAME [-- psql arguments]}: psql on a branch, the connection in libpq's
 * environment variables (PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD), so the password is in
 * neither psql's argument list ({@code ps}) nor the terminal. Exits with psql's exit code.
 */
@Command(name = "psql", description = {"Run psql on a branch; the password goes in PGPASSWORD, never in an argument.",
        "Arguments after -- go to psql, e.g. offshoot psql pr-1 -- -c 'SELECT 1'."})
final class PsqlCommand implements Callable<Integer> {

    @ParentCommand
    OffshootCli root;

    @Parameters(index = "0", paramLabel = "NAME", description = "Branch name")
    String name;

    @Parameters(index = "1..*", paramLabel = "PSQL_ARG", description = "Arguments for psql (after --)")
    List<String> arguments = new ArrayList<>();

    @Option(names = "--read-only", description = "Connect as the branch's read-only role")
    boolean readOnly;

    @Option(names = "--psql", paramLabel = "PATH", defaultValue = "psql", description = "The psql to run (default: ${DEFAULT-VALUE} on the PATH)")
    String psql;

    @Override
    public Integer call() {
        BranchConnection connection = BranchConnection.of(root.client(), name, readOnly).requirePassword(name);
        List<String> command = new ArrayList<>();
        command.add(psql);
        command.addAll(arguments);
        return ChildProgram.run(root, command, connection.libpqVariables());
    }
}
