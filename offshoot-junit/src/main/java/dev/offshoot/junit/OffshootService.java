package dev.offshoot.junit;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** The two calls the extension makes: create a branch (answers when it accepts connections) and delete it. */
final class OffshootService {

    private static final Duration TIMEOUT = Duration.ofMinutes(5);

    private final String url;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    OffshootService(String url, String token) {
        this.url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.token = token;
    }

    OffshootDatabase create(String name, String template, String ttl, Map<String, String> labels) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("template", template);
        body.put("ttl", ttl);
        body.put("labels", labels);
        HttpResponse<String> answer = send(request("/api/v1/branches").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(body))));
        if (answer.statusCode() != 201 && answer.statusCode() != 200) {
            throw failure("create branch " + name, answer);
        }
        Map<?, ?> connection = (Map<?, ?>) ((Map<?, ?>) Json.parse(answer.body())).get("connection");
        Object password = connection.get("password");
        if (password == null) {
            throw new IllegalStateException("offshoot: the token does not see branch " + name
                    + "'s password: it needs the write scope");
        }
        return new OffshootDatabase(name, (String) connection.get("jdbcUrl"), (String) connection.get("user"),
                (String) password, (String) connection.get("uri"));
    }

    /** Deletes the branch; one already gone (reaped, deleted by hand) is fine. */
    void delete(String name) {
        HttpResponse<String> answer = send(request("/api/v1/branches/" + URLEncoder.encode(name, StandardCharsets.UTF_8)
                + "?force=true").DELETE());
        if (answer.statusCode() != 204 && answer.statusCode() != 404) {
            throw failure("delete branch " + name, answer);
        }
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(url + path)).timeout(TIMEOUT)
                .header("Authorization", "Bearer " + token).header("Accept", "application/json");
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException("offshoot: cannot reach " + url + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("offshoot: interrupted", e);
        }
    }

    private static IllegalStateException failure(String what, HttpResponse<String> answer) {
        String detail = "HTTP " + answer.statusCode();
        try {
            Map<?, ?> problem = (Map<?, ?>) Json.parse(answer.body());
            detail = problem.get("code") + ": " + problem.get("detail");
        } catch (RuntimeException e) {
            // not a problem document: the status says enough
        }
        return new IllegalStateException("offshoot: cannot " + what + ": " + detail);
    }
}
