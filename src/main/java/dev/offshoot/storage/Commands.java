package dev.offshoot.storage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the host tools the reflink driver needs ({@code cp}, {@code filefrag}); arguments are paths, never secrets. */
final class Commands {

    private static final Duration TIMEOUT = Duration.ofMinutes(10);

    private Commands() {
    }

    /** Runs the command; its output, or a StorageException naming what failed. */
    static String run(List<String> command) {
        return run(command, false);
    }

    /**
     * Runs the command and returns its output even when it exits non-zero: filefrag reports every
     * file it could read, and Postgres may remove a file between the listing and the call.
     */
    static String runTolerant(List<String> command) {
        return run(command, true);
    }

    private static String run(List<String> command, boolean anyExit) {
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new StorageException("cannot run " + command.getFirst() + ": " + e.getMessage(), e);
        }
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new StorageException(command.getFirst() + " did not finish within " + TIMEOUT);
            }
            if (process.exitValue() != 0 && !anyExit) {
                throw new StorageException(String.join(" ", command) + " failed (exit code " + process.exitValue()
                        + "): " + tail(output));
            }
            return output;
        } catch (IOException e) {
            throw new StorageException(command.getFirst() + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new StorageException(command.getFirst() + " was interrupted", e);
        }
    }

    /** {@code cp -a --reflink=always}: owner, mode and times kept, blocks shared, never a full copy. */
    static void reflinkCopy(java.nio.file.Path from, java.nio.file.Path to) {
        run(List.of("cp", "-a", "--reflink=always", "--", from.toString(), to.toString()));
    }

    /** {@link #reflinkCopy} of a directory's contents into an existing directory, which takes its owner and mode too. */
    static void reflinkFill(java.nio.file.Path from, java.nio.file.Path into) {
        run(List.of("cp", "-a", "--reflink=always", "--", from + "/.", into + "/"));
    }

    private static String tail(String output) {
        String s = output.strip();
        return s.length() > 500 ? "..." + s.substring(s.length() - 500) : s;
    }
}
