package dev.offshoot.k8s;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.fabric8.mockwebserver.http.ByteString;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;

/**
 * The server side of a Pod exec (channel protocol v4.channel.k8s.io, as the API server speaks
 * it): frames on channel 0 are the process's standard input, its output goes out on channels 1
 * and 2, and its end as a Status on channel 3, after which the socket closes.
 */
final class ExecSession extends WebSocketListener {

    private static final long WAIT_SECONDS = 60;

    private final Engine engine;
    private final String container;
    private final List<String> command;
    /** The process once it runs; input that arrives earlier waits for it, as a kubelet buffers it. */
    private final CompletableFuture<Process> started = new CompletableFuture<>();

    ExecSession(Engine engine, String container, List<String> command) {
        this.engine = engine;
        this.container = container;
        this.command = command;
    }

    @Override
    public void onOpen(WebSocket socket, Response response) {
        Thread.ofVirtual().start(() -> run(socket));
    }

    private void run(WebSocket socket) {
        try {
            Process process = engine.exec(container, command);
            started.complete(process);
            Thread out = Thread.ofVirtual().start(() -> pump(process.getInputStream(), 1, socket));
            Thread err = Thread.ofVirtual().start(() -> pump(process.getErrorStream(), 2, socket));
            int code = process.waitFor();
            out.join();
            err.join();
            socket.send(frame(3, status(code).getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            started.completeExceptionally(e);
            socket.send(frame(3, ("{\"status\":\"Failure\",\"message\":\"" + e.getMessage() + "\"}")
                    .getBytes(StandardCharsets.UTF_8)));
        } finally {
            socket.close(1000, "done");
        }
    }

    static String status(int code) {
        return code == 0 ? "{\"metadata\":{},\"status\":\"Success\"}"
                : "{\"metadata\":{},\"status\":\"Failure\",\"message\":\"command terminated with non-zero exit code\","
                        + "\"reason\":\"NonZeroExitCode\",\"details\":{\"causes\":[{\"reason\":\"ExitCode\",\"message\":\""
                        + code + "\"}]}}";
    }

    private static void pump(InputStream in, int channel, WebSocket socket) {
        byte[] buffer = new byte[8192];
        try {
            for (int n; (n = in.read(buffer)) > 0; ) {
                byte[] chunk = new byte[n];
                System.arraycopy(buffer, 0, chunk, 0, n);
                socket.send(frame(channel, chunk));
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    private static byte[] frame(int channel, byte[] data) {
        byte[] frame = new byte[data.length + 1];
        frame[0] = (byte) channel;
        System.arraycopy(data, 0, frame, 1, data.length);
        return frame;
    }

    @Override
    public void onMessage(WebSocket socket, byte[] bytes) {
        input(bytes);
    }

    @Override
    public void onMessage(WebSocket socket, ByteString bytes) {
        input(bytes.toByteArray());
    }

    private void input(byte[] bytes) {
        if (bytes.length < 2 || bytes[0] != 0) {
            return;
        }
        Process process;
        try {
            // docker exec may take seconds to start on a loaded host: frames are held, never dropped
            process = started.get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (ExecutionException | TimeoutException e) {
            return;
        }
        try {
            OutputStream stdin = process.getOutputStream();
            stdin.write(bytes, 1, bytes.length - 1);
            stdin.flush();
        } catch (IOException e) {
            // the process no longer reads
        }
    }

    @Override
    public void onClosed(WebSocket socket, int code, String reason) {
        Process running = started.getNow(null);
        if (running != null) {
            try {
                running.getOutputStream().close();
            } catch (IOException e) {
                // gone already
            }
        }
    }
}
