package dev.offshoot.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.github.dockerjava.api.model.Event;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

import dev.offshoot.Api;
import dev.offshoot.IntegrationTest;
import dev.offshoot.TestDocker;
import dev.offshoot.runtime.Labels;
import tools.jackson.databind.JsonNode;

/**
 * Scale to zero through the gateway: a suspended branch comes back with its data when a client
 * connects, many clients arriving at once cause one start, an idle branch is suspended while one in
 * use is not, and the operations that need the server (diffs, migration checks) wake it first.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestPropertySource(properties = {"offshoot.gateway.idle-suspend=4s", "offshoot.gateway.idle-check-interval=1s"})
class SuspendIT extends IntegrationTest {

    static final Duration DEADLINE = Duration.ofSeconds(60);

    @LocalServerPort
    int port;

    Api api;
    String template;
    final ExecutorService pool = Executors.newFixedThreadPool(20);

    @BeforeAll
    void template() {
        api = new Api(port, ADMIN_TOKEN);
        template = "sus-" + suffix();
        assertThat(api.post("/api/v1/templates", Map.of("name", template)).status()).isEqualTo(201);
    }

    @AfterAll
    void stopPool() {
        pool.shutdownNow();
    }

    @Test
    void aSuspendedBranchWakesOnConnectWithItsData() throws Exception {
        JsonNode branch = create("wake-" + suffix());
        sql(branch, "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('still here')");

        JsonNode suspended = api.post("/api/v1/branches/" + name(branch) + "/suspend", Map.of()).body();
        assertThat(suspended.get("status").asString()).isEqualTo("SUSPENDED");
        assertThat(containerStates(name(branch))).containsExactly("exited");
        assertThat(suspended.get("connection")).isEqualTo(branch.get("connection"));

        long start = System.nanoTime();
        try (Connection c = connect(branch); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT v FROM kept")) {
            System.out.printf("wake on connect: first query answered %d ms after connecting%n",
                    (System.nanoTime() - start) / 1_000_000);
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("still here");
        }
        assertThat(status(branch)).isEqualTo("READY");
        assertThat(containerStates(name(branch))).containsExactly("running");
    }

    @Test
    void twentyConcurrentConnectsToASuspendedBranchStartItOnce() throws Exception {
        JsonNode branch = create("herd-" + suffix());
        api.post("/api/v1/branches/" + name(branch) + "/suspend", Map.of());
        String container = containerIds(name(branch)).getFirst();
        Instant since = Instant.now();

        List<Callable<Integer>> connects = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            connects.add(() -> {
                try (Connection c = connect(branch); Statement st = c.createStatement();
                        ResultSet rs = st.executeQuery("SELECT 1")) {
                    rs.next();
                    return rs.getInt(1);
                }
            });
        }
        List<Integer> answers = new ArrayList<>();
        for (Future<Integer> f : pool.invokeAll(connects)) {
            answers.add(f.get(DEADLINE.toSeconds(), TimeUnit.SECONDS));
        }

        assertThat(answers).hasSize(20).containsOnly(1);
        assertThat(starts(container, since)).as("docker start events of the branch's container").isEqualTo(1);
    }

    @Test
    void anIdleBranchIsSuspendedAndOneInUseIsNot() throws Exception {
        JsonNode idle = create("idle-" + suffix());
        JsonNode busy = create("busy-" + suffix());

        try (Connection held = connect(busy)) {
            await().atMost(DEADLINE).until(() -> status(idle).equals("SUSPENDED"));
            assertThat(status(busy)).isEqualTo("READY");
            assertThat(held.isValid(2)).isTrue();
        }
        assertThat(containerStates(name(idle))).containsExactly("exited");
        // once its last connection closed, the busy one goes idle too
        await().atMost(DEADLINE).until(() -> status(busy).equals("SUSPENDED"));
        var audit = api.get("/api/v1/audit?action=branch.suspend&target=" + name(idle)).body().get("items");
        assertThat(audit).singleElement().satisfies(e -> assertThat(e.get("actor").asString()).isEqualTo("gateway"));
    }

    @Test
    void operationsThatNeedTheServerWakeASuspendedBranchFirst() throws Exception {
        JsonNode branch = create("ops-" + suffix());
        api.post("/api/v1/branches/" + name(branch) + "/suspend", Map.of());

        Api.Response diff = api.get("/api/v1/branches/" + name(branch) + "/diff");
        assertThat(diff.status()).as(String.valueOf(diff.body())).isEqualTo(200);
        assertThat(status(branch)).isEqualTo("READY");

        api.post("/api/v1/branches/" + name(branch) + "/suspend", Map.of());
        Api.Response fork = api.post("/api/v1/branches", Map.of("name", "fork-" + suffix(),
                "fromBranch", name(branch)));
        assertThat(fork.status()).as(String.valueOf(fork.body())).isEqualTo(201);
        assertThat(status(branch)).isEqualTo("READY");
    }

    @Test
    void aBranchsOwnIdleSuspensionWinsOverItsTemplatesWhichWinsOverTheServices() {
        Api.Response neverTemplate = api.post("/api/v1/templates", Map.of("name", "nvr-" + suffix(), "idleSuspend", "0"));
        assertThat(neverTemplate.status()).as(String.valueOf(neverTemplate.body())).isEqualTo(201);
        assertThat(neverTemplate.body().get("idleSuspend").asString()).isEqualTo("PT0S");
        String never = neverTemplate.body().get("name").asString();
        JsonNode inherits = create("inh-" + suffix(), Map.of("template", never));
        JsonNode own = create("own-" + suffix(), Map.of("template", never, "idleSuspend", "10s"));
        JsonNode pinned = create("pin-" + suffix(), Map.of("idleSuspend", "0"));
        JsonNode byService = create("svc-" + suffix());
        assertThat(idleOf(inherits)).isEqualTo("PT0S from template");
        assertThat(idleOf(own)).isEqualTo("PT10S from branch");
        assertThat(idleOf(pinned)).isEqualTo("PT0S from branch");
        assertThat(idleOf(byService)).isEqualTo("PT4S from service");

        await().atMost(DEADLINE).until(() -> status(byService).equals("SUSPENDED") && status(own).equals("SUSPENDED"));
        assertThat(status(inherits)).isEqualTo("READY");
        assertThat(status(pinned)).isEqualTo("READY");
        var audit = api.get("/api/v1/audit?action=branch.suspend&target=" + name(own)).body().get("items");
        assertThat(audit).singleElement().satisfies(e -> assertThat(e.toString()).contains("no connection for PT10S"));

        Api.Response dropped = api.patch("/api/v1/branches/" + name(pinned), Map.of("idleSuspend", "inherit"));
        assertThat(dropped.status()).as(String.valueOf(dropped.body())).isEqualTo(200);
        assertThat(idleOf(dropped.body())).isEqualTo("PT4S from service");
        assertThat(api.get("/api/v1/audit?action=branch.update&target=" + name(pinned)).body().get("items"))
                .as("the change is audited").hasSize(1);
        await().atMost(DEADLINE).until(() -> status(pinned).equals("SUSPENDED"));
        Api.Response templateDropped = api.patch("/api/v1/templates/" + never, Map.of("idleSuspend", "inherit"));
        assertThat(templateDropped.body().has("idleSuspend") && !templateDropped.body().get("idleSuspend").isNull())
                .as(String.valueOf(templateDropped.body())).isFalse();
        await().atMost(DEADLINE).until(() -> status(inherits).equals("SUSPENDED"));
        assertThat(api.get("/api/v1/audit?action=template.update&target=" + never).body().get("items")).hasSize(1);
    }

    @Test
    void nonsenseIdleSuspensionsAreRefusedAndLeaveNothingBehind() {
        for (String bad : List.of("-5m", "1s", "60d", "soon")) {
            String name = "bad-" + suffix();
            Api.Response refused = api.post("/api/v1/branches", Map.of("name", name, "template", template,
                    "idleSuspend", bad));
            assertThat(refused.status()).as(bad).isEqualTo(400);
            assertThat(refused.code()).isEqualTo("INVALID_IDLE_SUSPEND");
            assertThat(api.get("/api/v1/branches/" + name).status()).isEqualTo(404);
            assertThat(containers(name)).isEmpty();
        }
        String templateName = "bad-" + suffix();
        assertThat(api.post("/api/v1/templates", Map.of("name", templateName, "idleSuspend", "-1h")).code())
                .isEqualTo("INVALID_IDLE_SUSPEND");
        assertThat(api.get("/api/v1/templates/" + templateName).status()).isEqualTo(404);
        assertThat(api.patch("/api/v1/templates/" + template, Map.of("idleSuspend", "")).code())
                .isEqualTo("INVALID_IDLE_SUSPEND");
        JsonNode branch = create("keep-" + suffix(), Map.of("idleSuspend", "1h"));
        Api.Response patched = api.patch("/api/v1/branches/" + name(branch), Map.of("idleSuspend", "PT-5M"));
        assertThat(patched.status()).isEqualTo(400);
        assertThat(patched.code()).isEqualTo("INVALID_IDLE_SUSPEND");
        assertThat(idleOf(api.get("/api/v1/branches/" + name(branch)).body())).isEqualTo("PT1H from branch");
    }

    private static String idleOf(JsonNode branch) {
        return branch.get("idleSuspend").asString() + " from " + branch.get("idleSuspendFrom").asString();
    }

    private JsonNode create(String name, Map<String, Object> settings) {
        Map<String, Object> body = new java.util.HashMap<>(Map.of("name", name, "template", template));
        body.putAll(settings);
        Api.Response created = api.post("/api/v1/branches", body);
        assertThat(created.status()).as(String.valueOf(created.body())).isEqualTo(201);
        return created.body();
    }

    private JsonNode create(String name) {
        Api.Response created = api.post("/api/v1/branches", Map.of("name", name, "template", template));
        assertThat(created.status()).as(String.valueOf(created.body())).isEqualTo(201);
        return created.body();
    }

    private String status(JsonNode branch) {
        return api.get("/api/v1/branches/" + name(branch)).body().get("status").asString();
    }

    private static String name(JsonNode branch) {
        return branch.get("name").asString();
    }

    private static Connection connect(JsonNode branch) throws SQLException {
        JsonNode c = branch.get("connection");
        return DriverManager.getConnection(c.get("jdbcUrl").asString(), c.get("user").asString(),
                c.get("password").asString());
    }

    private static void sql(JsonNode branch, String sql) throws SQLException {
        try (Connection c = connect(branch); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private static List<String> containerStates(String branch) {
        return containers(branch).stream().map(c -> c.getState()).toList();
    }

    private static List<String> containerIds(String branch) {
        return containers(branch).stream().map(c -> c.getId()).toList();
    }

    private static List<com.github.dockerjava.api.model.Container> containers(String branch) {
        return TestDocker.client().listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(Labels.INSTANCE, INSTANCE_ID, Labels.BRANCH_NAME, branch)).exec();
    }

    /** The engine's own record: how often the container was started since then. */
    private static long starts(String container, Instant since) throws InterruptedException {
        List<Event> events = new ArrayList<>();
        TestDocker.client().eventsCmd().withContainerFilter(container).withEventFilter("start")
                .withSince(since.getEpochSecond() + "." + String.format("%09d", since.getNano()))
                .withUntil(String.valueOf(Instant.now().getEpochSecond() + 1))
                .exec(new com.github.dockerjava.api.async.ResultCallback.Adapter<Event>() {
                    @Override
                    public void onNext(Event event) {
                        events.add(event);
                    }
                }).awaitCompletion(10, TimeUnit.SECONDS);
        return events.size();
    }

    static String suffix() {
        return UUID.randomUUID().toString().substring(0, 6);
    }
}
