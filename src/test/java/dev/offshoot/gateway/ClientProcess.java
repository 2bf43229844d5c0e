package dev.offshoot.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real client program (psql, Debian's python3 with psycopg) run to completion, its output kept;
 * optionally interrupted (SIGINT, as Ctrl-C) after a delay. Secrets go in the environment.
 */
record ClientProcess(int exitCode, String output, Duration took) {

    static ClientProcess run(List<String> command, Map<String, String> env) {
        return run(command, env, null);
    }

    static ClientProcess run(List<String> command, Map<String, String> env, Duration interruptAfter) {
        long start = System.nanoTime();
        try {
            Path output = Files.createTempFile("client-", ".out");
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
            pb.environment().putAll(env);
            pb.environment().put("PGCONNECT_TIMEOUT", "10");
            Process p = pb.start();
            if (interruptAfter != null && !p.waitFor(interruptAfter.toMillis(), TimeUnit.MILLISECONDS)) {
                new ProcessBuilder("kill", "-INT", String.valueOf(p.pid())).start().waitFor();
            }
            boolean finished = p.waitFor(60, TimeUnit.SECONDS);
            if (!finished) {
                p.destroyForcibly();
            }
            String out = Files.readString(output, StandardCharsets.UTF_8);
            Files.delete(output);
            assertThat(finished).as("%s finished within 60 s: %s", command.getFirst(), out).isTrue();
            return new ClientProcess(p.exitValue(), out, Duration.ofNanos(System.nanoTime() - start));
        } catch (IOException e) {
            throw new AssertionError(command.getFirst() + " could not run (scripts/test.sh installs it): "
                    + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
