package dev.offshoot.cli;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import picocli.CommandLine;

/** One in-process run of the CLI with captured output. */
public record CliRun(int exitCode, String out, String err) {

    public static CliRun withStdin(Map<String, String> env, String stdin, String... args) {
        return on(CliHost.of(env, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8))), args);
    }

    public static CliRun run(Map<String, String> env, String... args) {
        return withStdin(env, "", args);
    }

    /** A run on a host of the test's making (a terminal prompt, recorded children, a clock that does not wait). */
    static CliRun on(CliHost host, String... args) {
        CommandLine cli = OffshootCli.commandLine(host);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new CliRun(code, out.toString(), err.toString());
    }
}
