package dev.offshoot.cli;

import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Map;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code offshoot} command line: branches, connection strings, migrations and diffs over the
 * service's REST API. It runs from the service's jar without starting Spring (see
 * {@code scripts/offshoot}); tests run it in-process with {@link #commandLine}.
 */
@Command(name = "offshoot", mixinStandardHelpOptions = true, scope = ScopeType.INHERIT, versionProvider = OffshootCli.Version.class,
        description = "Disposable PostgreSQL branches from the command line.",
        subcommands = {LoginCommand.class, BranchCommands.class, ConnectionStringCommand.class,
                MigrateCommands.class, DiffCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Exit codes: 0 ok, 1 usage or rejected request, 2 not found,",
                "3 conflict or failed check, 4 service error or unreachable (retry).",
                "Environment: OFFSHOOT_URL, OFFSHOOT_TOKEN, OFFSHOOT_CONFIG."})
public final class OffshootCli {

    private final Map<String, String> env;
    private final InputStream stdin;

    @Spec
    CommandSpec spec;

    @Option(names = "--json", scope = ScopeType.INHERIT, description = "Print JSON instead of tables.")
    boolean json;

    OffshootCli(Map<String, String> env, InputStream stdin) {
        this.env = env;
        this.stdin = stdin;
    }

    public static void main(String[] args) {
        System.exit(commandLine(System.getenv(), System.in).execute(args));
    }

    /** The whole command tree, with errors printed as code and detail and mapped to exit codes. */
    static CommandLine commandLine(Map<String, String> env, InputStream stdin) {
        CommandLine cli = new CommandLine(new OffshootCli(env, stdin));
        cli.setParameterExceptionHandler((e, args) -> {
            PrintWriter err = e.getCommandLine().getErr();
            err.println("error: " + e.getMessage());
            e.getCommandLine().usage(err);
            return ExitCodes.USAGE;
        });
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            if (e instanceof CliFailure failure) {
                err.println("error: " + failure.code() + ": " + failure.getMessage());
                return failure.exitCode();
            }
            err.println("error: " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
            return ExitCodes.UNAVAILABLE;
        });
        return cli;
    }

    Map<String, String> env() {
        return env;
    }

    InputStream stdin() {
        return stdin;
    }

    /** A client for the configured service (usage failure when not logged in). */
    OffshootClient client() {
        return new OffshootClient(CliSettings.resolve(env));
    }

    Output output() {
        return new Output(spec.commandLine().getOut(), json);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = OffshootCli.class.getPackage().getImplementationVersion();
            return new String[] {"offshoot " + (version == null ? "(development build)" : version)};
        }
    }
}
