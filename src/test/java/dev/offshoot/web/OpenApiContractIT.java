package dev.offshoot.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.SimpleValidationReportFormat;
import com.atlassian.oai.validator.report.ValidationReport;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.parser.OpenAPIV3Parser;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.offshoot.IntegrationTest;

/**
 * The REST contract: every endpoint is called on the real service (real Docker engine) and every
 * request and response is checked against {@code openapi.yaml}. Response schemas forbid unknown
 * properties, so a field added, renamed or removed in the code without the spec fails here.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestPropertySource(properties = {"offshoot.reaper.github-secret=" + OpenApiContractIT.WEBHOOK_SECRET,
        "offshoot.reaper.gitlab-token=" + OpenApiContractIT.WEBHOOK_SECRET})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OpenApiContractIT extends IntegrationTest {

    static final Path SPEC = Path.of("openapi.yaml").toAbsolutePath();
    static final String WEBHOOK_SECRET = "ct-webhook-secret";
    static final JsonMapper JSON = JsonMapper.shared();

    @LocalServerPort
    int port;

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    OpenApiInteractionValidator validator;
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    final String emptyTemplate = "ct-empty-" + suffix();
    final String sqlTemplate = "ct-sql-" + suffix();
    final String branch = "ct-br-" + suffix();
    final String childBranch = "ct-child-" + suffix();
    final String protectedBranch = "ct-prot-" + suffix();

    /** Operations called so far, as "METHOD /path/template", to prove every one is covered. */
    final Set<String> exercised = new TreeSet<>();

    @BeforeAll
    void setUp() {
        validator = OpenApiInteractionValidator.createForSpecificationUrl(SPEC.toString()).build();
    }

    @AfterAll
    void cleanUp() {
        // best effort, whatever failed; the base class then removes containers and images by instance id
        for (String t : List.of(emptyTemplate, sqlTemplate)) {
            call("DELETE", "/api/v1/templates/" + t, Map.of("force", List.of("true")), null, null, true, ADMIN_TOKEN);
        }
    }

    // ---------------------------------------------------------------- spec <-> implementation

    @Test
    @Order(0)
    void specDescribesExactlyTheImplementedOperations() {
        OpenAPI spec = new OpenAPIV3Parser().read(SPEC.toString());
        assertThat(spec).as("openapi.yaml parses").isNotNull();
        Set<String> documented = new TreeSet<>();
        spec.getPaths().forEach((path, item) -> item.readOperationsMap().keySet()
                .forEach(method -> documented.add(method.name() + " " + path)));
        Set<String> implemented = new TreeSet<>();
        // /api/v2 (the Neon subset) is openapi-v2.yaml's, checked by neon/NeonApiIT
        mappings.getHandlerMethods().keySet().forEach(info -> info.getPatternValues().stream()
                .filter(p -> p.startsWith("/api/v1/"))
                .forEach(p -> info.getMethodsCondition().getMethods()
                        .forEach(m -> implemented.add(m.name() + " " + p))));
        assertThat(documented).as("operations in openapi.yaml vs. @RequestMapping handlers")
                .containsExactlyInAnyOrderElementsOf(implemented);
        // every media type a handler consumes is a documented request body
        mappings.getHandlerMethods().keySet().forEach(info -> info.getPatternValues().stream()
                .filter(p -> p.startsWith("/api/v1/"))
                .forEach(p -> info.getMethodsCondition().getMethods().forEach(m -> {
                    var operation = spec.getPaths().get(p).readOperationsMap()
                            .get(PathItem.HttpMethod.valueOf(m.name()));
                    info.getConsumesCondition().getConsumableMediaTypes().forEach(type -> assertThat(
                            operation.getRequestBody()).as(m + " " + p + " consumes " + type).isNotNull()
                            .satisfies(b -> assertThat(b.getContent()).containsKey(type.toString())));
                })));
        // the validator only enforces operation-level security, so the global requirement is checked here
        assertThat(spec.getSecurity()).as("global bearer security")
                .singleElement().satisfies(r -> assertThat(r).containsOnlyKeys("bearerAuth"));
        assertThat(spec.getComponents().getSecuritySchemes().get("bearerAuth").getScheme()).isEqualTo("bearer");
        // webhooks alone authenticate by signature instead, and say so with an empty requirement
        spec.getPaths().forEach((path, item) -> item.readOperations().forEach(op -> {
            if (path.startsWith("/api/v1/webhooks/")) {
                assertThat(op.getSecurity()).as(path + " needs no bearer token").isEmpty();
            } else {
                assertThat(op.getSecurity()).as(path + " does not override the bearer requirement").isNull();
            }
        }));
        assertThat(spec.getPaths().values()).flatExtracting(PathItem::readOperations)
                .allSatisfy(op -> assertThat(op.getResponses()).containsKey("401"));
    }

    /** The validator really catches drift: one unknown or one missing field fails a real response. */
    @Test
    @Order(1)
    void validatorRejectsAResponseThatDriftsFromTheSpec() {
        String body = "{\"items\":[]}";
        assertThat(validator.validateResponse("/api/v1/branches", Request.Method.GET, jsonResponse(200, body))
                .hasErrors()).isFalse();
        assertThat(validator.validateResponse("/api/v1/branches", Request.Method.GET,
                jsonResponse(200, "{\"items\":[],\"total\":0}")).hasErrors()).as("unknown field").isTrue();
        assertThat(validator.validateResponse("/api/v1/templates", Request.Method.GET,
                jsonResponse(200, "{}")).hasErrors()).as("missing field").isTrue();
    }

    // ---------------------------------------------------------------- auth

    @Test
    @Order(2)
    void missingOrWrongTokenIs401WithBearerChallenge() {
        Exchange missing = call("GET", "/api/v1/branches", Map.of(), null, null, false);
        assertProblem(missing, 401, "UNAUTHORIZED");
        assertThat(missing.header("WWW-Authenticate")).isEqualTo("Bearer");

        Exchange wrong = call("POST", "/api/v1/branches/x/reset", Map.of(), null, null, false, "not-the-token");
        assertValid(wrong, validator.validateResponse("/api/v1/branches/x/reset", Request.Method.POST, wrong.response));
        assertProblem(wrong, 401, "UNAUTHORIZED");
        assertThat(wrong.header("WWW-Authenticate")).isEqualTo("Bearer");
    }

    // ---------------------------------------------------------------- templates

    @Test
    @Order(10)
    void createTemplates() {
        Exchange created = postJson("/api/v1/templates", Map.of("name", emptyTemplate));
        assertThat(created.status).as(created.body).isEqualTo(201);
        assertThat(created.json().get("source").get("type").asString()).isEqualTo("empty");
        assertThat(created.json().get("source").get("url").isNull()).isTrue();
        assertThat(created.json().get("latestRevision").asInt()).isEqualTo(1);

        assertProblem(postJson("/api/v1/templates", Map.of("name", emptyTemplate)), 409, "NAME_TAKEN");
        assertThat(created.header("Content-Type")).startsWith("application/json");

        Exchange invalid = postJsonInvalidRequest("/api/v1/templates", Map.of("name", "Not_A_Name"));
        assertProblem(invalid, 400, "INVALID_NAME");
        Exchange badSource = postJsonInvalidRequest("/api/v1/templates",
                Map.of("name", "ct-bad-" + suffix(), "sourceUrl", "mysql://nope"));
        assertProblem(badSource, 400, "INVALID_SOURCE");

        Exchange sql = multipart("/api/v1/templates", Map.of("name", sqlTemplate), "seed.sql",
                "CREATE TABLE items (id int PRIMARY KEY, label text);\nINSERT INTO items VALUES (1, 'seed');\n");
        assertThat(sql.status).as(sql.body).isEqualTo(201);
        assertThat(sql.json().get("source").get("type").asString()).isEqualTo("sql");
        assertThat(sql.json().get("revisions").get(0).get("source").asString()).contains("seed.sql");
    }

    @Test
    @Order(5)
    void theServiceServesTheSpecItImplements() throws java.io.IOException {
        Exchange document = call("GET", "/api/v1/openapi.yaml", Map.of(), null, null, true, ADMIN_TOKEN,
                Map.of("Accept", "application/yaml"));
        assertValid(document, validator.validateResponse("/api/v1/openapi.yaml", Request.Method.GET, document.response));
        assertThat(document.status).isEqualTo(200);
        assertThat(document.header("Content-Type")).startsWith("application/yaml");
        assertThat(document.body).isEqualTo(java.nio.file.Files.readString(SPEC));
        assertThat(call("GET", "/api/v1/openapi.yaml", Map.of(), null, null, false).status).isEqualTo(401);
    }

    @Test
    @Order(11)
    void listAndGetTemplates() {
        Exchange list = get("/api/v1/templates", Map.of());
        assertThat(list.status).as(list.body).isEqualTo(200);
        assertThat(list.json().get("items")).extracting(n -> n.get("name").asString())
                .contains(emptyTemplate, sqlTemplate);

        Exchange one = get("/api/v1/templates/" + sqlTemplate, Map.of());
        assertThat(one.status).as(one.body).isEqualTo(200);
        assertThat(one.json().get("name").asString()).isEqualTo(sqlTemplate);

        assertProblem(get("/api/v1/templates/ct-missing-" + suffix(), Map.of()), 404, "TEMPLATE_NOT_FOUND");

        // paged: a cursor while more follow, none on the last page
        Exchange first = get("/api/v1/templates", Map.of("limit", List.of("1")));
        assertThat(first.json().get("items")).hasSize(1);
        Exchange next = get("/api/v1/templates", Map.of("limit", List.of("1000"), "cursor",
                List.of(first.json().get("nextCursor").asString())));
        assertThat(next.json().has("nextCursor")).isFalse();
        assertThat(list.json().has("nextCursor")).as("no limit: the whole list, no cursor").isFalse();

        // size 0: the contract of the answer without starting any warm-pool member
        Exchange resized = patchJson("/api/v1/templates/" + sqlTemplate, Map.of("poolSize", 0));
        assertThat(resized.status).as(resized.body).isEqualTo(200);
        assertThat(resized.json().get("poolSize").asInt()).isZero();
    }

    @Test
    @Order(12)
    void refreshFromStoredSourceWithJson() {
        Exchange refreshed = postJson("/api/v1/templates/" + emptyTemplate + "/refresh", Map.of());
        assertThat(refreshed.status).as(refreshed.body).isEqualTo(200);
        assertThat(refreshed.json().get("latestRevision").asInt()).isGreaterThanOrEqualTo(2);
        assertThat(refreshed.json().get("revisions").size())
                .isEqualTo(refreshed.json().get("latestRevision").asInt());

        Exchange jsonBad = postJsonInvalidRequest("/api/v1/templates/" + emptyTemplate + "/refresh",
                Map.of("sourceUrl", "http://not-postgres"));
        assertProblem(jsonBad, 400, "INVALID_SOURCE");
        assertProblem(postJson("/api/v1/templates/ct-missing-" + suffix() + "/refresh", Map.of()), 404,
                "TEMPLATE_NOT_FOUND");
    }

    /** The spec (and the controller's third mapping) promise that a refresh needs no body at all. */
    @Test
    @Order(13)
    void refreshFromStoredSourceWithoutBody() {
        Exchange noBody = call("POST", "/api/v1/templates/" + emptyTemplate + "/refresh", Map.of(), null, null, true);
        assertThat(noBody.status).as(noBody.body).isEqualTo(200);
        assertThat(noBody.json().get("source").get("type").asString()).isEqualTo("empty");
    }

    @Test
    @Order(14)
    void refreshFromUploadedSql() {
        Exchange upload = multipart("/api/v1/templates/" + sqlTemplate + "/refresh", Map.of(),
                "schema.sql", "CREATE TABLE items (id int PRIMARY KEY, label text);\n",
                "more.sql", "INSERT INTO items VALUES (1, 'one'), (2, 'two');\n");
        assertThat(upload.status).as(upload.body).isEqualTo(200);
        assertThat(upload.json().get("latestRevision").asInt()).isEqualTo(2);
        assertThat(upload.json().get("revisions").get(1).get("source").asString())
                .isEqualTo("SQL files schema.sql, more.sql");

        // a template loaded from SQL has no stored source to rebuild from (JSON without sourceUrl)
        assertProblem(postJson("/api/v1/templates/" + sqlTemplate + "/refresh", Map.of()), 400, "SOURCE_REQUIRED");
    }

    @Test
    @Order(15)
    void migrateATemplateIntoANewRevision() {
        Exchange created = postJson("/api/v1/templates/" + sqlTemplate + "/migrations",
                migrationSet("V0_1__seed_notes.sql", "CREATE TABLE seed_notes (id int);"));
        assertThat(created.status).as(created.body).isEqualTo(201);
        assertThat(created.json().get("revision").asInt()).isEqualTo(3);
        assertThat(created.json().get("schemaVersion").asString()).isEqualTo("0.1");
        assertProblem(postJson("/api/v1/templates/ct-missing-" + suffix() + "/migrations",
                migrationSet("V1__x.sql", "SELECT 1")), 404, "TEMPLATE_NOT_FOUND");
    }

    // ---------------------------------------------------------------- branches

    @Test
    @Order(20)
    void createBranchesIdempotently() {
        Map<String, Object> request = Map.of("name", branch, "template", sqlTemplate,
                "labels", Map.of("repo", "acme/shop", "pr", "123"), "ttl", "2h");
        Exchange created = postJson("/api/v1/branches", request);
        assertThat(created.status).as(created.body).isEqualTo(201);
        assertThat(created.json().get("created").asBoolean()).isTrue();
        assertThat(created.json().get("status").asString()).isEqualTo("READY");
        assertThat(created.json().get("templateRevision").asInt())
                .isEqualTo(get("/api/v1/templates/" + sqlTemplate, Map.of()).json().get("latestRevision").asInt());

        Exchange again = postJson("/api/v1/branches", request);
        assertThat(again.status).as(again.body).isEqualTo(200);
        assertThat(again.json().get("created").asBoolean()).isFalse();
        assertThat(again.json().get("connection")).isEqualTo(created.json().get("connection"));

        assertProblem(postJson("/api/v1/branches", Map.of("name", branch, "template", emptyTemplate)), 409,
                "NAME_TAKEN");
        assertProblem(postJsonInvalidRequest("/api/v1/branches", Map.of("name", "-bad-", "template", sqlTemplate)),
                400, "INVALID_NAME");
        assertProblem(postJson("/api/v1/branches", Map.of("name", "ct-x-" + suffix(), "template",
                "ct-missing-" + suffix())), 404, "TEMPLATE_NOT_FOUND");
        assertProblem(postJson("/api/v1/branches", Map.of("name", "ct-x-" + suffix(), "fromBranch",
                "ct-missing-" + suffix())), 404, "BRANCH_NOT_FOUND");
        assertProblem(postJson("/api/v1/branches", Map.of("name", "ct-x-" + suffix())), 400, "INVALID_PARENT");
        assertProblem(postJson("/api/v1/branches", Map.of("name", "ct-x-" + suffix(), "template", sqlTemplate,
                "ttl", "soon")), 400, "INVALID_EXPIRY");

        Exchange child = postJson("/api/v1/branches", Map.of("name", childBranch, "fromBranch", branch));
        assertThat(child.status).as(child.body).isEqualTo(201);
        assertThat(child.json().get("parentBranch").asString()).isEqualTo(branch);

        Exchange prot = postJson("/api/v1/branches", Map.of("name", protectedBranch, "template", emptyTemplate,
                "revision", 1, "protectedBranch", true, "expiresAt", java.time.Instant.now().plus(Duration.ofDays(20)).toString()));
        assertThat(prot.status).as(prot.body).isEqualTo(201);
        assertThat(prot.json().get("protectedBranch").asBoolean()).isTrue();
    }

    @Test
    @Order(21)
    void listAndGetBranches() {
        Exchange filtered = get("/api/v1/branches", Map.of("template", List.of(sqlTemplate),
                "status", List.of("ready"), "label", List.of("repo=acme/shop", "pr=123")));
        assertThat(filtered.status).as(filtered.body).isEqualTo(200);
        assertThat(filtered.json().get("items")).extracting(n -> n.get("name").asString()).containsExactly(branch);

        Exchange all = get("/api/v1/branches", Map.of());
        assertThat(all.status).as(all.body).isEqualTo(200);
        assertThat(all.json().get("items")).extracting(n -> n.get("name").asString())
                .contains(branch, childBranch, protectedBranch);

        assertProblem(getInvalidRequest("/api/v1/branches", Map.of("label", List.of("no-equals-sign"))), 400,
                "INVALID_FILTER");
        assertProblem(getInvalidRequest("/api/v1/branches", Map.of("status", List.of("SLEEPING"))), 400,
                "INVALID_FILTER");
        assertProblem(get("/api/v1/branches", Map.of("template", List.of("ct-missing-" + suffix()))), 404,
                "TEMPLATE_NOT_FOUND");

        // three live branches of this class at least (branch, its child, the protected one), whatever else ran
        Exchange page = get("/api/v1/branches", Map.of("limit", List.of("1")));
        assertThat(page.json().get("items")).hasSize(1);
        assertThat(page.json().get("nextCursor").asString()).isNotBlank();
        assertProblem(get("/api/v1/branches", Map.of("cursor", List.of("bm90LW91cnM"))), 400, "INVALID_CURSOR");
        assertProblem(getInvalidRequest("/api/v1/branches", Map.of("limit", List.of("0"))), 400, "INVALID_LIMIT");

        Exchange one = get("/api/v1/branches/" + branch, Map.of());
        assertThat(one.status).as(one.body).isEqualTo(200);
        assertThat(one.json().get("created").isNull()).isTrue();
        assertThat(one.json().get("labels").get("pr").asString()).isEqualTo("123");

        assertProblem(get("/api/v1/branches/ct-missing-" + suffix(), Map.of()), 404, "BRANCH_NOT_FOUND");
    }

    @Test
    @Order(22)
    void suspendAndWakeABranchAndGetTheGatewayCa() {
        Exchange before = get("/api/v1/branches/" + branch, Map.of());
        Exchange suspended = call("POST", "/api/v1/branches/" + branch + "/suspend", Map.of(), null, null, true);
        assertThat(suspended.status).as(suspended.body).isEqualTo(200);
        assertThat(suspended.json().get("status").asString()).isEqualTo("SUSPENDED");
        Exchange woken = call("POST", "/api/v1/branches/" + branch + "/wake", Map.of(), null, null, true);
        assertThat(woken.status).as(woken.body).isEqualTo(200);
        assertThat(woken.json().get("status").asString()).isEqualTo("READY");
        assertThat(woken.json().get("connection")).isEqualTo(before.json().get("connection"));
        assertProblem(call("POST", "/api/v1/branches/ct-missing-" + suffix() + "/suspend", Map.of(), null, null, true),
                404, "BRANCH_NOT_FOUND");
        assertProblem(call("POST", "/api/v1/branches/ct-missing-" + suffix() + "/wake", Map.of(), null, null, true),
                404, "BRANCH_NOT_FOUND");

        Exchange ca = get("/api/v1/gateway/ca.pem", Map.of());
        assertThat(ca.status).isEqualTo(200);
        assertThat(ca.body).startsWith("-----BEGIN CERTIFICATE-----");
    }

    @Test
    @Order(22)
    void resetBranch() {
        Exchange before = get("/api/v1/branches/" + branch, Map.of());
        Exchange reset = call("POST", "/api/v1/branches/" + branch + "/reset", Map.of(), null, null, true);
        assertThat(reset.status).as(reset.body).isEqualTo(200);
        assertThat(reset.json().get("status").asString()).isEqualTo("READY");
        assertThat(reset.json().get("connection")).isEqualTo(before.json().get("connection"));

        assertProblem(call("POST", "/api/v1/branches/ct-missing-" + suffix() + "/reset", Map.of(), null, null, true),
                404, "BRANCH_NOT_FOUND");
    }

    @Test
    @Order(22)
    void consoleSessionBranchesCleanupAndReveal() {
        Exchange session = get("/api/v1/console/session", Map.of());
        assertThat(session.status).as(session.body).isEqualTo(200);
        assertThat(session.json().get("scopes")).extracting(JsonNode::asString).contains("admin", "write", "read");
        Exchange table = get("/api/v1/console/branches", Map.of());
        assertThat(table.status).as(table.body).isEqualTo(200);
        assertThat(table.json().get("items")).extracting(b -> b.get("name").asString()).contains(branch);
        Exchange cleanup = get("/api/v1/console/cleanup", Map.of("idleDays", List.of("3"), "largest", List.of("5")));
        assertThat(cleanup.status).as(cleanup.body).isEqualTo(200);
        assertThat(cleanup.json().get("groups")).extracting(g -> g.get("key").asString()).contains("idle", "failed");
        assertProblem(callInvalidRequest("GET", "/api/v1/console/cleanup", Map.of("idleDays", List.of("0")), null, null),
                400, "INVALID_FILTER");

        Exchange reveal = call("POST", "/api/v1/branches/" + branch + "/reveal", Map.of(), null, null, true);
        assertThat(reveal.status).as(reveal.body).isEqualTo(200);
        assertThat(reveal.json().get("password").isNull()).isFalse();
        assertProblem(call("POST", "/api/v1/branches/ct-missing-" + suffix() + "/reveal", Map.of(), null, null, true),
                404, "BRANCH_NOT_FOUND");
    }

    // ---------------------------------------------------------------- migrations, schema, diff, SQL

    @Test
    @Order(23)
    void applyMigrationsAndReadTheHistory() {
        String path = "/api/v1/branches/" + branch + "/migrations";
        Exchange applied = postJson(path, migrationSet("V1__tags.sql", "CREATE TABLE tags (id int PRIMARY KEY);",
                "V2__items_note.sql", "ALTER TABLE items ADD COLUMN note text;"));
        assertThat(applied.status).as(applied.body).isEqualTo(200);
        assertThat(applied.json().get("schemaVersion").asString()).isEqualTo("2");
        Exchange again = postJson(path, migrationSet("V1__tags.sql", "CREATE TABLE tags (id int PRIMARY KEY);"));
        assertThat(again.json().get("migrationsExecuted").asInt()).isZero();

        Exchange upload = multipart(path, Map.of(), "V3__tag_names.sql", "ALTER TABLE tags ADD COLUMN name text;");
        assertThat(upload.status).as(upload.body).isEqualTo(200);
        assertThat(upload.json().get("applied").get(0).get("script").asString()).isEqualTo("V3__tag_names.sql");

        Exchange failed = postJson(path, migrationSet("V4__bad.sql", "SELECT missing_column FROM items;"));
        assertProblem(failed, 422, "TRIAL_FAILED");
        assertThat(failed.json().get("migration").get("sqlState").asString()).isEqualTo("42703");
        assertProblem(postJson(path, migrationSet("V1__tags.sql", "CREATE TABLE tags (id bigint);")), 409,
                "MIGRATION_VALIDATION_FAILED");
        assertProblem(postJson(path, migrationSet("tags.sql", "SELECT 1")), 400, "INVALID_MIGRATION_NAME");
        assertProblem(postJson("/api/v1/branches/ct-missing-" + suffix() + "/migrations",
                migrationSet("V9__x.sql", "SELECT 1")), 404, "BRANCH_NOT_FOUND");

        Exchange history = get(path, Map.of());
        assertThat(history.status).as(history.body).isEqualTo(200);
        assertThat(history.json().get("schemaVersion").asString()).isEqualTo("3");
    }

    @Test
    @Order(24)
    void checkMigrationsOnAThrowawayCopy() {
        String path = "/api/v1/branches/" + branch + "/migrations/check";
        Exchange check = postJson(path, migrationSet("V5__drop_label.sql", "ALTER TABLE items DROP COLUMN label;"));
        assertThat(check.status).as(check.body).isEqualTo(200);
        assertThat(check.json().get("passed").asBoolean()).isFalse();
        assertThat(check.json().get("lint").get(0).get("rule").asString()).isEqualTo("DROP_COLUMN");
        assertThat(check.json().get("locks")).isNotEmpty();

        Exchange failing = multipart(path, Map.of(), "V5__bad.sql", "ALTER TABLE nowhere ADD COLUMN x int;");
        assertThat(failing.status).as(failing.body).isEqualTo(200);
        assertThat(failing.json().get("passed").asBoolean()).isFalse();
        assertThat(failing.json().get("failure").get("migration").get("sqlState").asString()).isEqualTo("42P01");
        assertThat(get("/api/v1/branches/" + branch + "/migrations", Map.of()).json().get("schemaVersion")
                .asString()).isEqualTo("3");
        assertThat(check.json().get("verdict").asString()).isEqualTo("fail");
        assertThat(check.json().get("findings").get(0).get("rule").asString()).isEqualTo("DROP_COLUMN");
    }

    @Test
    @Order(25)
    void migrationPolicyGatesApplyUntilAnApprovalLetsTheSetThroughOnce() {
        String policyPath = "/api/v1/templates/" + sqlTemplate + "/policy";
        Exchange initial = get(policyPath, Map.of());
        assertThat(initial.status).as(initial.body).isEqualTo(200);
        assertThat(initial.json().get("source").asString()).isEqualTo("default");
        Exchange set = putJson(policyPath, Map.of("mode", "warning-sensitive", "rules", Map.of("RENAME", "error"),
                "allow", List.of("^drop_"), "naming", Map.of("index", "_idx$"), "limits",
                Map.of("maxRowsForAccessExclusiveLock", 1_000_000, "maxRowsForRewrite", 1_000_000)));
        assertThat(set.status).as(set.body).isEqualTo(200);
        assertThat(get(policyPath, Map.of()).json().get("policy").get("mode").asString()).isEqualTo("warning-sensitive");
        assertProblem(putJson(policyPath, Map.of("naming", Map.of("table", "([a-z"))), 400, "INVALID_POLICY");
        assertProblem(get("/api/v1/templates/ct-missing-" + suffix() + "/policy", Map.of()), 404, "TEMPLATE_NOT_FOUND");

        String path = "/api/v1/branches/" + branch + "/migrations";
        Map<String, Object> scratch = migrationSet("V5__scratch.sql",
                "CREATE TABLE scratch_tmp (x int);\nDROP TABLE scratch_tmp;");
        Exchange refused = postJson(path, scratch);
        assertProblem(refused, 422, "POLICY_VIOLATION");
        assertThat(refused.json().get("findings").get(0).get("rule").asString()).isEqualTo("DROP_TABLE");
        String checksum = refused.json().get("checksum").asString();

        Exchange dryRun = postJson(path, with(scratch, "dryRun", true));
        assertThat(dryRun.status).as(dryRun.body).isEqualTo(200);
        assertThat(dryRun.json().get("dryRun").asBoolean()).isTrue();
        assertThat(dryRun.json().get("verdict").asString()).isEqualTo("fail");
        assertThat(dryRun.json().get("plan").get(0).get("script").asString()).isEqualTo("V5__scratch.sql");
        Exchange dryUpload = multipart(path, Map.of("dryRun", "true"), "V5__scratch.sql",
                "CREATE TABLE scratch_tmp (x int);\nDROP TABLE scratch_tmp;");
        assertThat(dryUpload.status).as(dryUpload.body).isEqualTo(200);
        assertThat(dryUpload.json().get("migrationsExecuted").asInt()).isZero();

        String approvals = path + "/approvals";
        Exchange approval = postJson(approvals, Map.of("checksum", checksum));
        assertThat(approval.status).as(approval.body).isEqualTo(201);
        assertProblem(postJsonInvalidRequest(approvals, Map.of("migrations", List.of())), 400, "NO_MIGRATIONS");
        assertProblem(postJsonInvalidRequest(approvals, Map.of("checksum", "abc")), 400, "INVALID_APPROVAL");
        String id = approval.json().get("id").asString();
        Exchange applied = postJson(path, with(scratch, "approval", id));
        assertThat(applied.status).as(applied.body).isEqualTo(200);
        assertThat(applied.json().get("approval").asString()).isEqualTo(id);
        assertThat(applied.json().get("migrationsExecuted").asInt()).isEqualTo(1);
        assertProblem(postJson(path, with(migrationSet("V6__scratch.sql", "CREATE TABLE scratch_tmp (x int);\n"
                + "DROP TABLE scratch_tmp;"), "approval", id)), 422, "POLICY_VIOLATION");

        assertThat(putJson(policyPath, Map.of("mode", "error-only")).status).isEqualTo(200);
    }

    private static Map<String, Object> with(Map<String, Object> body, String key, Object value) {
        Map<String, Object> out = new java.util.HashMap<>(body);
        out.put(key, value);
        return out;
    }

    @Test
    @Order(25)
    void inspectAndDiffSchemas() {
        Exchange schema = get("/api/v1/branches/" + branch + "/schema", Map.of());
        assertThat(schema.status).as(schema.body).isEqualTo(200);
        assertThat(schema.json().get("tables")).extracting(t -> t.get("name").asString()).contains("items", "tags");

        Exchange diff = get("/api/v1/branches/" + branch + "/diff", Map.of());
        assertThat(diff.status).as(diff.body).isEqualTo(200);
        assertThat(diff.json().get("changes").get("tables").get("added")).extracting(JsonNode::asString)
                .containsExactly("public.tags");
        Exchange text = get("/api/v1/branches/" + childBranch + "/diff", Map.of("against", List.of(branch),
                "format", List.of("text")));
        assertThat(text.status).as(text.body).isEqualTo(200);
        assertThat(text.header("Content-Type")).startsWith("text/plain");
        assertThat(text.body).contains("- table public.tags");
        Exchange ofTemplate = get("/api/v1/branches/" + branch + "/diff", Map.of("template", List.of(sqlTemplate),
                "revision", List.of("1")));
        assertThat(ofTemplate.status).as(ofTemplate.body).isEqualTo(200);
        assertThat(ofTemplate.json().get("base").get("revision").asInt()).isEqualTo(1);
        assertProblem(get("/api/v1/branches/" + branch + "/diff", Map.of("revision", List.of("1"))), 400,
                "INVALID_BASE");
    }

    @Test
    @Order(26)
    void runSql() {
        String path = "/api/v1/branches/" + branch + "/sql";
        Exchange select = postJson(path, Map.of("sql", "SELECT id, label, note FROM items ORDER BY id;"
                + " UPDATE items SET note = 'n'", "maxRows", 1, "timeout", "5s"));
        assertThat(select.status).as(select.body).isEqualTo(200);
        assertThat(select.json().get("results").get(0).get("truncated").asBoolean()).isTrue();
        assertThat(select.json().get("results").get(1).get("updateCount").asLong()).isEqualTo(2);

        Exchange failed = postJson(path, Map.of("sql", "SELECT nope FROM items", "readOnly", true));
        assertProblem(failed, 422, "SQL_ERROR");
        assertThat(failed.json().get("sqlError").get("sqlState").asString()).isEqualTo("42703");
        assertProblem(postJson(path, Map.of("sql", "COMMIT")), 400, "INVALID_SQL");
        assertProblem(postJson(path, Map.of("sql", "SELECT 1", "timeout", "soon")), 400, "INVALID_LIMIT");
    }

    @Test
    @Order(27)
    void explainStatisticsAndATuningRound() {
        String base = "/api/v1/branches/" + branch;
        Exchange plain = postJson(base + "/explain", Map.of("sql", "SELECT id FROM items WHERE label = 'seed'"));
        assertThat(plain.status).as(plain.body).isEqualTo(200);
        assertThat(plain.json().get("ranOn").asString()).isEqualTo("branch");
        Exchange analyzed = postJson(base + "/explain", Map.of("sql", "SELECT id FROM items", "analyze", true,
                "timeout", "10s"));
        assertThat(analyzed.status).as(analyzed.body).isEqualTo(200);
        assertThat(analyzed.json().get("summary").get("actualRows").asLong()).isPositive();
        assertProblem(postJson(base + "/explain", Map.of("sql", "DROP TABLE items")), 400, "INVALID_CANDIDATE");

        Exchange stats = get(base + "/slow-queries", Map.of("limit", List.of("5"), "orderBy", List.of("mean")));
        assertThat(stats.status).as(stats.body).isEqualTo(200);

        Exchange prepared = postJson(base + "/tunings", Map.of("statement", "SELECT id FROM items WHERE label = 'seed'",
                "candidates", List.of("CREATE INDEX items_label_idx ON items (label)", "SET enable_seqscan = off"),
                "runs", 2));
        assertThat(prepared.status).as(prepared.body).isEqualTo(201);
        String tuning = base + "/tunings/" + prepared.json().get("tuningId").asString();
        assertThat(get(tuning, Map.of()).json().get("status").asString()).isEqualTo("KEPT");
        assertProblem(postJson(tuning + "/complete", Map.of("candidate", 2)), 422, "NOT_A_MIGRATION");
        Exchange checked = postJson(tuning + "/complete", Map.of("candidate", 1, "action", "check"));
        assertThat(checked.status).as(checked.body).isEqualTo(200);
        assertThat(checked.json().get("migration").get("sql").asString()).startsWith("CREATE INDEX CONCURRENTLY");
        assertThat(delete(tuning, Map.of()).status).isEqualTo(204);
        assertProblem(postJson(tuning + "/complete", Map.of("candidate", 1, "action", "apply")), 409, "TUNING_ENDED");
    }

    private static Map<String, Object> migrationSet(String... nameAndSql) {
        List<Map<String, String>> migrations = new java.util.ArrayList<>();
        for (int i = 0; i < nameAndSql.length; i += 2) {
            migrations.add(Map.of("name", nameAndSql[i], "sql", nameAndSql[i + 1]));
        }
        return Map.of("migrations", migrations);
    }

    @Test
    @Order(23)
    void extendAndUnprotectBranches() {
        Exchange extended = patchJson("/api/v1/branches/" + branch, Map.of("ttl", "48h"));
        assertThat(extended.status).as(extended.body).isEqualTo(200);
        assertThat(java.time.Instant.parse(extended.json().get("expiresAt").asString()))
                .isAfter(java.time.Instant.now().plus(Duration.ofHours(47)));
        Exchange unprotected = patchJson("/api/v1/branches/" + protectedBranch,
                Map.of("protectedBranch", false, "expiresAt", java.time.Instant.now().plus(Duration.ofDays(10)).toString()));
        assertThat(unprotected.status).as(unprotected.body).isEqualTo(200);
        assertThat(unprotected.json().get("protectedBranch").asBoolean()).isFalse();
        assertThat(patchJson("/api/v1/branches/" + protectedBranch, Map.of("protectedBranch", true)).status)
                .isEqualTo(200);

        assertProblem(patchJson("/api/v1/branches/" + branch, Map.of("ttl", "never")), 400, "INVALID_EXPIRY");
        assertProblem(patchJson("/api/v1/branches/ct-missing-" + suffix(), Map.of("ttl", "1h")), 404,
                "BRANCH_NOT_FOUND");
    }

    @Test
    @Order(24)
    void webhooksAuthenticateBySignature() {
        byte[] ping = "{\"zen\":\"Design for failure.\"}".getBytes(StandardCharsets.UTF_8);
        Exchange pong = webhook("/api/v1/webhooks/github", Map.of("X-GitHub-Event", "ping",
                "X-GitHub-Delivery", UUID.randomUUID().toString(), "X-Hub-Signature-256", sign(ping)), ping);
        assertThat(pong.status).as(pong.body).isEqualTo(200);
        assertThat(pong.json().get("outcome").asString()).isEqualTo("pong");

        byte[] closed = ("{\"action\":\"closed\",\"number\":9,\"pull_request\":{\"number\":9,\"merged\":true},"
                + "\"repository\":{\"full_name\":\"acme/none-" + suffix() + "\"}}").getBytes(StandardCharsets.UTF_8);
        Map<String, String> headers = Map.of("X-GitHub-Event", "pull_request",
                "X-GitHub-Delivery", UUID.randomUUID().toString(), "X-Hub-Signature-256", sign(closed));
        Exchange reaped = webhook("/api/v1/webhooks/github", headers, closed);
        assertThat(reaped.status).as(reaped.body).isEqualTo(200);
        assertThat(reaped.json().get("outcome").asString()).isEqualTo("reaped");
        assertThat(webhook("/api/v1/webhooks/github", headers, closed).json().get("outcome").asString())
                .isEqualTo("duplicate");
        assertProblem(webhook("/api/v1/webhooks/github", Map.of("X-GitHub-Event", "pull_request",
                "X-Hub-Signature-256", "sha256=00"), closed), 401, "INVALID_SIGNATURE");
        byte[] broken = "{\"action\":\"closed\"}".getBytes(StandardCharsets.UTF_8);
        assertProblem(webhook("/api/v1/webhooks/github", Map.of("X-GitHub-Event", "pull_request",
                "X-Hub-Signature-256", sign(broken)), broken), 400, "INVALID_PAYLOAD");

        byte[] mr = ("{\"object_kind\":\"merge_request\",\"project\":{\"path_with_namespace\":\"grp/none\"},"
                + "\"object_attributes\":{\"action\":\"merge\",\"iid\":4}}").getBytes(StandardCharsets.UTF_8);
        Exchange gitlab = webhook("/api/v1/webhooks/gitlab", Map.of("X-Gitlab-Event", "Merge Request Hook",
                "X-Gitlab-Token", WEBHOOK_SECRET), mr);
        assertThat(gitlab.status).as(gitlab.body).isEqualTo(200);
        assertThat(gitlab.json().get("reaped")).isEmpty();
        assertProblem(webhook("/api/v1/webhooks/gitlab", Map.of("X-Gitlab-Event", "Merge Request Hook"), mr), 401,
                "INVALID_SIGNATURE");
    }

    @Test
    @Order(30)
    void deleteBranchesAndTemplates() {
        assertProblem(delete("/api/v1/branches/" + protectedBranch, Map.of()), 409, "BRANCH_PROTECTED");
        assertThat(delete("/api/v1/branches/" + protectedBranch, Map.of("force", List.of("true"))).status)
                .isEqualTo(204);

        assertThat(delete("/api/v1/branches/" + childBranch, Map.of()).status).isEqualTo(204);
        assertProblem(delete("/api/v1/branches/" + childBranch, Map.of()), 404, "BRANCH_NOT_FOUND");

        Exchange deleted = get("/api/v1/branches", Map.of("status", List.of("DELETED"),
                "template", List.of(sqlTemplate)));
        assertThat(deleted.status).as(deleted.body).isEqualTo(200);
        assertThat(deleted.json().get("items")).extracting(n -> n.get("name").asString()).contains(childBranch);

        assertProblem(delete("/api/v1/templates/" + sqlTemplate, Map.of()), 409, "TEMPLATE_IN_USE");
        Exchange forced = delete("/api/v1/templates/" + sqlTemplate, Map.of("force", List.of("true")));
        assertThat(forced.status).as(forced.body).isEqualTo(204);
        assertThat(forced.body).isEmpty();
        assertProblem(get("/api/v1/branches/" + branch, Map.of()), 404, "BRANCH_NOT_FOUND");

        assertThat(delete("/api/v1/templates/" + emptyTemplate, Map.of()).status).isEqualTo(204);
        assertProblem(delete("/api/v1/templates/" + emptyTemplate, Map.of()), 404, "TEMPLATE_NOT_FOUND");
    }

    @Test
    @Order(40)
    void tokensScopesAndAudit() {
        String name = "ct-tok-" + suffix();
        Exchange issued = postJson("/api/v1/tokens", Map.of("name", name, "scopes", List.of("read", "approve"),
                "templates", List.of(emptyTemplate), "requiredLabels", Map.of("team", "ct"), "revealSecrets", true,
                "mcp", Map.of("readOnly", true, "categories", List.of("tuning", "schema"))));
        assertThat(issued.status).as(issued.body).isEqualTo(201);
        assertThat(issued.json().get("details").get("revealSecrets").asBoolean()).isTrue();
        assertThat(issued.json().get("details").get("mcp").get("categories")).extracting(JsonNode::asString)
                .containsExactly("schema", "tuning");
        assertThat(issued.json().get("details").get("scopes")).extracting(JsonNode::asString)
                .containsExactlyInAnyOrder("approve", "read");
        String secret = issued.json().get("token").asString();
        assertProblem(postJson("/api/v1/tokens", Map.of("name", name, "scopes", List.of("read"))), 409, "NAME_TAKEN");
        assertProblem(postJsonInvalidRequest("/api/v1/tokens", Map.of("name", "ct-x-" + suffix(), "scopes", List.of("root"))), 400,
                "INVALID_SCOPES");

        Exchange refused = callAs(secret, "POST", "/api/v1/branches", "application/json",
                JSON.writeValueAsBytes(Map.of("name", "ct-no-" + suffix(), "template", emptyTemplate)));
        assertProblem(refused, 403, "INSUFFICIENT_SCOPE");
        assertProblem(callAs(secret, "GET", "/api/v1/tokens", null, null), 403, "INSUFFICIENT_SCOPE");

        Exchange listed = get("/api/v1/tokens", Map.of());
        assertThat(listed.status).isEqualTo(200);
        assertThat(listed.body).doesNotContain(secret);
        Exchange tokenPage = get("/api/v1/tokens", Map.of("limit", List.of("1")));
        assertThat(tokenPage.status).as(tokenPage.body).isEqualTo(200);
        assertThat(tokenPage.json().get("items")).hasSize(1);

        Exchange audit = get("/api/v1/audit", Map.of("actor", List.of("admin"), "targetType", List.of("token"),
                "limit", List.of("10")));
        assertThat(audit.status).as(audit.body).isEqualTo(200);
        assertThat(audit.json().get("items")).extracting(e -> e.get("action").asString()).contains("token.create");
        Exchange newest = get("/api/v1/audit", Map.of("limit", List.of("1")));
        Exchange older = get("/api/v1/audit", Map.of("limit", List.of("1"), "cursor",
                List.of(newest.json().get("nextCursor").asString())));
        assertThat(older.status).as(older.body).isEqualTo(200);
        assertThat(older.json().get("items").get(0)).isNotEqualTo(newest.json().get("items").get(0));
        assertProblem(callInvalidRequest("GET", "/api/v1/audit", Map.of("limit", List.of("0")), null, null), 400,
                "INVALID_FILTER");

        assertThat(delete("/api/v1/tokens/" + name, Map.of()).status).isEqualTo(204);
        assertProblem(delete("/api/v1/tokens/" + name, Map.of()), 404, "TOKEN_NOT_FOUND");
    }

    /** A validated call with another token than the admin's. */
    private Exchange callAs(String token, String method, String path, String contentType, byte[] body) {
        Exchange exchange = call(method, path, Map.of(), contentType, body, true, token);
        assertValid(exchange, validator.validateResponse(path, Request.Method.valueOf(method), exchange.response));
        return exchange;
    }

    @Test
    @Order(99)
    void everyDocumentedOperationWasExercised() {
        OpenAPI spec = new OpenAPIV3Parser().read(SPEC.toString());
        Set<String> documented = new TreeSet<>();
        spec.getPaths().forEach((path, item) -> item.readOperationsMap().keySet()
                .forEach(method -> documented.add(method.name() + " " + path)));
        assertThat(exercised).containsAll(documented);
    }

    // ---------------------------------------------------------------- plumbing

    record Exchange(int status, String body, Map<String, List<String>> headers, SimpleRequest request,
            SimpleResponse response) {

        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().getFirst()).findFirst().orElse(null);
        }

        JsonNode json() {
            return JSON.readTree(body);
        }
    }

    private Exchange get(String path, Map<String, List<String>> query) {
        return call("GET", path, query, null, null, true);
    }

    private Exchange getInvalidRequest(String path, Map<String, List<String>> query) {
        return callInvalidRequest("GET", path, query, null, null);
    }

    private Exchange delete(String path, Map<String, List<String>> query) {
        return call("DELETE", path, query, null, null, true);
    }

    private Exchange putJson(String path, Object body) {
        return call("PUT", path, Map.of(), "application/json", JSON.writeValueAsBytes(body), true);
    }

    private Exchange patchJson(String path, Object body) {
        return call("PATCH", path, Map.of(), "application/json", JSON.writeValueAsBytes(body), true);
    }

    /** A webhook delivery: no bearer token, the forge's headers; request and response validated. */
    private Exchange webhook(String path, Map<String, String> headers, byte[] body) {
        Exchange exchange = call("POST", path, Map.of(), "application/json", body, false, null, headers);
        assertValid(exchange, validator.validate(exchange.request, exchange.response));
        return exchange;
    }

    private static String sign(byte[] body) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(WEBHOOK_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return "sha256=" + java.util.HexFormat.of().formatHex(mac.doFinal(body));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private Exchange postJson(String path, Object body) {
        return call("POST", path, Map.of(), "application/json", JSON.writeValueAsBytes(body), true);
    }

    /** A request the spec itself rejects (e.g. a name breaking the documented pattern). */
    private Exchange postJsonInvalidRequest(String path, Object body) {
        return callInvalidRequest("POST", path, Map.of(), "application/json", JSON.writeValueAsBytes(body));
    }

    /** A multipart request with form fields and {@code file} parts (file name, content, ...) in that order. */
    private Exchange multipart(String path, Map<String, String> fields, String... files) {
        String boundary = "ct-" + UUID.randomUUID();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        fields.forEach((name, value) -> out.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\""
                + name + "\"\r\n\r\n" + value + "\r\n").getBytes(StandardCharsets.UTF_8)));
        for (int i = 0; i < files.length; i += 2) {
            out.writeBytes(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
                    + files[i] + "\"\r\nContent-Type: application/sql\r\n\r\n" + files[i + 1] + "\r\n")
                    .getBytes(StandardCharsets.UTF_8));
        }
        out.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return call("POST", path, Map.of(), "multipart/form-data; boundary=" + boundary, out.toByteArray(), true);
    }

    private Exchange call(String method, String path, Map<String, List<String>> query, String contentType,
            byte[] body, boolean authenticated) {
        Exchange exchange = call(method, path, query, contentType, body, authenticated,
                authenticated ? ADMIN_TOKEN : null);
        if (authenticated) {
            assertValid(exchange, validator.validate(exchange.request, exchange.response));
        } else {
            assertValid(exchange, validator.validateResponse(path, Request.Method.valueOf(method), exchange.response));
        }
        return exchange;
    }

    /** Checks that the spec rejects the request, and that the response still matches it. */
    private Exchange callInvalidRequest(String method, String path, Map<String, List<String>> query,
            String contentType, byte[] body) {
        Exchange exchange = call(method, path, query, contentType, body, true, ADMIN_TOKEN);
        assertThat(validator.validateRequest(exchange.request).hasErrors())
                .as("openapi.yaml should reject this request as the service does: " + exchange.request.getPath()
                        + " " + exchange.request.getRequestBody().map(b -> {
                            try {
                                return b.toString(StandardCharsets.UTF_8);
                            } catch (java.io.IOException e) {
                                return "?";
                            }
                        }).orElse(""))
                .isTrue();
        assertValid(exchange, validator.validateResponse(path, Request.Method.valueOf(method), exchange.response));
        return exchange;
    }

    private Exchange call(String method, String path, Map<String, List<String>> query, String contentType,
            byte[] body, boolean authenticated, String token) {
        return call(method, path, query, contentType, body, authenticated, token, Map.of());
    }

    private Exchange call(String method, String path, Map<String, List<String>> query, String contentType,
            byte[] body, boolean authenticated, String token, Map<String, String> headers) {
        String queryString = query.entrySet().stream()
                .flatMap(e -> e.getValue().stream().map(v -> enc(e.getKey()) + "=" + enc(v)))
                .collect(Collectors.joining("&"));
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path
                + (queryString.isEmpty() ? "" : "?" + queryString)))
                .timeout(Duration.ofMinutes(5))
                .header("Accept", "application/json, application/problem+json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        SimpleRequest.Builder request = new SimpleRequest.Builder(method, path)
                .withHeader("Accept", "application/json, application/problem+json");
        if (contentType != null) {
            builder.header("Content-Type", contentType);
            request.withContentType(contentType);
        }
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
            request.withAuthorization("Bearer " + token);
        }
        headers.forEach((name, value) -> {
            builder.header(name, value);
            request.withHeader(name, value);
        });
        query.forEach((name, values) -> request.withQueryParam(name, values));
        if (body != null) {
            request.withBody(body);
        }
        HttpResponse<String> response;
        try {
            response = http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        SimpleResponse.Builder simpleResponse = SimpleResponse.Builder.status(response.statusCode());
        response.headers().map().forEach((name, values) -> {
            if (!name.startsWith(":")) {
                simpleResponse.withHeader(name, values);
            }
        });
        if (!response.body().isEmpty()) {
            simpleResponse.withBody(response.body());
        }
        String template = operationPath(path);
        exercised.add(method + " " + template);
        return new Exchange(response.statusCode(), response.body(), response.headers().map(), request.build(),
                simpleResponse.build());
    }

    private static void assertValid(Exchange exchange, ValidationReport report) {
        if (report.hasErrors()) {
            fail("%s %s -> %d does not match openapi.yaml:%n%s%nresponse body: %s", exchange.request.getMethod(),
                    exchange.request.getPath(), exchange.status,
                    SimpleValidationReportFormat.getInstance().apply(report), exchange.body);
        }
    }

    private static void assertProblem(Exchange exchange, int status, String code) {
        assertThat(exchange.status).as(exchange.body).isEqualTo(status);
        assertThat(exchange.header("Content-Type")).isEqualTo("application/problem+json");
        JsonNode problem = exchange.json();
        assertThat(problem.get("code").asString()).isEqualTo(code);
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        // no type URI that resolves nowhere: about:blank with the stable code beside it
        assertThat(problem.get("type").asString()).isEqualTo("about:blank");
    }

    private static SimpleResponse jsonResponse(int status, String body) {
        return SimpleResponse.Builder.status(status).withContentType("application/json").withBody(body).build();
    }

    /** "/api/v1/branches/pr-1/reset" -> "/api/v1/branches/{name}/reset"; webhooks and console paths have no name. */
    private static String operationPath(String path) {
        String[] parts = path.split("/");
        if (parts.length > 4 && !parts[3].equals("webhooks") && !parts[3].equals("console")
                && !parts[3].equals("gateway")) {
            parts[4] = "{name}";
        }
        if (parts.length > 6 && parts[5].equals("tunings")) {
            parts[6] = "{id}";
        }
        return String.join("/", parts);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static String suffix() {
        return UUID.randomUUID().toString().substring(0, 6);
    }
}
