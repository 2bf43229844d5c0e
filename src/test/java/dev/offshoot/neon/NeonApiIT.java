package dev.offshoot.neon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

import tools.jackson.databind.JsonNode;

import dev.offshoot.Api;
import dev.offshoot.IntegrationTest;

/**
 * Neon's clients, unchanged, against the real service: neonctl's branch commands, the calls of
 * Neon's create-branch and delete-branch GitHub Actions, every /api/v2 call checked against
 * openapi-v2.yaml, and the same scopes, tenancy and audit as /api/v1. One empty template (the
 * project) serves every test; branches are real Postgres servers reached with psql and pgjdbc.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NeonApiIT extends IntegrationTest {

    @LocalServerPort
    int port;

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    final String project = "neon-" + suffix();
    final String v2 = "/api/v2/projects/" + project;
    NeonContract contract;
    NeonClients clients;
    Api admin;
    String readToken;
    final String reader = "neon-reader-" + suffix();

    @BeforeAll
    void setUp() throws IOException {
        NeonClients.requireInstalled();
        contract = new NeonContract(port);
        clients = new NeonClients(port);
        admin = new Api(port, ADMIN_TOKEN);
        assertThat(admin.post("/api/v1/templates", Map.of("name", project)).status()).isEqualTo(201);
        readToken = admin.post("/api/v1/tokens", Map.of("name", reader, "scopes", List.of("read")))
                .body().get("token").asString();
    }

    @Test
    @Order(0)
    void specDescribesExactlyTheImplementedOperations() {
        Set<String> implemented = new TreeSet<>();
        mappings.getHandlerMethods().keySet().forEach(info -> info.getPatternValues().stream()
                .filter(p -> p.startsWith("/api/v2/"))
                .forEach(p -> info.getMethodsCondition().getMethods().forEach(m -> implemented.add(m.name() + " " + p))));
        assertThat(contract.documented()).as("operations in openapi-v2.yaml vs. /api/v2 handlers")
                .containsExactlyInAnyOrderElementsOf(implemented);
        assertThat(contract.spec().getPaths().values()).flatExtracting(p -> p.readOperations())
                .allSatisfy(op -> assertThat(op.getResponses()).containsKey("401"));
    }

    @Test
    @Order(1)
    void neonctlCreatesListsGetsConnectsResetsAndDeletesABranch() throws Exception {
        String name = "nc-" + suffix();
        JsonNode created = clients.neonctl(ADMIN_TOKEN, project, "branches", "create", "--name", name,
                "--output", "json").json();
        String id = created.get("branch").get("id").asString();
        assertThat(id).matches(NeonIds.BRANCH.pattern());
        assertThat(created.get("endpoints").get(0).get("id").asString()).isEqualTo(NeonIds.endpointOf(id));
        assertThat(created.get("connection_uris").get(0).get("connection_uri").asString()).startsWith("postgresql://");

        JsonNode listed = clients.neonctl(ADMIN_TOKEN, project, "branches", "list", "--output", "json").json();
        assertThat(names(listed)).contains(name, NeonBranches.DEFAULT_NAME);
        assertThat(byName(listed, NeonBranches.DEFAULT_NAME).get("default").asBoolean()).isTrue();
        assertThat(byName(listed, name).get("parent_id").asString())
                .isEqualTo(byName(listed, NeonBranches.DEFAULT_NAME).get("id").asString());
        assertThat(clients.neonctl(ADMIN_TOKEN, project, "branches", "get", name, "--output", "json").json()
                .get("id").asString()).isEqualTo(id);
        assertThat(clients.neonctl(ADMIN_TOKEN, project, "branches", "get", id, "--output", "json").json()
                .get("name").asString()).isEqualTo(name);

        // neonctl adds channel_binding=require to any sslmode, which TLS ending at the gateway rules out;
        // without one libpq negotiates TLS by itself (sslmode=prefer)
        NeonClients.Run uri = clients.neonctl(ADMIN_TOKEN, project, "connection-string", name, "--ssl", "omit");
        assertThat(uri.exit()).as(uri.stderr()).isZero();
        String connectionString = uri.stdout().strip();
        assertThat(psql(connectionString, "CREATE TABLE made_here (x int); INSERT INTO made_here VALUES (42);"
                + " SELECT x FROM made_here")).isEqualTo("42");
        try (Connection jdbc = jdbc(connectionString); Statement st = jdbc.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM made_here")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(1);
        }

        JsonNode reset = clients.neonctl(ADMIN_TOKEN, project, "branches", "reset", name, "--parent", "--output",
                "json").json();
        assertThat(reset.get("last_reset_at").asString()).isNotBlank();
        assertThat(psql(connectionString, "SELECT count(*) FROM pg_tables WHERE tablename = 'made_here'"))
                .as("the reset threw the table away; the same connection string still works").isEqualTo("0");
        psql(connectionString, "CREATE TABLE made_again (x int)");
        JsonNode restored = clients.neonctl(ADMIN_TOKEN, project, "branches", "restore", name, "^parent",
                "--output", "json").json();
        assertThat(restored.get("id").asString()).isEqualTo(id);
        assertThat(psql(connectionString, "SELECT count(*) FROM pg_tables WHERE tablename = 'made_again'"))
                .isEqualTo("0");

        NeonClients.Run deleted = clients.neonctl(ADMIN_TOKEN, project, "branches", "delete", name, "--output", "json");
        assertThat(deleted.json().get("id").asString()).isEqualTo(id);
        assertThat(admin.get("/api/v1/branches/" + name).status()).isEqualTo(404);
    }

    @Test
    @Order(2)
    void neonctlFindsTheOnlyProjectOfATokenAndListsProjectsAndOperations() {
        String limited = admin.post("/api/v1/tokens", Map.of("name", "neon-one-" + suffix(), "scopes",
                List.of("read"), "templates", List.of(project))).body().get("token").asString();
        assertThat(names(clients.neonctl(limited, null, "branches", "list", "--output", "json").json()))
                .as("no --project-id: the token's one project").contains(NeonBranches.DEFAULT_NAME);
        JsonNode projects = clients.neonctl(limited, null, "projects", "list", "--output", "json").json();
        assertThat(projects.get("projects").valueStream().map(p -> p.get("id").asString()).toList())
                .containsExactly(project);
        assertThat(clients.neonctl(ADMIN_TOKEN, null, "projects", "get", project, "--output", "json").json()
                .get("name").asString()).isEqualTo(project);
        assertThat(clients.neonctl(ADMIN_TOKEN, project, "operations", "list", "--output", "json").json())
                .extracting(o -> o.get("action").asString())
                .contains("create_branch", "start_compute", "create_timeline", "delete_timeline");
    }

    @Test
    @Order(3)
    void theCreateBranchActionsCallsGetEveryOutputItSetsAndTheDeleteActionDeletes() throws Exception {
        String name = "pr-" + suffix();
        Map<String, String> inputs = Map.of("project_id", project, "branch_name", name, "database", "app",
                "role", "app", "ssl", "require");
        Map<String, String> github = Map.of("GITHUB_REPOSITORY", "acme/shop", "PR_NUMBER", "123");
        JsonNode first = clients.createBranchAction(ADMIN_TOKEN, inputs, github).lastLine();
        assertThat(first.has("error")).as(first.toString()).isFalse();
        for (String output : List.of("db_url", "db_url_pooled", "db_host", "db_host_pooled", "password", "branch_id")) {
            assertThat(first.get(output).asString()).as(output).isNotBlank();
        }
        assertThat(first.get("created").asBoolean()).isTrue();
        assertThat(psql(first.get("db_url").asString(), "SELECT current_user")).isEqualTo("app");
        JsonNode labels = admin.get("/api/v1/branches/" + name).body().get("labels");
        assertThat(Map.of("repo", labels.get("repo").asString(), "pr", labels.get("pr").asString()))
                .as("the action's repository and pull request annotations became Offshoot's reaping labels")
                .isEqualTo(Map.of("repo", "acme/shop", "pr", "123"));

        JsonNode rerun = clients.createBranchAction(ADMIN_TOKEN, inputs, github).lastLine();
        assertThat(rerun.get("created").asBoolean()).as(rerun.toString()).isFalse();
        assertThat(rerun.get("branch_id").asString()).isEqualTo(first.get("branch_id").asString());
        assertThat(rerun.get("db_url").asString()).isEqualTo(first.get("db_url").asString());

        String fork = name + "-fork";
        JsonNode forked = clients.createBranchAction(ADMIN_TOKEN, Map.of("project_id", project, "branch_name", fork,
                "parent_branch", name, "database", "app", "role", "app", "ssl", "require"), github).lastLine();
        assertThat(forked.get("created").asBoolean()).as(forked.toString()).isTrue();
        assertThat(contract.get(ADMIN_TOKEN, v2 + "/branches/" + fork).json().get("branch").get("parent_id")
                .asString()).isEqualTo(first.get("branch_id").asString());

        NeonClients.Run byName = clients.deleteBranchAction(ADMIN_TOKEN, project, fork);
        assertThat(byName.exit()).as(byName.stderr()).isZero();
        NeonClients.Run byId = clients.deleteBranchAction(ADMIN_TOKEN, project, first.get("branch_id").asString());
        assertThat(byId.exit()).as(byId.stderr()).isZero();
        assertThat(admin.get("/api/v1/branches/" + fork).status()).isEqualTo(404);
        assertThat(admin.get("/api/v1/branches/" + name).status()).isEqualTo(404);
    }

    @Test
    @Order(4)
    void everyCallMatchesTheSpecAndDoesWhatItSays() throws Exception {
        JsonNode projects = contract.get(ADMIN_TOKEN, "/api/v2/projects").json();
        assertThat(StreamSupport.stream(projects.get("projects").spliterator(), false).map(p -> p.get("id").asString()))
                .contains(project);
        assertThat(contract.get(ADMIN_TOKEN, "/api/v2/projects/shared").json().get("projects")).isEmpty();
        assertThat(contract.get(ADMIN_TOKEN, v2).json().get("project").get("name").asString()).isEqualTo(project);
        assertThat(contract.get(ADMIN_TOKEN, "/api/v2/users/me/organizations").json().get("organizations")).isEmpty();

        String name = "ct-" + suffix();
        NeonContract.Exchange created = contract.post(ADMIN_TOKEN, v2 + "/branches", Map.of(
                "branch", Map.of("name", name), "endpoints", List.of(Map.of("type", "read_write")),
                "annotation_value", Map.of("purpose", "contract")));
        assertThat(created.status()).isEqualTo(201);
        String id = created.json().get("branch").get("id").asString();
        String endpoint = NeonIds.endpointOf(id);
        assertThat(created.json().get("operations")).extracting(o -> o.get("status").asString())
                .containsOnly("finished");
        assertThat(contract.post(ADMIN_TOKEN, v2 + "/branches", Map.of("branch", Map.of("name", name))).status())
                .as("a retried create returns the branch").isEqualTo(200);

        JsonNode page = contract.get(ADMIN_TOKEN, v2 + "/branches", Map.of("limit", "1", "sort_by", "name",
                "sort_order", "asc")).json();
        JsonNode rest = contract.get(ADMIN_TOKEN, v2 + "/branches", Map.of("limit", "10000", "sort_by", "name",
                "sort_order", "asc", "cursor", page.get("pagination").get("next").asString())).json();
        assertThat(rest.get("pagination").has("next")).isFalse();
        assertThat(List.of(names(page.get("branches")), names(rest.get("branches"))))
                .containsExactly(List.of(name), List.of(NeonBranches.DEFAULT_NAME));
        assertThat(page.get("annotations").get(id).get("value").get("purpose").asString()).isEqualTo("contract");
        assertThat(contract.get(ADMIN_TOKEN, v2 + "/branches/" + name).json().get("branch").get("id").asString())
                .isEqualTo(id);

        assertThat(contract.get(ADMIN_TOKEN, v2 + "/branches/" + id + "/endpoints").json().get("endpoints").get(0)
                .get("current_state").asString()).isEqualTo("active");
        assertThat(contract.get(ADMIN_TOKEN, v2 + "/endpoints").json().get("endpoints")).isNotEmpty();
        assertThat(contract.get(ADMIN_TOKEN, v2 + "/endpoints/" + endpoint).json().get("endpoint").get("branch_id")
                .asString()).isEqualTo(id);
        assertThat(contract.post(ADMIN_TOKEN, v2 + "/endpoints/" + endpoint + "/start", null).json()
                .get("operations")).as("a running endpoint is left as it is").isEmpty();
        NeonContract.Exchange suspend = contract.post(ADMIN_TOKEN, v2 + "/endpoints/" + endpoint + "/suspend", null);
        assertThat(suspend.status()).isEqualTo(200);
        assertThat(suspend.json().get("endpoint").get("current_state").asString()).isEqualTo("idle");
        assertThat(suspend.json().get("operations").get(0).get("action").asString()).isEqualTo("suspend_compute");
        NeonContract.Exchange started = contract.post(ADMIN_TOKEN, v2 + "/endpoints/" + endpoint + "/start", null);
        assertThat(started.json().get("endpoint").get("current_state").asString()).isEqualTo("active");

        assertThat(contract.get(ADMIN_TOKEN, v2 + "/branches/" + id + "/databases").json().get("databases").get(0)
                .get("name").asString()).isEqualTo("app");
        assertThat(contract.get(ADMIN_TOKEN, v2 + "/branches/" + id + "/databases/app").status()).isEqualTo(200);
        assertThat(contract.get(ADMIN_TOKEN, v2 + "/branches/" + id + "/roles").json().get("roles").get(0)
                .get("name").asString()).isEqualTo("app");
        assertThat(contract.get(ADMIN_TOKEN, v2 + "/branches/" + id + "/roles/app").status()).isEqualTo(200);
        String password = contract.get(ADMIN_TOKEN, v2 + "/branches/" + id + "/roles/app/reveal_password").json()
                .get("password").asString();
        String uri = contract.get(ADMIN_TOKEN, v2 + "/connection_uri", Map.of("branch_id", id, "database_name", "app",
                "role_name", "app", "pooled", "true")).json().get("uri").asString();
        // without an SNI domain the password Neon's tools get names the branch for the gateway
        assertThat(password).startsWith("endpoint=");
        assertThat(uri).contains(password.substring(password.indexOf(';') + 1)).contains("options=endpoint%3D");
        assertThat(psql(uri, "SELECT 1")).isEqualTo("1");

        JsonNode patched = contract.patch(ADMIN_TOKEN, v2 + "/branches/" + id, Map.of("branch",
                Map.of("protected", true))).json();
        assertThat(patched.get("branch").get("protected").asBoolean()).isTrue();
        assertThat(contract.delete(ADMIN_TOKEN, v2 + "/branches/" + id).json().get("code").asString())
                .isEqualTo("BRANCH_PROTECTED");
        contract.patch(ADMIN_TOKEN, v2 + "/branches/" + id, Map.of("branch", Map.of("protected", false)));
        String defaultId = contract.get(ADMIN_TOKEN, v2 + "/branches/" + NeonBranches.DEFAULT_NAME).json()
                .get("branch").get("id").asString();
        JsonNode restored = contract.post(ADMIN_TOKEN, v2 + "/branches/" + id + "/restore",
                Map.of("source_branch_id", defaultId)).json();
        assertThat(restored.get("branch").get("last_reset_at").asString()).isNotBlank();
        String operation = restored.get("operations").get(0).get("id").asString();

        JsonNode operations = contract.get(ADMIN_TOKEN, v2 + "/operations").json().get("operations");
        assertThat(operations).extracting(o -> o.get("id").asString()).contains(operation);
        assertThat(contract.get(ADMIN_TOKEN, v2 + "/operations/" + operation).json().get("operation").get("action")
                .asString()).isEqualTo("create_timeline");
        assertThat(contract.delete(ADMIN_TOKEN, v2 + "/branches/" + id).status()).isEqualTo(200);

        assertThat(contract.exercised()).as("every documented /api/v2 operation was called")
                .containsAll(contract.documented());
    }

    @Test
    @Order(5)
    void errorsAreNeonsCodeAndMessageAndNeonctlPrintsThem() {
        NeonContract.Exchange missing = contract.get(ADMIN_TOKEN, v2 + "/branches/br-no-such-00000000");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.contentType()).startsWith("application/json");
        assertThat(missing.json().get("code").asString()).isEqualTo("BRANCH_NOT_FOUND");
        assertThat(missing.json().get("message").asString()).contains("br-no-such-00000000");
        assertThat(contract.get(ADMIN_TOKEN, "/api/v2/projects/no-such-" + suffix()).json().get("code").asString())
                .isEqualTo("PROJECT_NOT_FOUND");
        assertThat(contract.delete(ADMIN_TOKEN, v2 + "/branches/" + NeonBranches.DEFAULT_NAME).json().get("code")
                .asString()).isEqualTo("DEFAULT_BRANCH");
        NeonContract.Exchange pointInTime = contract.post(ADMIN_TOKEN, v2 + "/branches", Map.of("branch",
                Map.of("name", "pit-" + suffix(), "parent_timestamp", "2024-01-01T00:00:00Z")));
        assertThat(pointInTime.status()).isEqualTo(400);
        assertThat(pointInTime.json().get("code").asString()).isEqualTo("POINT_IN_TIME_NOT_SUPPORTED");

        Api raw = new Api(port, ADMIN_TOKEN);
        Api.Response unknown = raw.get("/api/v2/projects/" + project + "/snapshots");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.body().get("message").asString()).isNotBlank();
        assertThat(unknown.body().has("type")).as("not an RFC 9457 problem under /api/v2").isFalse();

        NeonClients.Run run = clients.neonctl(ADMIN_TOKEN, project, "branches", "get", "br-no-such-00000000");
        assertThat(run.exit()).isNotZero();
        assertThat(run.stderr()).contains("no branch 'br-no-such-00000000'");
    }

    @Test
    @Order(6)
    void aReaderSeesBranchesButNoPasswordAndEveryChangeAndRevealIsAudited() {
        String name = "au-" + suffix();
        String id = contract.post(ADMIN_TOKEN, v2 + "/branches", Map.of("branch", Map.of("name", name))).json()
                .get("branch").get("id").asString();
        assertThat(contract.get(readToken, v2 + "/branches/" + id).status()).isEqualTo(200);
        NeonContract.Exchange reveal = contract.get(readToken, v2 + "/branches/" + id + "/roles/app/reveal_password");
        assertThat(reveal.status()).isEqualTo(403);
        assertThat(reveal.json().get("code").asString()).isEqualTo("INSUFFICIENT_SCOPE");
        NeonContract.Exchange create = contract.post(readToken, v2 + "/branches", Map.of("branch",
                Map.of("name", "no-" + suffix())));
        assertThat(create.status()).isEqualTo(403);
        contract.get(ADMIN_TOKEN, v2 + "/branches/" + id + "/roles/app/reveal_password");
        contract.delete(ADMIN_TOKEN, v2 + "/branches/" + id);

        // a call refused before its branch was looked up names the branch as the path did (here its id)
        List<String> events = admin.get("/api/v1/audit?limit=1000").body().get("items").valueStream()
                .filter(e -> Set.of(name, id).contains(e.get("target").asString()))
                .map(e -> e.get("action").asString() + " " + e.get("outcome").asString() + " "
                        + e.get("channel").asString() + " " + e.get("actor").asString() + " " + e.get("status").asInt())
                .toList();
        assertThat(events).contains("branch.create success neon admin 201",
                "branch.reveal-password failure neon " + reader + " 403",
                "branch.reveal-password success neon admin 200", "branch.delete success neon admin 200");
    }

    @Test
    @Order(7)
    void aTokenLimitedToALabelSeesOnlyItsBranchesThroughNeonsCalls() {
        String other = "other-" + suffix();
        contract.post(ADMIN_TOKEN, v2 + "/branches", Map.of("branch", Map.of("name", other)));
        String limited = admin.post("/api/v1/tokens", Map.of("name", "neon-team-" + suffix(), "scopes",
                List.of("write"), "requiredLabels", Map.of("team", "pay"))).body().get("token").asString();
        String mine = "mine-" + suffix();
        String mineId = contract.post(limited, v2 + "/branches", Map.of("branch", Map.of("name", mine))).json()
                .get("branch").get("id").asString();
        JsonNode seen = contract.get(limited, v2 + "/branches").json();
        assertThat(names(seen.get("branches"))).containsExactlyInAnyOrder(mine, NeonBranches.DEFAULT_NAME);
        assertThat(contract.get(limited, v2 + "/branches/" + other).status()).isEqualTo(404);
        assertThat(admin.get("/api/v1/branches/" + mine).body().get("labels").get("team").asString()).isEqualTo("pay");
        assertThat(contract.get(limited, v2 + "/operations").json().get("operations"))
                .as("a limited token sees its own operations only")
                .allSatisfy(o -> assertThat(o.get("branch_id").asString()).isEqualTo(mineId));
        contract.delete(limited, v2 + "/branches/" + mine);
        contract.delete(ADMIN_TOKEN, v2 + "/branches/" + other);
    }

    private static List<String> names(JsonNode branches) {
        return branches.valueStream().map(b -> b.get("name").asString()).toList();
    }

    private static JsonNode byName(JsonNode branches, String name) {
        return branches.valueStream().filter(b -> b.get("name").asString().equals(name)).findFirst().orElseThrow();
    }

    /** Runs SQL with psql on a libpq URI and returns its unaligned output. */
    static String psql(String uri, String sql) throws IOException, InterruptedException {
        Process psql = new ProcessBuilder(psqlBinary(), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", uri,
                "-c", sql).redirectErrorStream(true).start();
        assertThat(psql.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = new String(psql.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(psql.exitValue()).as(out).isZero();
        return out.substring(out.lastIndexOf('\n') + 1);
    }

    private static String psqlBinary() throws IOException {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, "psql"))) {
                return Path.of(dir, "psql").toString();
            }
        }
        try (var versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            return versions.map(v -> v.resolve("bin/psql")).filter(Files::isExecutable).findFirst()
                    .orElseThrow(() -> new AssertionError("no psql on this machine")).toString();
        }
    }

    /** pgjdbc on the same URI: user and password travel as properties. */
    static Connection jdbc(String libpqUri) throws Exception {
        URI uri = URI.create(libpqUri);
        String[] userInfo = uri.getRawUserInfo().split(":", 2);
        return DriverManager.getConnection("jdbc:postgresql://" + uri.getHost() + ":" + uri.getPort() + uri.getPath(),
                java.net.URLDecoder.decode(userInfo[0], StandardCharsets.UTF_8),
                java.net.URLDecoder.decode(userInfo[1], StandardCharsets.UTF_8));
    }

    static String suffix() {
        return UUID.randomUUID().toString().substring(0, 6);
    }
}
