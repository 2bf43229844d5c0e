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
 * The {@code offshoot} command line: branches, templates, tokens, connection strings, migrations and
 * diffs over the service's REST API. It runs from its own small jar or the service's (without
 * starting Spring; see {@code scripts/offshoot}); tests run it in-process with {@link #commandLine}.
 */
@Command(name = "offshoot", mixinStandardHelpOptions = true, scope = ScopeType.INHERIT, versionProvider = OffshootCli.Version.class,
        description = "Disposable PostgreSQL branches from the command line.",
        subcommands = {LoginCommand.class, ContextCommands.class, BranchCommands.class, TemplateCommands.class,
                TokenCommands.class, ConnectionStringCommand.class, PsqlCommand.class, RunCommand.class,
                MigrateCommands.class, DiffCommand.class, CompletionCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Exit codes: 0 ok, 1 usage or rejected request, 2 not found,",
                "3 conflict or failed check, 4 service error or unreachable (retry).",
                "Environment: OFFSHOOT_URL, OFFSHOOT_TOKEN, OFFSHOOT_CONTEXT, OFFSHOOT_CONFIG, OFFSHOOT_RETRIES."})
public final class OffshootCli {

    private final CliHost host;

    @Spec
    CommandSpec spec;

    @Option(names = {"-o", "--output"}, scope = ScopeType.INHERIT, paramLabel = "FORMAT",
            description = "table (default), json or yaml.")
    OutputFormat format = OutputFormat.table;

    @Option(names = "--json", scope = ScopeType.INHERIT, hidden = true, description = "Same as -o json.")
    boolean json;

    @Option(names = {"-q", "--quiet"}, scope = ScopeType.INHERIT,
            description = "Print only what a script needs (names, a URI) or nothing; errors still go to stderr.")
    boolean quiet;

    @Option(names = "--context", scope = ScopeType.INHERIT, paramLabel = "NAME",
            description = "Use this saved context instead of the current one (see 'offshoot context').")
    String context;

    OffshootCli(CliHost host) {
        this.host = host;
    }

    public static void main(String[] args) {
        System.exit(commandLine(CliHost.system()).execute(args));
    }

    /** The whole command tree on a host without a terminal (tests, the CI recipes' checks). */
    static CommandLine commandLine(Map<String, String> env, InputStream stdin) {
        return commandLine(CliHost.of(env, stdin));
    }

    /** The whole command tree, with errors printed as code and detail and mapped to exit codes. */
    static CommandLine commandLine(CliHost host) {
        CommandLine cli = new CommandLine(new OffshootCli(host));
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setParameterExceptionHandler((e, args) -> {
            PrintWriter err = e.getCommandLine().getErr();
            err.println("error: " + e.getMessage());
            if (!CommandLine.UnmatchedArgumentException.printSuggestions(e, err)) {
                e.getCommandLine().usage(err);
            }
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

    CliHost host() {
        return host;
    }

    Map<String, String> env() {
        return host.env();
    }

    InputStream stdin() {
        return host.stdin();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** A client for the configured service (usage failure when not logged in), retrying 429 and 503. */
    OffshootClient client() {
        Retries retries = new Retries(Retries.maxFrom(env().get("OFFSHOOT_RETRIES")), host.sleeper(), err());
        return new OffshootClient(CliSettings.resolve(env(), context), retries);
    }

    Output output() {
        return new Output(spec.commandLine().getOut(), json ? OutputFormat.json : format, quiet);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = OffshootCli.class.getPackage().getImplementationVersion();
            return new String[] {"offshoot " + (version == null ? "(development build)" : version)};
        }
    }
}
