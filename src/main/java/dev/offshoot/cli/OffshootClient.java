package dev.offshoot.cli;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The service's REST API (/api/v1) over the JDK's HTTP client. Every non-2xx answer becomes a
 * {@link CliFailure} with the problem's code and detail; the bearer token goes into the
 * Authorization header and nowhere else. A 429 or 503 (the service saying "not now", before it did
 * anything) is sent again after the {@code Retry-After} it names, a few times ({@link Retries}).
 */
final class OffshootClient {

    /** Checks of migrations copy a branch and run them: minutes on big databases. */
    private static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(15);
    /** Page size when a command follows a list's cursor to its end. */
    static final int PAGE_SIZE = 200;

    private final HttpClient http;
    private final CliSettings settings;
    private final Retries retries;

    OffshootClient(CliSettings settings, Retries retries) {
        this.settings = settings;
        this.retries = retries;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** A client that does not retry (login's single check). */
    OffshootClient(CliSettings settings) {
        this(settings, Retries.NONE);
    }

    JsonNode get(String path) {
        return json(send(request(path).GET(), "application/json"));
    }

    /**
     * Every item of a paged list: pages of {@link #PAGE_SIZE} until the answer has no
     * {@code nextCursor}, as {@code {"items": [...]}}.
     */
    JsonNode getAll(String path, List<Map.Entry<String, String>> params) {
        ObjectNode all = CliSettings.JSON.createObjectNode();
        ArrayNode items = all.putArray("items");
        String cursor = null;
        do {
            List<Map.Entry<String, String>> page = new java.util.ArrayList<>(params);
            page.add(Map.entry("limit", String.valueOf(PAGE_SIZE)));
            if (cursor != null) {
                page.add(Map.entry("cursor", cursor));
            }
            JsonNode answer = get(path + query(page));
            answer.path("items").forEach(items::add);
            cursor = answer.path("nextCursor").isString() ? answer.get("nextCursor").asString() : null;
        } while (cursor != null);
        return all;
    }

    /** A text answer (e.g. {@code diff?format=text}). */
    String getText(String path) {
        return send(request(path).GET(), "text/plain").body();
    }

    JsonNode post(String path, Object body) {
        return json(send(withJson(request(path), "POST", body), "application/json"));
    }

    JsonNode put(String path, Object body) {
        return json(send(withJson(request(path), "PUT", body), "application/json"));
    }

    JsonNode patch(String path, Object body) {
        return json(send(withJson(request(path), "PATCH", body), "application/json"));
    }

    /** A multipart/form-data POST (SQL files of a template). */
    JsonNode postForm(String path, MultipartBody form) {
        return json(send(request(path).header("Content-Type", form.contentType())
                .POST(HttpRequest.BodyPublishers.ofByteArray(form.bytes())), "application/json"));
    }

    void delete(String path) {
        send(request(path).DELETE(), "application/json");
    }

    /** A path segment or query value, percent-encoded. */
    static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** {@code ?k=v&k=v} from repeated parameters; empty when there are none. */
    static String query(List<Map.Entry<String, String>> params) {
        String q = params.stream().map(e -> enc(e.getKey()) + "=" + enc(e.getValue())).collect(Collectors.joining("&"));
        return q.isEmpty() ? "" : "?" + q;
    }

    private static HttpRequest.Builder withJson(HttpRequest.Builder builder, String method, Object body) {
        String json = CliSettings.JSON.writeValueAsString(body == null ? Map.of() : body);
        return builder.header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(json));
    }

    private HttpRequest.Builder request(String path) {
        URI uri;
        try {
            uri = URI.create(settings.url() + path);
        } catch (IllegalArgumentException e) {
            throw CliFailure.usage("invalid service URL '" + settings.url() + "'");
        }
        return HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT)
                .header("Authorization", "Bearer " + settings.token());
    }

    private HttpResponse<String> send(HttpRequest.Builder builder, String accept) {
        HttpRequest request = build(builder.header("Accept", accept + ", application/problem+json"));
        for (int attempt = 1; ; attempt++) {
            HttpResponse<String> response = exchange(request);
            if (response.statusCode() < 400) {
                return response;
            }
            CliFailure failure = problem(response);
            Duration wait = retries.waitBefore(attempt, response.statusCode(),
                    response.headers().firstValue("Retry-After").orElse(null));
            if (wait == null) {
                throw failure;
            }
            retries.pause(wait, failure);
        }
    }

    private HttpRequest build(HttpRequest.Builder builder) {
        try {
            return builder.build();
        } catch (IllegalArgumentException e) {
            throw CliFailure.usage("invalid service URL '" + settings.url() + "'");
        }
    }

    private HttpResponse<String> exchange(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new CliFailure(ExitCodes.UNAVAILABLE, "UNREACHABLE",
                    "cannot reach " + settings.url() + ": " + e.getClass().getSimpleName()
                            + (e.getMessage() == null ? "" : " " + e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliFailure(ExitCodes.UNAVAILABLE, "INTERRUPTED", "interrupted");
        } catch (IllegalArgumentException e) {
            throw CliFailure.usage("invalid service URL '" + settings.url() + "'");
        }
    }

    static CliFailure problem(HttpResponse<String> response) {
        int status = response.statusCode();
        String code = "HTTP_" + status;
        String detail = "HTTP " + status;
        boolean retryable = false;
        try {
            JsonNode body = CliSettings.JSON.readTree(response.body());
            if (body != null && body.isObject()) {
                code = body.path("code").isString() ? body.get("code").asString() : code;
                detail = body.path("detail").isString() ? body.get("detail").asString()
                        : body.path("title").isString() ? body.get("title").asString() : detail;
                retryable = body.path("retryable").asBoolean(false);
            }
        } catch (JacksonException e) {
            // not a problem document (a proxy's page): the status alone says enough
        }
        return new CliFailure(CliFailure.exitCodeOf(status, retryable), code, detail);
    }

    private static JsonNode json(HttpResponse<String> response) {
        if (response.body() == null || response.body().isBlank()) {
            return CliSettings.JSON.createObjectNode();
        }
        try {
            return CliSettings.JSON.readTree(response.body());
        } catch (JacksonException e) {
            throw new CliFailure(ExitCodes.UNAVAILABLE, "BAD_RESPONSE", "the service answered something that is not JSON");
        }
    }
}
