package dev.offshoot.cli;

import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What the CLI takes from the machine it runs on: the environment, stdin, the terminal for a hidden
 * prompt, child processes ({@code psql}, {@code run}) and the clock it waits on between retries.
 * {@link #system()} is the real one; tests pass their own, so every command runs in-process.
 */
record CliHost(Map<String, String> env, InputStream stdin, SecretPrompt prompt, Children children, Sleeper sleeper) {

    /** Reads a secret from the terminal without echo; null when there is no terminal (piped stdin, CI). */
    interface SecretPrompt {
        String read(String prompt);
    }

    /** Runs a program to its end with the given environment added; returns its exit code. */
    interface Children {
        int run(List<String> command, Map<String, String> environment) throws IOException, InterruptedException;
    }

    interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    static CliHost system() {
        return new CliHost(System.getenv(), System.in, CliHost::terminalPrompt, CliHost::inherit,
                d -> Thread.sleep(d.toMillis()));
    }

    /** A host without a terminal, whose children inherit this process's streams. */
    static CliHost of(Map<String, String> env, InputStream stdin) {
        return new CliHost(env, stdin, prompt -> null, CliHost::inherit, d -> Thread.sleep(d.toMillis()));
    }

    private static String terminalPrompt(String prompt) {
        Console console = System.console();
        if (console == null || !console.isTerminal()) {
            return null;
        }
        char[] secret = console.readPassword("%s", prompt);
        return secret == null ? "" : new String(secret);
    }

    /** The child shares the terminal (psql is interactive) and gets the variables in its environment only. */
    private static int inherit(List<String> command, Map<String, String> environment)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
        builder.environment().putAll(environment);
        return builder.start().waitFor();
    }
}
