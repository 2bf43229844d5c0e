package dev.offshoot.reaper;

import static dev.offshoot.IntegrationTest.ADMIN_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.scheduling.annotation.ScheduledAnnotationBeanPostProcessor;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.offshoot.Api;
import dev.offshoot.IntegrationTest;
import dev.offshoot.TestDocker;
import dev.offshoot.branch.BranchTestSupport;

/**
 * Reaping end to end: signed webhooks, TTL and idle sweeps, protection, and the reconciler's
 * repairs. A store and an instance id of its own, so the sweeps and the reconciler see only this
 * class's branches.
 */
@TestPropertySource(properties = {"offshoot.runtime.port-range-start=23500", "offshoot.runtime.port-range-end=23599",
        "offshoot.reaper.github-secret=" + ReaperIT.SECRET, "offshoot.reaper.gitlab-token=" + ReaperIT.GITLAB_TOKEN,
        "offshoot.reaper.github-secrets[acme/team-a]=" + ReaperIT.TEAM_A_SECRET,
        "offshoot.reaper.github-secrets[acme/team-b]=" + ReaperIT.TEAM_B_SECRET,
        "offshoot.reaper.sweep-interval=500ms", "offshoot.reaper.reconcile-interval=1s",
        "offshoot.reaper.max-ttl=30d", "offshoot.reaper.idle-timeout=4s", "offshoot.reaper.idle-action=stop",
        "offshoot.runtime.ready-timeout=20s", "offshoot.gateway.idle-check-interval=500ms"})
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReaperIT {

    static final String SECRET = "it-webhook-secret";
    static final String GITLAB_TOKEN = "it-gitlab-token";
    static final String TEAM_A_SECRET = "it-team-a-secret";
    static final String TEAM_B_SECRET = "it-team-b-secret";
    static final String INSTANCE = "rp" + UUID.randomUUID().toString().substring(0, 8);
    static final Duration DEADLINE = Duration.ofSeconds(30);

    @DynamicPropertySource
    static void isolated(DynamicPropertyRegistry registry) {
        IntegrationTest.isolated(registry, "reaper", INSTANCE);
    }

    @AfterAll
    void removeInstance() {
        scheduling.destroy();
        TestDocker.removeEverythingOf(INSTANCE);
    }

    /** Cancelled first, so no sweep or reconcile recreates what the cleanup removes. */
    @Autowired
    ScheduledAnnotationBeanPostProcessor scheduling;

    @LocalServerPort
    int port;

    @Autowired
    JdbcTemplate jdbc;

    Api api;
    static String template;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void template() {
        api = new Api(port, ADMIN_TOKEN);
        if (template == null) {
            template = "reap-" + suffix();
            assertThat(api.post("/api/v1/templates", Map.of("name", template)).status()).isEqualTo(201);
        }
    }

    @Test
    void mergedPullRequestReapsItsBranchesOnlyAndForgeriesReapNothing() throws Exception {
        String repo = "acme/shop-" + suffix();
        String pr1 = branch(Map.of("repo", repo, "pr", "1"), false);
        String pr1Protected = branch(Map.of("repo", repo, "pr", "1"), true);
        String pr2 = branch(Map.of("repo", repo, "pr", "2"), false);
        String otherRepo = branch(Map.of("repo", repo + "-other", "pr", "1"), false);
        byte[] closed = pullRequest(repo, 1, "closed", true);
        String delivery = UUID.randomUUID().toString();

        HttpResponse<String> forged = github("pull_request", delivery, closed,
                WebhookSignatures.githubHeader("not-the-secret", closed));
        HttpResponse<String> unsigned = github("pull_request", delivery, closed, null);
        assertThat(forged.statusCode()).isEqualTo(401);
        assertThat(unsigned.statusCode()).isEqualTo(401);
        assertThat(forged.body()).doesNotContain(SECRET);
        assertLive(pr1, pr1Protected, pr2, otherRepo);

        HttpResponse<String> signed = github("pull_request", delivery, closed, WebhookSignatures.githubHeader(SECRET, closed));
        assertThat(signed.statusCode()).as(signed.body()).isEqualTo(200);
        JsonNode result = JsonMapper.shared().readTree(signed.body());
        assertThat(result.get("outcome").asString()).isEqualTo("reaped");
        assertThat(result.get("reaped")).extracting(JsonNode::asString).containsExactly(pr1);
        assertThat(result.get("kept")).extracting(JsonNode::asString).containsExactly(pr1Protected);
        assertThat(api.get("/api/v1/branches/" + pr1).status()).isEqualTo(404);
        assertLive(pr1Protected, pr2, otherRepo);

        HttpResponse<String> redelivered = github("pull_request", delivery, closed,
                WebhookSignatures.githubHeader(SECRET, closed));
        assertThat(redelivered.statusCode()).isEqualTo(200);
        assertThat(JsonMapper.shared().readTree(redelivered.body()).get("outcome").asString()).isEqualTo("duplicate");
        assertLive(pr1Protected, pr2, otherRepo);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM reap_event WHERE reason = 'pr_closed' AND branch_name = ?",
                Long.class, pr1)).isEqualTo(1);

        byte[] closedUnmerged = pullRequest(repo, 2, "closed", false);
        HttpResponse<String> unmerged = github("pull_request", UUID.randomUUID().toString(), closedUnmerged,
                WebhookSignatures.githubHeader(SECRET, closedUnmerged));
        assertThat(JsonMapper.shared().readTree(unmerged.body()).get("reaped")).isEmpty();
        assertLive(pr2);

        byte[] ping = "{\"zen\":\"Keep it logically awesome.\"}".getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> pong = github("ping", UUID.randomUUID().toString(), ping,
                WebhookSignatures.githubHeader(SECRET, ping));
        assertThat(JsonMapper.shared().readTree(pong.body()).get("outcome").asString()).isEqualTo("pong");
    }

    /** One leaked secret reaps only its own repository's branches. */
    @Test
    void aRepositoryWithItsOwnSecretAcceptsOnlyThatSecret() throws Exception {
        int number = 1000 + (int) (Math.random() * 100_000);
        String mine = branch(Map.of("repo", "acme/team-a", "pr", String.valueOf(number)), false);
        byte[] closed = pullRequest("acme/team-a", number, "closed", true);

        HttpResponse<String> global = github("pull_request", UUID.randomUUID().toString(), closed,
                WebhookSignatures.githubHeader(SECRET, closed));
        HttpResponse<String> otherTeams = github("pull_request", UUID.randomUUID().toString(), closed,
                WebhookSignatures.githubHeader(TEAM_B_SECRET, closed));
        assertThat(global.statusCode()).as(global.body()).isEqualTo(401);
        assertThat(otherTeams.statusCode()).as(otherTeams.body()).isEqualTo(401);
        assertThat(otherTeams.body()).doesNotContain(TEAM_A_SECRET).doesNotContain(TEAM_B_SECRET);
        assertLive(mine);

        HttpResponse<String> own = github("pull_request", UUID.randomUUID().toString(), closed,
                WebhookSignatures.githubHeader(TEAM_A_SECRET, closed));
        assertThat(own.statusCode()).as(own.body()).isEqualTo(200);
        assertThat(JsonMapper.shared().readTree(own.body()).get("reaped")).extracting(JsonNode::asString)
                .containsExactly(mine);
    }

    /**
     * The delivery id is not signed: a captured delivery sent again under a new id, or without one,
     * is still the same delivery and does nothing, even to a branch made for the same pull request
     * since; so does a signed event from longer ago than the delivery window.
     */
    @Test
    void aReplayedDeliveryDoesNothingUnderANewIdOrWithoutOne() throws Exception {
        String repo = "acme/replay-" + suffix();
        String first = branch(Map.of("repo", repo, "pr", "3"), false);
        byte[] closed = pullRequest(repo, 3, "closed", true);
        String signature = WebhookSignatures.githubHeader(SECRET, closed);
        HttpResponse<String> delivered = github("pull_request", UUID.randomUUID().toString(), closed, signature);
        assertThat(JsonMapper.shared().readTree(delivered.body()).get("reaped")).extracting(JsonNode::asString)
                .containsExactly(first);
        String again = branch(Map.of("repo", repo, "pr", "3"), false);

        HttpResponse<String> newId = github("pull_request", UUID.randomUUID().toString(), closed, signature);
        HttpResponse<String> noId = github("pull_request", null, closed, signature);
        byte[] old = ("{\"action\":\"closed\",\"number\":3,\"pull_request\":{\"number\":3,\"merged\":true,"
                + "\"closed_at\":\"2020-01-01T00:00:00Z\"},\"repository\":{\"full_name\":\"" + repo + "\"}}")
                .getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> stale = github("pull_request", UUID.randomUUID().toString(), old,
                WebhookSignatures.githubHeader(SECRET, old));

        assertThat(newId.statusCode()).isEqualTo(200);
        assertThat(JsonMapper.shared().readTree(newId.body()).get("outcome").asString()).isEqualTo("duplicate");
        assertThat(JsonMapper.shared().readTree(noId.body()).get("outcome").asString()).isEqualTo("duplicate");
        assertThat(stale.statusCode()).isEqualTo(200);
        assertThat(JsonMapper.shared().readTree(stale.body()).get("outcome").asString()).isEqualTo("stale");
        assertLive(again);
    }

    @Test
    void gitlabMergeRequestHookNeedsTheToken() throws Exception {
        String repo = "grp/app-" + suffix();
        String mr = branch(Map.of("repo", repo, "pr", "5"), false);
        byte[] hook = ("{\"object_kind\":\"merge_request\",\"project\":{\"path_with_namespace\":\"" + repo
                + "\"},\"object_attributes\":{\"action\":\"merge\",\"iid\":5}}").getBytes(StandardCharsets.UTF_8);

        assertThat(gitlab(hook, "wrong").statusCode()).isEqualTo(401);
        assertLive(mr);
        HttpResponse<String> merged = gitlab(hook, GITLAB_TOKEN);
        assertThat(merged.statusCode()).as(merged.body()).isEqualTo(200);
        assertThat(api.get("/api/v1/branches/" + mr).status()).isEqualTo(404);
    }

    @Test
    void expiredBranchGoesWithinTheIntervalAndProtectedOneStays() throws Exception {
        String expiring = create(Map.of("ttl", "2s")).get("name").asString();
        String protectedOne = create(Map.of("ttl", "2s", "protectedBranch", true)).get("name").asString();

        await().atMost(Duration.ofSeconds(10)).until(() -> api.get("/api/v1/branches/" + expiring).status() == 404);
        Instant reapedAt = jdbc.queryForObject("SELECT at FROM reap_event WHERE branch_name = ? AND reason = 'ttl'",
                java.sql.Timestamp.class, expiring).toInstant();
        System.out.println("TTL reap: expired 2 s after create, reaped at " + reapedAt);

        // the protected one expired just as long ago and has been through several sweeps since
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                .until(() -> api.get("/api/v1/branches/" + protectedOne).status() == 200);
        assertThat(TestDocker.client().listContainersCmd().withShowAll(true).exec().toString())
                .doesNotContain(expiring + "-");
        assertThat(scrape()).contains("offshoot_reaper_reaped_total{action=\"delete\",reason=\"ttl\"");
    }

    @Test
    void expiryCanBeExtendedUpToTheMaximum() {
        String name = create(Map.of("ttl", "3s")).get("name").asString();

        Api.Response extended = api.patch("/api/v1/branches/" + name, Map.of("ttl", "1h"));
        assertThat(extended.status()).as(extended.body().toString()).isEqualTo(200);
        assertThat(Instant.parse(extended.body().get("expiresAt").asString()))
                .isAfter(Instant.now().plus(Duration.ofMinutes(59)));
        Api.Response tooLong = api.patch("/api/v1/branches/" + name, Map.of("ttl", "31d"));
        assertThat(tooLong.status()).isEqualTo(400);
        assertThat(tooLong.code()).isEqualTo("INVALID_EXPIRY");

        await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(6))
                .until(() -> api.get("/api/v1/branches/" + name).status() == 200);
    }

    @Test
    void idleBranchIsStoppedAndAComebackStartsItWithItsData() throws Exception {
        Map<String, Object> request = new HashMap<>(Map.of("name", "idle-" + suffix(), "template", template));
        JsonNode branch = api.post("/api/v1/branches", request).body();
        BranchTestSupport.sql(branch, "CREATE TABLE kept (id int); INSERT INTO kept VALUES (1)");
        String name = branch.get("name").asString();

        try (Connection held = BranchTestSupport.connect(branch)) {
            await().during(Duration.ofSeconds(6)).atMost(Duration.ofSeconds(8))
                    .until(() -> status(name).equals("READY"));
        }
        await().atMost(DEADLINE).until(() -> status(name).equals("SUSPENDED"));

        Api.Response again = api.post("/api/v1/branches", request);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.body().get("status").asString()).isEqualTo("READY");
        assertThat(again.body().get("connection")).isEqualTo(branch.get("connection"));
        assertThat(BranchTestSupport.count(branch, "SELECT count(*) FROM kept")).isEqualTo(1);
    }

    @Test
    void reconcilerRestartsStoppedContainersRecreatesMissingOnesAndRemovesOrphans() throws Exception {
        JsonNode stopped = create(Map.of("protectedBranch", true));
        JsonNode removed = create(Map.of("protectedBranch", true));
        JsonNode orphaned = create(Map.of("protectedBranch", true));
        BranchTestSupport.sql(stopped, "CREATE TABLE survives (id int)");
        String removedContainer = containerOf(removed);
        String orphanContainer = containerOf(orphaned);

        long start = System.nanoTime();
        TestDocker.client().stopContainerCmd(containerOf(stopped)).exec();
        TestDocker.client().removeContainerCmd(removedContainer).withForce(true).exec();
        jdbc.update("DELETE FROM branch WHERE id = ?::uuid", orphaned.get("id").asString());

        await().atMost(DEADLINE).ignoreExceptions()
                .until(() -> BranchTestSupport.count(stopped, "SELECT count(*) FROM survives") == 0);
        await().atMost(DEADLINE).ignoreExceptions().until(() -> BranchTestSupport.count(removed, "SELECT 1") == 1);
        // the new container answers a moment before its row records it
        await().atMost(DEADLINE).until(() -> !containerOf(removed).equals(removedContainer));
        await().atMost(DEADLINE).until(() -> TestDocker.containersOf(INSTANCE).stream()
                .noneMatch(c -> c.getId().equals(orphanContainer)));
        System.out.printf("reconciler repaired a stopped, a removed and an orphan container in %d ms%n",
                (System.nanoTime() - start) / 1_000_000);
        assertThat(containerOf(removed)).isNotEqualTo(removedContainer);
        assertThat(api.get("/api/v1/branches/" + removed.get("name").asString()).body().get("connection"))
                .isEqualTo(removed.get("connection"));
    }

    // ---------------------------------------------------------------- helpers

    private String branch(Map<String, String> labels, boolean isProtected) {
        return create(Map.of("labels", labels, "protectedBranch", isProtected)).get("name").asString();
    }

    private JsonNode create(Map<String, Object> extra) {
        Map<String, Object> request = new HashMap<>(extra);
        request.put("name", "b-" + suffix());
        request.put("template", template);
        Api.Response created = api.post("/api/v1/branches", request);
        assertThat(created.status()).as(String.valueOf(created.body())).isEqualTo(201);
        return created.body();
    }

    private String status(String name) {
        return api.get("/api/v1/branches/" + name).body().get("status").asString();
    }

    private String containerOf(JsonNode branch) {
        return jdbc.queryForObject("SELECT instance_handle FROM branch WHERE id = ?::uuid", String.class,
                branch.get("id").asString());
    }

    private void assertLive(String... names) {
        for (String name : names) {
            assertThat(api.get("/api/v1/branches/" + name).status()).as(name).isEqualTo(200);
        }
    }

    static byte[] pullRequest(String repo, int number, String action, boolean merged) {
        return ("{\"action\":\"" + action + "\",\"number\":" + number + ",\"pull_request\":{\"number\":" + number
                + ",\"merged\":" + merged + "},\"repository\":{\"full_name\":\"" + repo + "\"}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private HttpResponse<String> github(String event, String delivery, byte[] body, String signature) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port
                + "/api/v1/webhooks/github")).header("Content-Type", "application/json")
                .header("X-GitHub-Event", event)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (delivery != null) {
            request.header("X-GitHub-Delivery", delivery);
        }
        if (signature != null) {
            request.header("X-Hub-Signature-256", signature);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> gitlab(byte[] body, String token) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/webhooks/gitlab"))
                .header("Content-Type", "application/json").header("X-Gitlab-Event", "Merge Request Hook")
                .header("X-Gitlab-Token", token).header("X-Gitlab-Event-UUID", UUID.randomUUID().toString())
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private String scrape() throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/prometheus"))
                .header("Authorization", "Bearer " + IntegrationTest.ADMIN_TOKEN).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    static String suffix() {
        return UUID.randomUUID().toString().substring(0, 6);
    }
}
