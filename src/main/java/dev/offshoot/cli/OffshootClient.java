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

/**
 * The service's REST API (/api/v1) over the JDK's HTTP client. Every non-2xx answer becomes a
 * {@link CliFailure} with the problem's code and detail; the bearer token goes into the
 * Authorization header and nowhere else.
 */
final class OffshootClient {

    /** Checks of migrations copy a branch and run them: minutes on big databases. */
    private static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(15);

    private final HttpClient http;
    private final CliSettings settings;

    OffshootClient(CliSettings settings) {
        this.settings = settings;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    JsonNode get(String path) {
        return json(send(request(path).GET(), "application/json"));
    }

    /** A text answer (e.g. {@code diff?format=text}). */
    String getText(String path) {
        return send(request(path).GET(), "text/plain").body();
    }

    JsonNode post(String path, Object body) {
        String json = CliSettings.JSON.writeValueAsString(body == null ? Map.of() : body);
        return json(send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)), "application/json"));
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
        HttpResponse<String> response;
        try {
            response = http.send(builder.header("Accept", accept + ", application/problem+json").build(),
                    HttpResponse.BodyHandlers.ofString());
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
        if (response.statusCode() >= 400) {
            throw problem(response);
        }
        return response;
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
