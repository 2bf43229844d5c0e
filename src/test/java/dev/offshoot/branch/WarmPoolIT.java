package dev.offshoot.branch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.ScheduledAnnotationBeanPostProcessor;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import dev.offshoot.Api;
import dev.offshoot.IntegrationTest;
import dev.offshoot.Scrape;
import dev.offshoot.TestDocker;
import dev.offshoot.runtime.Labels;
import tools.jackson.databind.JsonNode;

/**
 * Warm pools end to end: a create takes a parked member (the same row and container) with fresh
 * passwords, the pool refills, a new revision replaces its members, size 0 drains it, and members
 * never show as branches. A store and an instance id of its own, so only this class's filler and
 * reconciler act on its pools.
 */
@TestPropertySource(properties = {"offshoot.runtime.port-range-start=24750", "offshoot.runtime.port-range-end=24799",
        "offshoot.pool.refill-interval=300ms", "offshoot.pool.starts-per-tick=2", "offshoot.reaper.reconcile-interval=1s"})
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WarmPoolIT {

    static final String INSTANCE = "wp" + UUID.randomUUID().toString().substring(0, 8);
    static final Duration DEADLINE = Duration.ofSeconds(60);

    @DynamicPropertySource
    static void isolated(DynamicPropertyRegistry registry) {
        IntegrationTest.isolated(registry, "warmpool", INSTANCE);
    }

    @Autowired
    ScheduledAnnotationBeanPostProcessor scheduling;

    @Autowired
    JdbcTemplate jdbc;

    @LocalServerPort
    int port;

    Api api;

    @BeforeAll
    void client() {
        api = new Api(port, IntegrationTest.ADMIN_TOKEN);
    }

    /** Cancelled first, so no refill starts what the cleanup removes. */
    @AfterAll
    void removeInstance() {
        scheduling.destroy();
        TestDocker.removeEverythingOf(INSTANCE);
    }

    record Member(UUID id, String instanceHandle, String password, String superuserPassword, String readonlyPassword,
            int revision) {
    }

    @Test
    void aCreateTakesAParkedMemberWithFreshPasswordsAndThePoolRefills() throws Exception {
        String template = template("claim");
        resize(template, 2);
        List<Member> parked = awaitParked(template, 1, 2);
        String claims = "offshoot_pool_claim_seconds_count{outcome=\"claimed\"}";
        double claimedBefore = Scrape.of(port, IntegrationTest.ADMIN_TOKEN).value(claims);

        JsonNode branch = api.post("/api/v1/branches", Map.of("name", "claimed-" + suffix(), "template", template,
                "labels", Map.of("pr", "7"))).body();

        Member taken = parked.stream().filter(m -> m.id().toString().equals(branch.get("id").asString()))
                .findFirst().orElseThrow(() -> new AssertionError("not a pool member: " + branch));
        assertThat(branch.get("status").asString()).isEqualTo("READY");
        assertThat(branch.get("labels").get("pr").asString()).isEqualTo("7");
        assertThat(containerOf(taken.id())).isEqualTo(taken.instanceHandle());
        JsonNode connection = branch.get("connection");
        String password = connection.get("password").asString();
        assertThat(password).isNotEqualTo(taken.password());
        assertThat(branch.get("readOnlyConnection").get("password").asString()).isNotEqualTo(taken.readonlyPassword());
        assertThat(jdbc.queryForObject("SELECT superuser_password FROM branch WHERE id = ?", String.class, taken.id()))
                .isNotEqualTo(taken.superuserPassword());
        String url = connection.get("jdbcUrl").asString();
        String user = connection.get("user").asString();
        assertThat(count(url, user, password, "SELECT count(*) FROM seed")).isEqualTo(1);
        assertThatThrownBy(() -> count(url, user, taken.password(), "SELECT 1")).isInstanceOf(SQLException.class);
        assertThatThrownBy(() -> count(url, "postgres", taken.superuserPassword(), "SELECT 1"))
                .isInstanceOf(SQLException.class);

        List<Member> refilled = awaitParked(template, 1, 2);
        assertThat(refilled).extracting(Member::id).doesNotContain(taken.id());
        assertThat(Scrape.of(port, IntegrationTest.ADMIN_TOKEN).value(claims)).as("the claim's timer")
                .isGreaterThanOrEqualTo(claimedBefore + 1);
    }

    @Test
    void twoCreatesRacingForOneMemberBothGetABranchAndOnlyOneGetsTheMember() throws Exception {
        String template = template("race");
        resize(template, 1);
        Member member = awaitParked(template, 1, 1).getFirst();

        List<JsonNode> created;
        try (var executor = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            var a = executor.submit(() -> api.post("/api/v1/branches", Map.of("name", "race-a-" + suffix(),
                    "template", template)).body());
            var b = executor.submit(() -> api.post("/api/v1/branches", Map.of("name", "race-b-" + suffix(),
                    "template", template)).body());
            created = List.of(a.get(), b.get());
        }

        assertThat(created).allSatisfy(c -> assertThat(c.get("status").asString()).as(c.toString()).isEqualTo("READY"));
        assertThat(created).extracting(c -> c.get("id").asString()).doesNotHaveDuplicates();
        assertThat(created).filteredOn(c -> c.get("id").asString().equals(member.id().toString())).hasSize(1);
    }

    @Test
    void lookingUpOrTakingAPoolMembersNameFindsNothing() {
        String template = template("hidden");
        resize(template, 1);
        Member member = awaitParked(template, 1, 1).getFirst();
        String memberName = jdbc.queryForObject("SELECT name FROM branch WHERE id = ?", String.class, member.id());

        JsonNode list = api.get("/api/v1/branches").body().get("items");

        assertThat(list.findValuesAsString("name")).noneMatch(n -> n.startsWith(WarmPool.NAME_PREFIX));
        assertThat(list.findValuesAsString("id")).doesNotContain(member.id().toString());
        assertThat(api.get("/api/v1/branches?status=POOLED").code()).isEqualTo("INVALID_FILTER");
        assertThat(api.get("/api/v1/branches/" + memberName).status()).isEqualTo(404);
        assertThat(api.delete("/api/v1/branches/" + memberName).status()).isEqualTo(404);
        assertThat(api.post("/api/v1/branches", Map.of("name", memberName, "template", template)).code())
                .isEqualTo("INVALID_NAME");
        JsonNode view = api.get("/api/v1/templates/" + template).body();
        assertThat(view.get("branchCount").asLong()).isZero();
        assertThat(view.get("poolSize").asInt()).isEqualTo(1);
        assertThat(view.get("poolReady").asInt()).isEqualTo(1);
    }

    @Test
    void aNewRevisionReplacesTheMembersAndSizeZeroDrainsThePool() {
        String template = template("revision");
        resize(template, 2);
        List<Member> first = awaitParked(template, 1, 2);

        Api.Response refreshed = api.postSql("/api/v1/templates/" + template + "/refresh", Map.of(),
                Map.of("seed.sql", "CREATE TABLE seed (id int); INSERT INTO seed VALUES (1), (2);".getBytes()));
        assertThat(refreshed.status()).as(String.valueOf(refreshed.body())).isEqualTo(200);

        awaitParked(template, 2, 2);
        await().atMost(DEADLINE).untilAsserted(() -> assertThat(first).allSatisfy(m -> {
            assertThat(status(m.id())).isEqualTo("DELETED");
            assertThat(TestDocker.containersOf(INSTANCE)).noneMatch(c -> c.getId().equals(m.instanceHandle()));
        }));

        resize(template, 0);
        await().atMost(DEADLINE).untilAsserted(() -> {
            assertThat(members(template)).isEmpty();
            assertThat(TestDocker.containersOf(INSTANCE)).noneMatch(c -> template.equals(c.getLabels().get(
                    Labels.TEMPLATE)) && "branch".equals(c.getLabels().get(Labels.KIND)));
        });
        // discarded members are not deleted branches of anybody either
        assertThat(api.get("/api/v1/branches?status=DELETED").body().get("items").findValuesAsString("name"))
                .noneMatch(n -> n.startsWith(WarmPool.NAME_PREFIX));
    }

    /** As after an engine restart or a crash: the reconciler deletes the member, the filler replaces it. */
    @Test
    void aMemberWhoseContainerDiedIsDeletedAndReplaced() {
        String template = template("died");
        resize(template, 1);
        Member member = awaitParked(template, 1, 1).getFirst();

        TestDocker.client().removeContainerCmd(member.instanceHandle()).withForce(true).exec();

        await().atMost(DEADLINE).untilAsserted(() -> assertThat(status(member.id())).isEqualTo("DELETED"));
        assertThat(awaitParked(template, 1, 1)).extracting(Member::id).doesNotContain(member.id());
    }

    @Test
    void deletingATemplateRemovesItsPool() {
        String template = template("deleted");
        resize(template, 1);
        Member member = awaitParked(template, 1, 1).getFirst();

        assertThat(api.delete("/api/v1/templates/" + template).status()).isEqualTo(204);

        assertThat(TestDocker.containersOf(INSTANCE)).noneMatch(c -> c.getId().equals(member.instanceHandle()));
    }

    @Test
    void aPoolSizeOutOfRangeIsRefused() {
        String template = template("size");

        assertThat(api.patch("/api/v1/templates/" + template, Map.of("poolSize", -1)).code())
                .isEqualTo("INVALID_POOL_SIZE");
        assertThat(api.patch("/api/v1/templates/" + template, Map.of("poolSize", 1000)).code())
                .isEqualTo("INVALID_POOL_SIZE");
    }

    private String template(String prefix) {
        String name = "pool-" + prefix + "-" + suffix();
        Api.Response created = api.postSql("/api/v1/templates", Map.of("name", name), Map.of("seed.sql",
                "CREATE TABLE seed (id int); INSERT INTO seed VALUES (1);".getBytes()));
        assertThat(created.status()).as(String.valueOf(created.body())).isEqualTo(201);
        return name;
    }

    private void resize(String template, int size) {
        Api.Response resized = api.patch("/api/v1/templates/" + template, Map.of("poolSize", size));
        assertThat(resized.status()).as(String.valueOf(resized.body())).isEqualTo(200);
        assertThat(resized.body().get("poolSize").asInt()).isEqualTo(size);
    }

    /** Waits until exactly {@code size} members of {@code revision} are parked and no other is left. */
    private List<Member> awaitParked(String template, int revision, int size) {
        return await().atMost(DEADLINE).until(() -> members(template), members -> members.size() == size
                && members.stream().allMatch(m -> m.revision() == revision && m.instanceHandle() != null));
    }

    private List<Member> members(String template) {
        return jdbc.query("SELECT b.id, b.instance_handle, b.password, b.superuser_password, b.readonly_password,"
                + " b.template_revision FROM branch b JOIN template t ON t.id = b.template_id"
                + " WHERE t.name = ? AND b.status = 'POOLED'", (rs, i) -> new Member(rs.getObject(1, UUID.class),
                        rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getInt(6)), template);
    }

    private String status(UUID id) {
        return jdbc.queryForList("SELECT status FROM branch WHERE id = ?", String.class, id).stream().findFirst()
                .orElse("DELETED");
    }

    private static String containerOf(UUID branchId) {
        return TestDocker.containersOf(INSTANCE).stream()
                .filter(c -> branchId.toString().equals(c.getLabels().get(Labels.BRANCH_ID)))
                .findFirst().orElseThrow().getId();
    }

    private static long count(String url, String user, String password, String sql) throws SQLException {
        try (var c = DriverManager.getConnection(url, user, password); var st = c.createStatement();
                var rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String suffix() {
        return UUID.randomUUID().toString().substring(0, 6);
    }
}
