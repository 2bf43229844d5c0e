package dev.offshoot;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The service as a separate JVM on the test classpath, so a test can SIGKILL it
 * ({@link Process#destroyForcibly()} on Linux) and start it again against the same store, or run
 * two of it as replicas. The JIT stops at C1: the service starts sooner, and runs long enough in a
 * test for nothing else to matter.
 */
public final class ServiceProcess implements AutoCloseable {

    private final List<String> args;
    private final Path log;
    public final int port;
    /** The gateway's port, the same across restarts (connection strings name it). */
    public final int gatewayPort;
    private Process process;

    public ServiceProcess(String name, List<String> args) {
        this.port = freePort();
        this.gatewayPort = freePort();
        this.args = args;
        this.log = Path.of("target", name + "-" + port + ".log").toAbsolutePath();
    }

    /** Starts the service and waits until it answers health checks. */
    public ServiceProcess start() throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), "dev.offshoot.OffshootApplication",
                "--server.port=" + port, "--offshoot.gateway.port=" + gatewayPort,
                "--offshoot.auth.admin-token=" + IntegrationTest.ADMIN_TOKEN,
                "--offshoot.runtime.base-image=" + IntegrationTest.BASE_IMAGE,
                "--offshoot.postgres.images.15=" + IntegrationTest.BASE_IMAGE,
                "--offshoot.postgres.images.17=" + IntegrationTest.BASE_IMAGE_17));
        command.addAll(args);
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        HttpClient http = HttpClient.newHttpClient();
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).ignoreExceptions().until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("the service exited; see " + log);
            }
            return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/health"))
                    .build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        });
        return this;
    }

    /** SIGKILL: no shutdown hook, no graceful shutdown, whatever was in flight stays as it was. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    public long pid() {
        return process.pid();
    }

    public File log() {
        return log.toFile();
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            process.waitFor();
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
