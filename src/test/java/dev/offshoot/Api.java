package dev.offshoot;

import java.util.Map;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.client.RestClient;

import tools.jackson.databind.JsonNode;

/** A REST client for the service under test that never throws on error statuses. */
public final class Api {

    private final RestClient client;

    public Api(int port, String token) {
        this(port, token, RestClient.builder());
    }

    /**
     * A client for many concurrent calls: the JDK's HttpClient opens as many connections as there
     * are calls, where the default (Apache HttpClient's pool) allows 5 per host and queues the rest.
     */
    public static Api concurrent(int port, String token) {
        return new Api(port, token, RestClient.builder().requestFactory(new org.springframework.http.client
                .JdkClientHttpRequestFactory(java.net.http.HttpClient.newBuilder()
                        .version(java.net.http.HttpClient.Version.HTTP_1_1).build())));
    }

    private Api(int port, String token, RestClient.Builder builder) {
        this.client = builder
                .baseUrl("http://localhost:" + port)
                .defaultHeaders(h -> {
                    if (token != null) {
                        h.setBearerAuth(token);
                    }
                })
                .defaultStatusHandler(status -> true, (request, response) -> { })
                .build();
    }

    public record Response(int status, JsonNode body, HttpHeaders headers) {
        public String code() {
            return body == null || body.get("code") == null ? null : body.get("code").asString();
        }
    }

    public Response get(String path) {
        return client.get().uri(path).exchange((req, res) -> read(res));
    }

    public Response post(String path, Object body) {
        return client.post().uri(path).contentType(MediaType.APPLICATION_JSON).body(body == null ? Map.of() : body)
                .exchange((req, res) -> read(res));
    }

    public Response postMultipart(String path, Object parts) {
        return client.post().uri(path).contentType(MediaType.MULTIPART_FORM_DATA).body(parts)
                .exchange((req, res) -> read(res));
    }

    /** Multipart upload of SQL files (name to content), in order, with extra form fields. */
    public Response postSql(String path, Map<String, String> fields, Map<String, byte[]> files) {
        org.springframework.util.LinkedMultiValueMap<String, Object> parts = new org.springframework.util.LinkedMultiValueMap<>();
        fields.forEach(parts::add);
        files.forEach((name, content) -> parts.add("file", new org.springframework.core.io.ByteArrayResource(content) {
            @Override
            public String getFilename() {
                return name;
            }
        }));
        return postMultipart(path, parts);
    }

    public Response patch(String path, Object body) {
        return client.patch().uri(path).contentType(MediaType.APPLICATION_JSON).body(body)
                .exchange((req, res) -> read(res));
    }

    public Response put(String path, Object body) {
        return client.put().uri(path).contentType(MediaType.APPLICATION_JSON).body(body)
                .exchange((req, res) -> read(res));
    }

    public Response delete(String path) {
        return client.delete().uri(path).exchange((req, res) -> read(res));
    }

    private static Response read(RestClient.RequestHeadersSpec.ConvertibleClientHttpResponse res)
            throws java.io.IOException {
        byte[] bytes = res.getBody().readAllBytes();
        JsonNode body = bytes.length == 0 ? null : tools.jackson.databind.json.JsonMapper.shared().readTree(bytes);
        return new Response(res.getStatusCode().value(), body, res.getHeaders());
    }
}
