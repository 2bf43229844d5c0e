package dev.offshoot.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.offshoot.Api;
import dev.offshoot.IntegrationTest;
import dev.offshoot.RawHttp;

/**
 * Protected paths spelled every way a path can be spelled, sent over a raw socket (no client
 * normalises them), without a token, with an expired one and with a revoked one: every one is
 * refused with a problem document, and nothing is created, changed or deleted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PathSpellingsIT extends IntegrationTest {

    @LocalServerPort
    int port;

    Api admin;
    String template;
    String sneaky;

    @BeforeAll
    void setUp() {
        admin = new Api(port, ADMIN_TOKEN);
        String id = UUID.randomUUID().toString().substring(0, 6);
        template = "ps-" + id;
        sneaky = "sneaky-" + id;
        assertThat(admin.post("/api/v1/templates", Map.of("name", template)).status()).isEqualTo(201);
    }

    /** Each path spelled plainly and in the ways that got past URL-regex filters before. */
    static List<String> spellings(String path) {
        String rest = path.substring("/api/v1/".length());
        List<String> out = new ArrayList<>(List.of(
                path,
                "/api;x/v1/" + rest,
                "/api/v1;x/" + rest,
                path + ";jsessionid=x",
                "/%61pi/v1/" + rest,
                "/api/%76%31/" + rest,
                "/api%2Fv1/" + rest,
                "/api/v1%2F" + rest,
                "/api/v1/%2e%2e/v1/" + rest,
                "/api/v1/../v1/" + rest,
                "/api/./v1/" + rest,
                "/api/v1/webhooks/../" + rest,
                "/api/v1/webhooks/%2e%2e/" + rest,
                "/api/v1/webhooks/github/..;/../" + rest,
                "//api/v1/" + rest,
                "/api//v1/" + rest,
                "/API/v1/" + rest,
                "/Api/V1/" + rest.toUpperCase(),
                path + "/",
                path + ".json",
                "/api\\v1\\" + rest.replace('/', '\\'),
                "/api/v1/" + rest + "%00",
                "/api/v1/" + rest + "%2500",
                "/api/v1/%2F" + rest,
                "/api/v1/" + rest.replaceFirst("^.", "%" + Integer.toHexString(rest.charAt(0)))));
        return out;
    }

    @Test
    void everySpellingOfAProtectedPathWithoutATokenIsRefusedAndChangesNothing() {
        List<String> refusals = attack(null);

        assertThat(refusals).hasSizeGreaterThanOrEqualTo(100);
        assertNothingChanged();
    }

    @Test
    void anExpiredTokenIsRefusedOnEverySpelling() {
        String expiring = admin.post("/api/v1/tokens", Map.of("name", "exp-" + sneaky, "scopes", List.of("admin"),
                "expiresAt", Instant.now().plusSeconds(2).toString())).body().get("token").asString();
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250))
                .until(() -> new Api(port, expiring).get("/api/v1/templates").status() == 401);

        attack(expiring);

        assertNothingChanged();
    }

    @Test
    void aRevokedTokenIsRefusedOnEverySpelling() {
        String name = "rev-" + sneaky;
        String revoked = admin.post("/api/v1/tokens", Map.of("name", name, "scopes", List.of("admin")))
                .body().get("token").asString();
        assertThat(new Api(port, revoked).get("/api/v1/templates").status()).isEqualTo(200);
        assertThat(admin.delete("/api/v1/tokens/" + name).status()).isEqualTo(204);

        attack(revoked);

        assertNothingChanged();
    }

    @Test
    void aMatrixParameterOnApiNoLongerIssuesAnAdminTokenWithoutAuthorization() {
        RawHttp.Response response = RawHttp.send(port, "POST", "/api;x/v1/tokens", null,
                "{\"name\":\"" + sneaky + "\",\"scopes\":[\"admin\"]}");

        assertThat(response.status()).as(response.toString()).isEqualTo(400);
        assertThat(response.body()).contains("REQUEST_REJECTED").doesNotContain("osh_");
        assertNothingChanged();
    }

    @Test
    void aPercentEncodedApiNoLongerListsTemplatesWithoutAToken() {
        RawHttp.Response response = RawHttp.send(port, "GET", "/%61pi/v1/templates", null, null);

        assertThat(response.status()).as(response.toString()).isEqualTo(401);
        assertThat(response.body()).contains("UNAUTHORIZED").doesNotContain(template);
    }

    @Test
    void openPathsStayOpenAndMetricsNeedAToken() {
        assertThat(RawHttp.send(port, "GET", "/actuator/health", null, null).status()).isEqualTo(200);
        assertThat(RawHttp.send(port, "GET", "/actuator/health/readiness", null, null).status()).isEqualTo(200);
        RawHttp.Response metrics = RawHttp.send(port, "GET", "/actuator/prometheus", null, null);
        RawHttp.Response info = RawHttp.send(port, "GET", "/actuator/info", null, null);
        RawHttp.Response webhook = RawHttp.send(port, "POST", "/api/v1/webhooks/github", null, "{}");

        assertThat(metrics.status()).as(metrics.toString()).isEqualTo(401);
        assertThat(info.status()).as(info.toString()).isEqualTo(401);
        String writer = admin.post("/api/v1/tokens", Map.of("name", "metrics-" + sneaky, "scopes", List.of("write")))
                .body().get("token").asString();
        assertThat(RawHttp.send(port, "GET", "/actuator/prometheus", writer, null).body())
                .as("write implies read through the scope hierarchy").contains("jvm_memory_used_bytes");
        assertThat(webhook.body()).as("the webhook checks its own signature, not a bearer token")
                .contains("INVALID_SIGNATURE");
    }

    @Test
    void errorsOfTheServletContainerAreProblemDocuments() {
        RawHttp.Response nul = RawHttp.send(port, "GET", "/api/v1/branches/%00", ADMIN_TOKEN, null);
        RawHttp.Response backslash = RawHttp.send(port, "GET", "/api/v1/branches/a\\b", ADMIN_TOKEN, null);

        assertProblem(nul, "GET /api/v1/branches/%00");
        assertProblem(backslash, "GET /api/v1/branches/a\\b");
        assertThat(nul.status()).isEqualTo(400);
    }

    private List<String> attack(String token) {
        List<String> refused = new ArrayList<>();
        String body = "{\"name\":\"" + sneaky + "\",\"scopes\":[\"admin\"],\"template\":\"" + template + "\"}";
        List<String[]> calls = new ArrayList<>();
        for (String path : spellings("/api/v1/tokens")) {
            calls.add(new String[] {"POST", path, body});
            calls.add(new String[] {"GET", path, null});
        }
        for (String path : spellings("/api/v1/branches")) {
            calls.add(new String[] {"POST", path, body});
        }
        for (String path : spellings("/api/v1/templates/" + template)) {
            calls.add(new String[] {"DELETE", path + (path.contains("?") ? "&" : "?") + "force=true", null});
        }
        for (String path : spellings("/api/v1/templates")) {
            calls.add(new String[] {"GET", path, null});
        }
        for (String[] call : calls) {
            RawHttp.Response response = RawHttp.send(port, call[0], call[1], token, call[2]);
            String what = call[0] + " " + call[1] + (token == null ? " (no token)" : " (dead token)");
            assertThat(response.status()).as(what + " -> " + response).isIn(400, 401, 404);
            assertProblem(response, what);
            if (response.status() == 401) {
                assertThat(response.header("www-authenticate")).as(what).isEqualTo("Bearer");
            }
            refused.add(what);
        }
        return refused;
    }

    private static void assertProblem(RawHttp.Response response, String what) {
        assertThat(response.header("content-type")).as(what + " -> " + response).startsWith("application/problem+json");
        assertThat(response.body()).as(what).contains("\"code\"").contains("\"retryable\"");
    }

    private void assertNothingChanged() {
        assertThat(admin.get("/api/v1/tokens").body().get("items").toString()).doesNotContain("\"" + sneaky + "\"");
        assertThat(admin.get("/api/v1/branches?status=DELETED").body().get("items").toString())
                .doesNotContain(sneaky);
        assertThat(admin.get("/api/v1/branches").body().get("items").toString()).doesNotContain(sneaky);
        assertThat(admin.get("/api/v1/templates/" + template).status()).isEqualTo(200);
    }
}
