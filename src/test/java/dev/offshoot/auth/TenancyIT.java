package dev.offshoot.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.modelcontextprotocol.spec.McpSchema;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.test.web.server.LocalServerPort;

import dev.offshoot.Api;
import dev.offshoot.IntegrationTest;
import dev.offshoot.mcp.McpTestClient;
import tools.jackson.databind.JsonNode;

/**
 * Each tenancy rule over REST and over MCP: a token limited to a template and a label reaches only
 * branches inside its limits, may not change templates, issues no wider tokens, and passwords reach
 * only callers that may write.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TenancyIT extends IntegrationTest {

    static final Map<String, Object> MIGRATION = Map.of("name", "V1__t.sql", "sql", "CREATE TABLE t (x int);");

    @LocalServerPort
    int port;

    Api admin;
    String shared;
    String other;
    String foreign;
    String mine;
    String limitedSecret;
    String limitedName;
    Api limited;
    Api templateOnly;
    Api labelOnly;

    @BeforeAll
    void setUp() {
        admin = new Api(port, ADMIN_TOKEN);
        shared = "ten-a-" + suffix();
        other = "ten-b-" + suffix();
        assertThat(admin.post("/api/v1/templates", Map.of("name", shared)).status()).isEqualTo(201);
        assertThat(admin.post("/api/v1/templates", Map.of("name", other)).status()).isEqualTo(201);
        foreign = "foreign-" + suffix();
        assertThat(admin.post("/api/v1/branches", Map.of("name", foreign, "template", shared)).status()).isEqualTo(201);
        Api.Response issued = issue(admin, List.of("admin"), List.of(shared), Map.of("team", "pay"));
        limitedSecret = issued.body().get("token").asString();
        limitedName = issued.body().get("details").get("name").asString();
        limited = new Api(port, limitedSecret);
        templateOnly = new Api(port, issue(admin, List.of("write"), List.of(shared), null).body().get("token").asString());
        labelOnly = new Api(port, issue(admin, List.of("write"), null, Map.of("team", "pay")).body().get("token")
                .asString());
        mine = "mine-" + suffix();
        assertThat(limited.post("/api/v1/branches", Map.of("name", mine, "template", shared)).status()).isEqualTo(201);
    }

    @Test
    void restALimitedTokenSeesOnlyItsBranchesAndTemplates() {
        assertThat(limited.get("/api/v1/branches/" + foreign).code()).isEqualTo("BRANCH_NOT_FOUND");
        assertThat(names(limited.get("/api/v1/branches").body())).contains(mine).doesNotContain(foreign);
        assertThat(names(limited.get("/api/v1/templates").body())).containsExactly(shared);
        assertThat(limited.get("/api/v1/templates/" + other).code()).isEqualTo("TEMPLATE_NOT_FOUND");
    }

    @Test
    void mcpALimitedTokenSeesOnlyItsBranchesAndTemplates() {
        try (McpTestClient mcp = new McpTestClient(port, limitedSecret)) {
            assertThat(McpTestClient.text(mcp.call("describe_branch", Map.of("name", foreign))))
                    .startsWith("BRANCH_NOT_FOUND");
            JsonNode branches = McpTestClient.json(mcp.call("list_branches", Map.of())).get("branches");
            assertThat(branches).extracting(b -> b.get("name").asString()).contains(mine).doesNotContain(foreign);
            JsonNode templates = McpTestClient.json(mcp.call("list_templates", Map.of())).get("templates");
            assertThat(templates).extracting(t -> t.get("name").asString()).containsExactly(shared);
        }
    }

    @Test
    void restALimitedTokenCannotCopyOrDiffAgainstWhatItCannotSee() {
        Api.Response branchOfForeign = limited.post("/api/v1/branches", Map.of("name", "copy-" + suffix(),
                "fromBranch", foreign));
        Api.Response diffAgainstForeign = limited.get("/api/v1/branches/" + mine + "/diff?against=" + foreign);
        Api.Response diffAgainstOther = limited.get("/api/v1/branches/" + mine + "/diff?template=" + other);
        Api.Response fromOther = limited.post("/api/v1/branches", Map.of("name", "o-" + suffix(), "template", other));

        assertThat(branchOfForeign.code()).isEqualTo("BRANCH_NOT_FOUND");
        assertThat(diffAgainstForeign.code()).isEqualTo("BRANCH_NOT_FOUND");
        assertThat(diffAgainstOther.code()).isEqualTo("TEMPLATE_NOT_FOUND");
        assertThat(fromOther.code()).isEqualTo("TEMPLATE_NOT_FOUND");
    }

    @Test
    void mcpALimitedTokenCannotCopyOrDiffAgainstWhatItCannotSee() {
        try (McpTestClient mcp = new McpTestClient(port, limitedSecret)) {
            assertThat(McpTestClient.text(mcp.call("create_branch", Map.of("name", "copy-" + suffix(),
                    "from_branch", foreign)))).startsWith("BRANCH_NOT_FOUND");
            assertThat(McpTestClient.text(mcp.call("compare_schema", Map.of("branch", mine, "against_branch",
                    foreign)))).startsWith("BRANCH_NOT_FOUND");
            assertThat(McpTestClient.text(mcp.call("compare_schema", Map.of("branch", mine, "template", other))))
                    .startsWith("TEMPLATE_NOT_FOUND");
            assertThat(McpTestClient.text(mcp.call("create_branch", Map.of("name", "o-" + suffix(),
                    "template", other)))).startsWith("TEMPLATE_NOT_FOUND");
        }
    }

    @Test
    void restALimitedTokenCannotResetMigrateOrDeleteOthersBranches() {
        assertThat(limited.post("/api/v1/branches/" + foreign + "/reset", null).code()).isEqualTo("BRANCH_NOT_FOUND");
        assertThat(limited.post("/api/v1/branches/" + foreign + "/migrations", Map.of("migrations", List.of(MIGRATION)))
                .code()).isEqualTo("BRANCH_NOT_FOUND");
        assertThat(limited.post("/api/v1/branches/" + foreign + "/sql", Map.of("sql", "SELECT 1")).code())
                .isEqualTo("BRANCH_NOT_FOUND");
        assertThat(limited.delete("/api/v1/branches/" + foreign + "?force=true").code()).isEqualTo("BRANCH_NOT_FOUND");
        assertThat(admin.get("/api/v1/branches/" + foreign).body().get("status").asString()).isEqualTo("READY");
        assertThat(admin.get("/api/v1/branches/" + foreign + "/migrations").body().get("items")).isEmpty();
    }

    @Test
    void mcpALimitedTokenCannotResetMigrateOrDeleteOthersBranches() {
        try (McpTestClient mcp = new McpTestClient(port, limitedSecret)) {
            assertThat(McpTestClient.text(mcp.call("reset_branch", Map.of("name", foreign))))
                    .startsWith("BRANCH_NOT_FOUND");
            assertThat(McpTestClient.text(mcp.call("apply_migrations", Map.of("branch", foreign,
                    "migrations", List.of(MIGRATION))))).startsWith("BRANCH_NOT_FOUND");
            assertThat(McpTestClient.text(mcp.call("run_sql", Map.of("branch", foreign, "sql", "SELECT 1"))))
                    .startsWith("BRANCH_NOT_FOUND");
            assertThat(McpTestClient.text(mcp.call("delete_branch", Map.of("name", foreign, "force", true))))
                    .startsWith("BRANCH_NOT_FOUND");
        }
        assertThat(admin.get("/api/v1/branches/" + foreign).body().get("status").asString()).isEqualTo("READY");
        assertThat(admin.get("/api/v1/branches/" + foreign + "/migrations").body().get("items")).isEmpty();
    }

    @Test
    void restALimitedTokenCannotForceDeleteRefreshMigrateOrImportIntoASharedTemplate() {
        int revisions = admin.get("/api/v1/templates/" + shared).body().get("revisions").size();
        for (Api token : List.of(limited, templateOnly, labelOnly)) {
            assertThat(token.post("/api/v1/templates", Map.of("name", shared + "-x")).code())
                    .isEqualTo("TEMPLATE_CHANGE_NOT_ALLOWED");
            assertThat(token.post("/api/v1/templates", Map.of("name", shared + "-y",
                    "sourceUrl", "postgresql://postgres:pw@127.0.0.1:1/postgres")).code())
                    .isEqualTo("TEMPLATE_CHANGE_NOT_ALLOWED");
            assertThat(token.post("/api/v1/templates/" + shared + "/refresh", null).code())
                    .isEqualTo("TEMPLATE_CHANGE_NOT_ALLOWED");
            assertThat(token.post("/api/v1/templates/" + shared + "/migrations", Map.of("migrations",
                    List.of(MIGRATION))).code()).isEqualTo("TEMPLATE_CHANGE_NOT_ALLOWED");
            assertThat(token.delete("/api/v1/templates/" + shared).code()).isEqualTo("TEMPLATE_CHANGE_NOT_ALLOWED");
            assertThat(token.delete("/api/v1/templates/" + shared + "?force=true").code())
                    .isEqualTo("TEMPLATE_CHANGE_NOT_ALLOWED");
        }
        assertThat(admin.get("/api/v1/templates/" + shared).body().get("revisions")).hasSize(revisions);
        assertThat(admin.get("/api/v1/branches/" + foreign).status()).isEqualTo(200);
        assertThat(admin.get("/api/v1/templates/" + shared + "-x").status()).isEqualTo(404);
    }

    @Test
    void mcpOffersNoToolThatChangesATemplate() {
        try (McpTestClient mcp = new McpTestClient(port, limitedSecret)) {
            List<String> tools = mcp.client.listTools().tools().stream().map(McpSchema.Tool::name).toList();

            assertThat(tools).filteredOn(t -> t.contains("template")).containsExactly("list_templates");
            assertThat(McpTestClient.text(mcp.call("create_branch", Map.of("name", "lab-" + suffix(), "template",
                    shared, "labels", "team=other")))).startsWith("LABEL_NOT_ALLOWED");
        }
    }

    @Test
    void aTokenCannotIssueATokenWiderThanItself() {
        Api.Response allTemplates = issue(limited, List.of("read"), null, Map.of("team", "pay"));
        Api.Response moreTemplates = issue(limited, List.of("read"), List.of(shared, other), Map.of("team", "pay"));
        Api.Response noLabel = issue(limited, List.of("read"), List.of(shared), null);
        Api.Response otherLabel = issue(limited, List.of("read"), List.of(shared), Map.of("team", "other"));
        Api.Response same = issue(limited, List.of("admin"), List.of(shared), Map.of("team", "pay"));
        Api.Response byWriter = issue(templateOnly, List.of("read"), List.of(shared), null);

        assertThat(List.of(allTemplates, moreTemplates, noLabel, otherLabel)).allSatisfy(r -> {
            assertThat(r.status()).isEqualTo(403);
            assertThat(r.code()).isEqualTo("TOKEN_WIDER_THAN_ISSUER");
        });
        assertThat(same.status()).isEqualTo(201);
        assertThat(byWriter.code()).isEqualTo("INSUFFICIENT_SCOPE");
        assertThat(admin.get("/api/v1/tokens").body().get("items"))
                .filteredOn(t -> t.get("createdBy").asString().equals(limitedName))
                .singleElement().satisfies(t -> assertThat(t.get("scopes").toString()).contains("admin"));
    }

    @Test
    void aLimitedAdminTokenListsAndRevokesOnlyTokensWithinItsLimitsAndCannotReadTheAuditLog() {
        Api.Response unlimited = issue(admin, List.of("read"), null, null);
        String unlimitedName = unlimited.body().get("details").get("name").asString();
        String narrowerName = issue(limited, List.of("read"), List.of(shared), Map.of("team", "pay")).body()
                .get("details").get("name").asString();

        List<String> seen = names(limited.get("/api/v1/tokens").body());
        Api.Response revokeUnlimited = limited.delete("/api/v1/tokens/" + unlimitedName);

        assertThat(seen).contains(narrowerName, limitedName).doesNotContain(unlimitedName);
        assertThat(revokeUnlimited.code()).isEqualTo("TOKEN_NOT_FOUND");
        assertThat(new Api(port, unlimited.body().get("token").asString()).get("/api/v1/templates").status())
                .isEqualTo(200);
        assertThat(limited.delete("/api/v1/tokens/" + narrowerName).status()).isEqualTo(204);
        assertThat(limited.get("/api/v1/audit").code()).isEqualTo("UNLIMITED_TOKEN_REQUIRED");
        assertThat(admin.get("/api/v1/audit").status()).isEqualTo(200);
    }

    @Test
    void restPasswordsReachOnlyCallersThatMayWriteAndNeverLists() throws SQLException {
        Api reader = new Api(port, issue(admin, List.of("read"), null, null).body().get("token").asString());
        JsonNode readerView = reader.get("/api/v1/branches/" + foreign).body().get("connection");
        JsonNode writerView = admin.get("/api/v1/branches/" + foreign).body().get("connection");
        String list = admin.get("/api/v1/branches").body().toString();

        assertThat(readerView.get("password").isNull()).isTrue();
        assertThat(readerView.get("uri").asString()).doesNotContain(writerView.get("password").asString());
        assertThat(writerView.get("password").asString()).isNotBlank();
        assertThat(writerView.get("uri").asString()).contains(":" + writerView.get("password").asString() + "@");
        assertThat(list).doesNotContain(writerView.get("password").asString());
        assertThat(admin.get("/api/v1/branches").body().get("items")).allSatisfy(b ->
                assertThat(b.get("connection").get("password").isNull()).isTrue());
        String jdbc = readerView.get("jdbcUrl").asString();
        assertThatThrownBy(() -> DriverManager.getConnection(jdbc, readerView.get("user").asString(), ""))
                .as("a reader has no credential that could write").isInstanceOf(SQLException.class);
        try (var owner = DriverManager.getConnection(jdbc, writerView.get("user").asString(),
                writerView.get("password").asString()); var st = owner.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS reader_probe (x int); INSERT INTO reader_probe VALUES (1)");
        }
        assertThat(admin.get("/api/v1/branches").body().get("items")).allSatisfy(b ->
                assertThat(b.get("readOnlyConnection").get("password").isNull()).isTrue());
        JsonNode readOnly = reader.get("/api/v1/branches/" + foreign).body().get("readOnlyConnection");
        try (var ro = DriverManager.getConnection(readOnly.get("jdbcUrl").asString(), readOnly.get("user").asString(),
                readOnly.get("password").asString()); var st = ro.createStatement()) {
            try (var rs = st.executeQuery("SELECT count(*) FROM reader_probe")) {
                assertThat(rs.next() && rs.getInt(1) >= 1).as("the read-only role reads").isTrue();
            }
            assertThatThrownBy(() -> st.execute("INSERT INTO reader_probe VALUES (2)")).isInstanceOf(SQLException.class);
            assertThatThrownBy(() -> st.execute("SET default_transaction_read_only = off;"
                    + " UPDATE reader_probe SET x = 3")).isInstanceOf(SQLException.class);
            assertThatThrownBy(() -> st.execute("CREATE TABLE reader_table (x int)")).isInstanceOf(SQLException.class);
        }
    }

    /** Passwords stay out of the model by default, even for admins; only an opted-in writer gets them, audited. */
    @Test
    void mcpPasswordsReachOnlyWritersWhoseTokenOptedInAndNeverLists() {
        String password = admin.get("/api/v1/branches/" + foreign).body().get("connection").get("password").asString();
        String readSecret = issue(admin, List.of("read"), null, null).body().get("token").asString();
        String revealName = "reveal-" + suffix();
        Api.Response revealing = admin.post("/api/v1/tokens", Map.of("name", revealName, "scopes", List.of("write"),
                "revealSecrets", true));
        assertThat(revealing.status()).as(String.valueOf(revealing.body())).isEqualTo(201);
        assertThat(revealing.body().get("details").get("revealSecrets").asBoolean()).isTrue();
        String readRevealSecret = admin.post("/api/v1/tokens", Map.of("name", "reveal-ro-" + suffix(), "scopes",
                List.of("read"), "revealSecrets", true)).body().get("token").asString();
        try (McpTestClient reader = new McpTestClient(port, readSecret);
                McpTestClient writer = new McpTestClient(port, ADMIN_TOKEN);
                McpTestClient revealer = new McpTestClient(port, revealing.body().get("token").asString());
                McpTestClient revealingReader = new McpTestClient(port, readRevealSecret)) {
            assertThat(McpTestClient.text(reader.call("describe_branch", Map.of("name", foreign))))
                    .doesNotContain(password);
            assertThat(McpTestClient.text(reader.call("get_connection_string", Map.of("name", foreign))))
                    .doesNotContain(password);
            assertThat(McpTestClient.text(writer.call("list_branches", Map.of()))).doesNotContain(password);
            assertThat(McpTestClient.text(writer.call("get_connection_string", Map.of("name", foreign))))
                    .doesNotContain(password).contains("offshoot connection-string " + foreign + " --env-file .env");
            assertThat(McpTestClient.text(writer.call("describe_branch", Map.of("name", foreign))))
                    .doesNotContain(password).contains("passwordFrom");
            assertThat(McpTestClient.text(revealingReader.call("get_connection_string", Map.of("name", foreign))))
                    .doesNotContain(password);
            assertThat(McpTestClient.text(revealer.call("list_branches", Map.of()))).doesNotContain(password);
            assertThat(McpTestClient.text(revealer.call("get_connection_string", Map.of("name", foreign))))
                    .contains(password);
        }
        assertThat(admin.get("/api/v1/audit?actor=" + revealName).body().get("items"))
                .extracting(e -> e.get("action").asString() + " " + e.get("target").asString())
                .contains("branch.reveal-secret " + foreign);
    }

    @Test
    void onlyAnAdminThatRevealsSecretsIssuesATokenThatRevealsThem() {
        String limitedAdmin = admin.post("/api/v1/tokens", Map.of("name", "ten-" + suffix(), "scopes",
                List.of("admin"), "templates", List.of(shared), "revealSecrets", true)).body().get("token").asString();
        String plainLimitedAdmin = issue(admin, List.of("admin"), List.of(shared), null).body().get("token")
                .asString();
        Api.Response byPlainAdmin = new Api(port, plainLimitedAdmin).post("/api/v1/tokens", Map.of("name",
                "no-" + suffix(), "scopes", List.of("read"), "templates", List.of(shared), "revealSecrets", true));
        assertThat(byPlainAdmin.status()).isEqualTo(403);
        assertThat(byPlainAdmin.code()).isEqualTo("TOKEN_WIDER_THAN_ISSUER");
        Api.Response byWriter = new Api(port, issue(admin, List.of("write"), null, null).body().get("token")
                .asString()).post("/api/v1/tokens", Map.of("name", "nope-" + suffix(), "scopes", List.of("read"),
                        "revealSecrets", true));
        assertThat(byWriter.status()).isEqualTo(403);
        Api.Response byAdmin = new Api(port, limitedAdmin).post("/api/v1/tokens", Map.of("name", "ok-" + suffix(),
                "scopes", List.of("read"), "templates", List.of(shared), "revealSecrets", true));
        assertThat(byAdmin.status()).as(String.valueOf(byAdmin.body())).isEqualTo(201);
    }

    private Api.Response issue(Api by, List<String> scopes, List<String> templates, Map<String, String> label) {
        Map<String, Object> body = new HashMap<>(Map.of("name", "ten-" + suffix(), "scopes", scopes));
        if (templates != null) {
            body.put("templates", templates);
        }
        if (label != null) {
            body.put("requiredLabels", label);
        }
        return by.post("/api/v1/tokens", body);
    }

    private static List<String> names(JsonNode list) {
        return list.get("items").valueStream().map(i -> i.get("name").asString()).toList();
    }

    static String suffix() {
        return UUID.randomUUID().toString().substring(0, 6);
    }
}
