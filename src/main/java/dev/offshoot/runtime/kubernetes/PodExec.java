package dev.offshoot.runtime.kubernetes;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.ExecWatch;

import dev.offshoot.runtime.ContainerFailedException;
import dev.offshoot.runtime.ContainerRuntime.ExecOptions;
import dev.offshoot.runtime.ContainerRuntime.ExecResult;
import dev.offshoot.runtime.OutputTail;

/**
 * Commands in a Pod through its exec subresource. Kubernetes' exec takes neither an environment
 * nor a user: the command runs as the Pod's user (the postgres uid), and a variable (which may
 * hold a secret) reaches it on standard input, base64-encoded, read by a small shell prologue
 * that exports it and then runs the command with its input closed. Arguments, which the API
 * server puts in the request's URL and may log, never hold a secret. Copies into the Pod go the
 * same way: exactly the file's bytes on standard input ({@code head -c}), since the channel
 * protocol cannot signal the end of the input.
 */
final class PodExec {

    /** Reads "NAME BASE64" lines up to an empty one, exports each, then runs "$@" with no input. */
    static final String ENV_PROLOGUE = "while IFS=' ' read -r k v && [ -n \"$k\" ]; do"
            + " export \"$k=$(printf '%s' \"$v\" | base64 -d)\"; done; exec \"$@\" </dev/null";

    private final KubernetesClient client;
    private final String namespace;

    PodExec(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
    }

    ExecResult exec(String pod, List<String> command, ExecOptions options, Duration timeout) {
        if (options.env().isEmpty()) {
            return run(pod, command, null, timeout);
        }
        List<String> wrapped = new ArrayList<>(List.of("sh", "-c", ENV_PROLOGUE, "sh"));
        wrapped.addAll(command);
        return run(pod, wrapped, new ByteArrayInputStream(envInput(options.env())), timeout);
    }

    /** The variables as the prologue reads them. */
    static byte[] envInput(Map<String, String> env) {
        StringBuilder lines = new StringBuilder();
        env.forEach((k, v) -> {
            if (!k.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw new IllegalArgumentException("not a variable name: " + k);
            }
            lines.append(k).append(' ')
                    .append(Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))).append('\n');
        });
        return lines.append('\n').toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** How long to wait for the exit status of a command whose input could not all be written. */
    private static final Duration UNFED_GRACE = Duration.ofSeconds(5);

    void copyInto(String pod, Path hostFile, String directory, Duration timeout) {
        try {
            long size = Files.size(hostFile);
            String target = directory + "/" + hostFile.getFileName();
            ExecResult result;
            try (InputStream in = Files.newInputStream(hostFile)) {
                // the size is checked where it landed: a stream cut short must not leave a shorter file behind a success
                result = run(pod, List.of("sh", "-c", "head -c " + size + " > \"$0\" && [ \"$(wc -c < \"$0\")\" -eq " + size
                        + " ]", target), in, timeout);
            }
            if (!result.succeeded()) {
                throw new ContainerFailedException("copying " + hostFile.getFileName() + " into Pod " + pod
                        + " failed", result.output().strip(), null);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private ExecResult run(String pod, List<String> command, InputStream input, Duration timeout) {
        OutputTail out = new OutputTail(OutputTail.DEFAULT_CHARS);
        OutputStream sink = new OutputStream() {
            @Override
            public void write(int b) {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                out.append(new String(b, off, len, StandardCharsets.UTF_8));
            }
        };
        var target = client.pods().inNamespace(namespace).withName(pod);
        try (ExecWatch watch = input == null
                ? target.writingOutput(sink).writingError(sink).exec(command.toArray(String[]::new))
                : target.redirectingInput().writingOutput(sink).writingError(sink)
                        .exec(command.toArray(String[]::new))) {
            String unfed = input == null ? null : feed(watch, input);
            // a command that read all it wanted may end (and its exec close) before the last write
            // is acknowledged: its own exit status, when one came, is the answer then
            Integer code = watch.exitCode().get(unfed == null ? timeout.toMillis() : UNFED_GRACE.toMillis(),
                    TimeUnit.MILLISECONDS);
            if (unfed != null && (code == null || code != 0)) {
                return new ExecResult(-1, "writing to the input of an exec in Pod " + pod + " failed: " + unfed + "\n" + out);
            }
            return new ExecResult(code == null ? -1 : code, out.toString());
        } catch (TimeoutException e) {
            return new ExecResult(-1, "timed out after " + timeout + "\n" + out);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new ExecResult(-1, "interrupted");
        } catch (ExecutionException e) {
            return new ExecResult(-1, "exec in Pod " + pod + " failed: " + e.getCause().getMessage() + "\n" + out);
        } catch (KubernetesClientException e) {
            // the API server refused the exec or its connection broke: a failed command, not an internal error
            return new ExecResult(-1, "exec in Pod " + pod + " failed: " + e.getMessage() + "\n" + out);
        }
    }

    /**
     * Writes all of {@code input} to the exec's standard input; null when it was, else why not (the
     * exec's connection closed: the command or its container ended, or the API server hung up).
     */
    private static String feed(ExecWatch watch, InputStream input) {
        try (InputStream in = input) {
            OutputStream stdin = watch.getInput();
            in.transferTo(stdin);
            stdin.flush();
            return null;
        } catch (IOException | KubernetesClientException e) {
            return String.valueOf(e.getMessage());
        }
    }
}
