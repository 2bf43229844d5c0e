package dev.offshoot.neon;

import static org.assertj.core.api.Assertions.fail;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.SimpleValidationReportFormat;
import com.atlassian.oai.validator.report.ValidationReport;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.parser.OpenAPIV3Parser;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Calls /api/v2 and checks every request and response against {@code openapi-v2.yaml}, whose
 * response schemas forbid unknown properties: a field added, renamed or dropped in the code
 * without the spec fails. Remembers which documented operations were called.
 */
final class NeonContract {

    static final Path SPEC = Path.of("openapi-v2.yaml").toAbsolutePath();

    private final int port;
    private final OpenAPI spec = new OpenAPIV3Parser().read(SPEC.toString());
    private final OpenApiInteractionValidator validator = OpenApiInteractionValidator
            .createForSpecificationUrl(SPEC.toString()).build();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final Map<Pattern, String> templates = new LinkedHashMap<>();
    private final Set<String> exercised = new TreeSet<>();

    NeonContract(int port) {
        this.port = port;
        spec.getPaths().keySet().forEach(path -> templates.put(
                Pattern.compile(path.replaceAll("\\{[^}]+}", "[^/]+")), path));
    }

    record Exchange(int status, String body, Map<String, List<String>> headers) {

        JsonNode json() {
            return JsonMapper.shared().readTree(body);
        }

        String contentType() {
            return headers.getOrDefault("content-type", List.of("")).getFirst();
        }
    }

    /** Operations of the spec, as "METHOD /path/{template}". */
    Set<String> documented() {
        Set<String> out = new TreeSet<>();
        spec.getPaths().forEach((path, item) -> item.readOperationsMap().keySet()
                .forEach(method -> out.add(method.name() + " " + path)));
        return out;
    }

    Set<String> exercised() {
        return exercised;
    }

    OpenAPI spec() {
        return spec;
    }

    Exchange get(String token, String path) {
        return call(token, "GET", path, Map.of(), null);
    }

    Exchange get(String token, String path, Map<String, String> query) {
        return call(token, "GET", path, query, null);
    }

    Exchange post(String token, String path, Object body) {
        return call(token, "POST", path, Map.of(), body);
    }

    Exchange patch(String token, String path, Object body) {
        return call(token, "PATCH", path, Map.of(), body);
    }

    Exchange delete(String token, String path) {
        return call(token, "DELETE", path, Map.of(), null);
    }

    Exchange call(String token, String method, String path, Map<String, String> query, Object body) {
        String queryString = query.entrySet().stream().map(e -> enc(e.getKey()) + "=" + enc(e.getValue()))
                .collect(Collectors.joining("&"));
        byte[] bytes = body == null ? null : JsonMapper.shared().writeValueAsBytes(body);
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path
                + (queryString.isEmpty() ? "" : "?" + queryString))).timeout(Duration.ofMinutes(3))
                .header("Authorization", "Bearer " + token)
                .method(method, bytes == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(bytes));
        SimpleRequest.Builder request = new SimpleRequest.Builder(method, path)
                .withAuthorization("Bearer " + token);
        if (bytes != null) {
            builder.header("Content-Type", "application/json");
            request.withContentType("application/json").withBody(bytes);
        }
        query.forEach(request::withQueryParam);
        HttpResponse<String> response = send(builder.build());
        SimpleResponse.Builder seen = SimpleResponse.Builder.status(response.statusCode());
        response.headers().map().forEach((name, values) -> {
            if (!name.startsWith(":")) {
                seen.withHeader(name, values);
            }
        });
        if (!response.body().isEmpty()) {
            seen.withBody(response.body());
        }
        Exchange exchange = new Exchange(response.statusCode(), response.body(), response.headers().map());
        check(exchange, validator.validate(request.build(), seen.build()), method, path);
        exercised.add(method + " " + template(path));
        return exchange;
    }

    /** Whether the spec describes this answer to a call the spec itself refuses (a bad request). */
    void checkResponseOnly(String method, String path, Exchange exchange) {
        SimpleResponse.Builder seen = SimpleResponse.Builder.status(exchange.status())
                .withContentType(exchange.contentType()).withBody(exchange.body());
        check(exchange, validator.validateResponse(path, Request.Method.valueOf(method), seen.build()), method, path);
    }

    private String template(String path) {
        return templates.entrySet().stream().filter(e -> e.getKey().matcher(path).matches()).map(Map.Entry::getValue)
                .findFirst().orElse(path);
    }

    private static void check(Exchange exchange, ValidationReport report, String method, String path) {
        if (report.hasErrors()) {
            fail("%s %s -> %d does not match openapi-v2.yaml:%n%s%nbody: %s", method, path, exchange.status(),
                    SimpleValidationReportFormat.getInstance().apply(report), exchange.body());
        }
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
