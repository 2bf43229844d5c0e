package dev.offshoot.cli;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpServer;

/**
 * A canned HTTP service for the CLI's unit tests: answers by "METHOD /path?query", records requests.
 * Several answers for one key are given out in turn, the last one from then on.
 */
final class StubService implements AutoCloseable {

    record Answer(int status, String contentType, String body, Map<String, String> headers) {
    }

    record Request(String method, String uri, String authorization, String contentType, String body) {
    }

    private final HttpServer server;
    private final Map<String, Deque<Answer>> answers = new ConcurrentHashMap<>();
    final List<Request> requests = new CopyOnWriteArrayList<>();

    StubService() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String key = exchange.getRequestMethod() + " " + exchange.getRequestURI();
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().toString(),
                    exchange.getRequestHeaders().getFirst("Authorization"),
                    exchange.getRequestHeaders().getFirst("Content-Type"), body));
            Answer answer = next(key);
            byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", answer.contentType());
            answer.headers().forEach(exchange.getResponseHeaders()::add);
            exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
    }

    private synchronized Answer next(String key) {
        Deque<Answer> queue = answers.get(key);
        if (queue == null || queue.isEmpty()) {
            return new Answer(404, "application/problem+json",
                    "{\"code\":\"NOT_STUBBED\",\"detail\":\"" + key + "\",\"retryable\":false}", Map.of());
        }
        return queue.size() > 1 ? queue.poll() : queue.peek();
    }

    StubService json(String methodAndPath, int status, String body) {
        return answer(methodAndPath, status, body, Map.of());
    }

    /** One more answer for the key, given out after the ones before it. */
    synchronized StubService answer(String methodAndPath, int status, String body, Map<String, String> headers) {
        answers.computeIfAbsent(methodAndPath, k -> new ArrayDeque<>()).add(new Answer(status,
                status >= 400 ? "application/problem+json" : "application/json", body, headers));
        return this;
    }

    StubService text(String methodAndPath, String body) {
        answers.computeIfAbsent(methodAndPath, k -> new ArrayDeque<>())
                .add(new Answer(200, "text/plain", body, Map.of()));
        return this;
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
