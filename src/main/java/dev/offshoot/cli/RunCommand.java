package dev.offshoot.cli;

import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code offshoot run NAME -- COMMAND...}: a command with the branch in its environment
 * ({@code DATABASE_URL} and libpq's {@code PG*} variables), so neither a terminal nor a coding
 * agent's transcript shows the password. Exits with the command's exit code.
 */
@Command(name = "run", description = {"Run a command with DATABASE_URL and PGHOST/PGPORT/PGDATABASE/PGUSER/PGPASSWORD set for a branch.",
        "Example: offshoot run pr-1 -- ./mvnw test"})
final class RunCommand implements Callable<Integer> {

    @ParentCommand
    OffshootCli root;

    @Parameters(index = "0", paramLabel = "NAME", description = "Branch name")
    String name;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "COMMAND", description = "The command and its arguments (after --)")
    List<String> command;

    @Option(names = "--read-only", description = "The branch's read-only role instead of its owner")
    boolean readOnly;

    @Override
    public Integer call() {
        BranchConnection connection = BranchConnection.of(root.client(), name, readOnly).requirePassword(name);
        return ChildProgram.run(root, command, connection.allVariables());
    }
}
