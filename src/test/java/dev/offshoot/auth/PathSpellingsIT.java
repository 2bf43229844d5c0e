package dev.offshoot.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.test.web.server.LocalServerPort;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

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
    Instant started;
    String template;
    String sneaky;

    @BeforeAll
    void setUp() {
        admin = new Api(port, ADMIN_TOKEN);
        started = Instant.now();
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
                "/api/v1/" + rest.replaceFirst("^.", "%" + Integer.toHexString(rest.charAt(0))),
                "/api/v1/" + encodeLastLetterOfFirstSegment(rest)));
        return out;
    }

    /** {@code branches/x} becomes {@code branche%73/x}: one letter encoded where no filter looks. */
    private static String encodeLastLetterOfFirstSegment(String rest) {
        int end = rest.indexOf('/') < 0 ? rest.length() : rest.indexOf('/');
        return rest.substring(0, end - 1) + "%" + Integer.toHexString(rest.charAt(end - 1)) + rest.substring(end);
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

    /**
     * Every spelling that reaches a handler which changes something (tokens, branches, templates,
     * migrations) leaves that call's audit row, whether the change succeeded or failed; spellings
     * that reach no handler change nothing and are refused as before.
     */
    @Test
    void everyAcceptedSpellingOfAChangeLeavesItsAuditRow() {
        String branch = "ab-" + sneaky.substring(7);
        assertThat(admin.post("/api/v1/branches", Map.of("name", branch, "template", template)).status()).isEqualTo(201);
        List<String> accepted = new ArrayList<>();
        List<String> tokenCreates = spellings("/api/v1/tokens");
        for (int i = 0; i < tokenCreates.size(); i++) {
            String token = "sp" + i + "-" + sneaky;
            String revoked = "rv" + i + "-" + sneaky;
            admin.post("/api/v1/tokens", Map.of("name", revoked, "scopes", List.of("read")));
            String created = "sb" + i + "-" + sneaky.substring(7);
            List<Change> changes = List.of(
                    new Change("POST", tokenCreates.get(i), json("name", token, "scopes", List.of("read")),
                            "token.create", token),
                    new Change("DELETE", spellings("/api/v1/tokens/" + revoked).get(i), null, "token.delete", revoked),
                    new Change("POST", spellings("/api/v1/branches").get(i),
                            json("name", created, "template", template), "branch.create", created),
                    new Change("DELETE", spellings("/api/v1/branches/" + created).get(i), null, "branch.delete",
                            created),
                    new Change("PATCH", spellings("/api/v1/branches/" + branch).get(i), json("ttl", "2h"),
                            "branch.update", branch),
                    new Change("PATCH", spellings("/api/v1/templates/" + template).get(i), json("poolSize", 0),
                            "template.update", template),
                    new Change("PUT", spellings("/api/v1/templates/" + template + "/policy").get(i),
                            json("mode", "error-only"), "template.update", template),
                    new Change("DELETE", spellings("/api/v1/templates/none-" + sneaky).get(i), null,
                            "template.delete", "none-" + sneaky),
                    new Change("POST", spellings("/api/v1/branches/" + branch + "/migrations/approvals").get(i),
                            json("checksum", "%064x".formatted(i)), "branch.migrations.approvals", branch),
                    new Change("POST", spellings("/api/v1/branches/none-" + sneaky + "/migrations").get(i),
                            json("migrations", List.of(Map.of("name", "V1__a.sql", "sql", "SELECT 1"))),
                            "branch.migrations", "none-" + sneaky),
                    new Change("POST", spellings("/api/v1/templates/none-" + sneaky + "/migrations").get(i),
                            json("migrations", List.of(Map.of("name", "V1__a.sql", "sql", "SELECT 1"))),
                            "template.migrations", "none-" + sneaky));
            for (Change change : changes) {
                if (audited(change)) {
                    accepted.add(change.method() + " " + change.path());
                }
            }
        }

        assertThat(accepted).as("the spellings the service routes to a handler")
                .contains("POST /%61pi/v1/tokens", "DELETE /api/v1/branche%73/sb" + (tokenCreates.size() - 1) + "-"
                        + sneaky.substring(7), "POST /api/%76%31/branches/" + branch + "/migrations/approvals");
        System.out.printf("%d accepted spellings of a change, each audited: %s%n", accepted.size(), accepted);
    }

    /**
     * A body over its route's limit (the migration and SQL routes: twice the migration limit plus
     * 64 KiB; every other route: the default body limit) is refused from its Content-Length before
     * it is sent, whichever spelling reached the route: the server must not wait for the body.
     */
    @Test
    void aBodyOverItsRoutesLimitIsRefusedBeforeItIsSentHoweverThePathIsSpelled() {
        long overMigrationLimit = 2L * 10 * 1024 * 1024 + 65_536 + 1;
        Map<String, Long> routes = Map.of(
                "/api/v1/branches/none-" + sneaky + "/sql", overMigrationLimit,
                "/api/v1/branches/none-" + sneaky + "/migrations", overMigrationLimit,
                "/api/v1/branches/none-" + sneaky + "/migrations/check", overMigrationLimit,
                "/api/v1/templates/none-" + sneaky + "/migrations", overMigrationLimit,
                "/api/v1/branches", 50L * 1024 * 1024);
        List<String> refusedAtOnce = new ArrayList<>();
        routes.forEach((route, announced) -> {
            for (String path : spellings(route)) {
                java.util.Optional<RawHttp.Response> answer = RawHttp.announce(port, "POST", path, ADMIN_TOKEN,
                        "application/json", announced, "{\"sql\": \"".getBytes(), Duration.ofSeconds(5));
                assertThat(answer).as("POST " + path + " answers before its body is sent").isPresent();
                RawHttp.Response response = answer.get();
                assertProblem(response, "POST " + path);
                assertThat(response.status()).as("POST " + path + " -> " + response).isIn(400, 403, 404, 405, 413);
                assertThat(response.status() == 413 || NOT_ROUTED.contains(code(response))).as(path).isTrue();
                if (response.status() == 413) {
                    assertThat(code(response)).isEqualTo("PAYLOAD_TOO_LARGE");
                    refusedAtOnce.add(path);
                }
            }
        });

        assertThat(refusedAtOnce).contains("/%61pi/v1/branches/none-" + sneaky + "/sql",
                "/api/v1/branche%73/none-" + sneaky + "/migrations", "/api/%76%31/branches");
    }

    record Change(String method, String path, String body, String action, String target) {
    }

    /**
     * Refusals made before any handler (the firewall, Tomcat, the security chain's deny-by-default,
     * no route); the bodies sent are valid, so a handler never answers BAD_REQUEST here.
     */
    static final Set<String> NOT_ROUTED = Set.of("REQUEST_REJECTED", "BAD_REQUEST", "FORBIDDEN", "NOT_FOUND",
            "METHOD_NOT_ALLOWED");

    /**
     * Sends the change as admin: a call a handler answered (success, or a failure such as
     * BRANCH_NOT_FOUND) must add exactly one audit row with its status; a call refused before
     * routing (firewall, no such route) adds none. Returns whether a handler answered.
     */
    private boolean audited(Change change) {
        int before = auditRows(change).size();
        RawHttp.Response response = RawHttp.send(port, change.method(), change.path(), ADMIN_TOKEN, change.body());
        String what = change.method() + " " + change.path() + " -> " + response;
        boolean routed = response.status() < 400 || !NOT_ROUTED.contains(code(response));
        if (!routed) {
            assertThat(response.status()).as(what).isIn(400, 403, 404, 405);
            assertThat(auditRows(change)).as(what).hasSize(before);
            return false;
        }
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
                assertThat(auditRows(change)).as(what + ": its audit row").hasSize(before + 1));
        JsonNode row = auditRows(change).get(0);
        // the target as the handler saw it (a spelling such as x.json reaches it as "x.json")
        assertThat(row.get("target").asString()).as(what).startsWith(change.target());
        assertThat(row.get("status").asInt()).as(what).isEqualTo(response.status());
        assertThat(row.get("channel").asString()).as(what).isEqualTo("rest");
        assertThat(row.get("actor").asString()).as(what).isEqualTo("admin");
        return true;
    }

    /** This class's rows of the change's action, newest first (one test changes at a time). */
    private JsonNode auditRows(Change change) {
        return admin.get("/api/v1/audit?limit=1000&actor=admin&action=" + change.action() + "&since=" + started)
                .body().get("items");
    }

    private static String code(RawHttp.Response response) {
        try {
            return JsonMapper.shared().readTree(response.body()).path("code").asString();
        } catch (RuntimeException notJson) {
            return "";
        }
    }

    private static String json(Object... keysAndValues) {
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            body.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return JsonMapper.shared().writeValueAsString(body);
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
