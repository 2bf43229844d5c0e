package dev.offshoot.replica;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.Event;
import com.github.dockerjava.api.model.EventType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import dev.offshoot.Api;
import dev.offshoot.IntegrationTest;
import dev.offshoot.ServiceProcess;
import dev.offshoot.TestDocker;
import tools.jackson.databind.JsonNode;

/**
 * Two replicas of the service, two processes with their own HTTP ports and the same instance id,
 * against one metadata store and one engine: the same names created and deleted from both at
 * once, a suspended branch woken from both, and the leader SIGKILLed in the middle of a sweep; at
 * the end rows, containers, ports and data directories agree, and every branch still answers.
 */
class ReplicasIT {

    static final String INSTANCE = "rp" + UUID.randomUUID().toString().substring(0, 8);
    static final ExecutorService CALLS = Executors.newFixedThreadPool(12);

    @AfterAll
    static void removeInstance() {
        CALLS.shutdownNow();
        TestDocker.removeEverythingOf(INSTANCE);
    }

    @Test
    void twoReplicasShareNamesBranchesAndOneLeader() throws Exception {
        String db = IntegrationTest.freshDatabase("replicas");
        Observed store = new Observed(db, INSTANCE);
        List<String> args = List.of("--spring.datasource.url=" + db,
                "--spring.datasource.username=" + IntegrationTest.METADATA.getUsername(),
                "--spring.datasource.password=" + IntegrationTest.METADATA.getPassword(),
                "--offshoot.runtime.instance-id=" + INSTANCE, "--offshoot.runtime.port-range-start=24650",
                "--offshoot.runtime.port-range-end=24699", "--offshoot.reaper.sweep-interval=1s",
                "--offshoot.reaper.reconcile-interval=1s", "--offshoot.replicas.leader-check-interval=500ms");
        ServiceProcess a = new ServiceProcess("replica-a", args);
        ServiceProcess b = new ServiceProcess("replica-b", args);
        try (a; b) {
            // both at once: Flyway's own lock lets one of them migrate the fresh store
            CompletableFuture.allOf(CompletableFuture.runAsync(() -> start(a), CALLS),
                    CompletableFuture.runAsync(() -> start(b), CALLS)).get(3, TimeUnit.MINUTES);
            Api apiA = Api.concurrent(a.port, IntegrationTest.ADMIN_TOKEN);
            Api apiB = Api.concurrent(b.port, IntegrationTest.ADMIN_TOKEN);
            assertThat(apiA.post("/api/v1/templates", Map.of("name", "rp")).status()).isEqualTo(201);
            assertThat(apiB.get("/api/v1/templates/rp").status()).as("the other replica sees it").isEqualTo(200);

            createsOfOneNameFromBothGiveOneBranch(apiA, apiB, store);
            deletesOfOneNameFromBothDeleteItOnce(apiA, apiB, store);
            List<JsonNode> kept = new ArrayList<>(createsRacingDeletesEndAsTheirAnswersSay(apiA, apiB, store));
            JsonNode sleepy = aSuspendedBranchWokenFromBothStartsOnce(apiA, apiB, store);
            kept.add(sleepy);
            aSuspendedBranchConnectedToThroughBothGatewaysStartsOnce(sleepy, a, b, apiA, store);
            aCancelThatReachesTheOtherReplicaStopsTheQuery(sleepy, a, b);
            ServiceProcess survivor = aLeaderKilledMidSweepIsTakenOverAndTheSweepFinished(a, b, apiA, apiB, store);

            store.assertConsistent();
            for (JsonNode branch : kept) {
                assertThat(selectOne(branch, survivor.gatewayPort)).as("branch %s answers",
                        branch.get("name").asString()).isEqualTo(1);
            }
        }
    }

    /** Exactly one create per name wins; the other replica's create answers the same branch. */
    private void createsOfOneNameFromBothGiveOneBranch(Api apiA, Api apiB, Observed store) throws Exception {
        List<CompletableFuture<List<Api.Response>>> calls = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            Map<String, Object> body = Map.of("name", "dup-" + i, "template", "rp");
            calls.add(both(api -> api.post("/api/v1/branches", body), apiA, apiB));
        }
        for (int i = 0; i < 6; i++) {
            List<Api.Response> answers = calls.get(i).get(2, TimeUnit.MINUTES);
            assertThat(answers).extracting(Api.Response::status).as("dup-%d", i).containsExactlyInAnyOrder(201, 200);
            assertThat(answers.get(0).body().get("id").asString()).as("dup-%d: one branch", i)
                    .isEqualTo(answers.get(1).body().get("id").asString());
            assertThat(store.statuses("dup-" + i)).containsExactly("READY");
        }
    }

    private void deletesOfOneNameFromBothDeleteItOnce(Api apiA, Api apiB, Observed store) throws Exception {
        List<CompletableFuture<List<Api.Response>>> calls = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String path = "/api/v1/branches/dup-" + i;
            calls.add(both(api -> api.delete(path), apiA, apiB));
        }
        for (int i = 0; i < 3; i++) {
            assertThat(calls.get(i).get(2, TimeUnit.MINUTES)).extracting(Api.Response::status)
                    .as("dup-%d", i).containsExactlyInAnyOrder(204, 404);
            assertThat(store.statuses("dup-" + i)).containsExactly("DELETED");
        }
    }

    /**
     * One replica deletes a name while the other creates it: either the create came first (it
     * answers the existing branch, which the delete then removes) or the delete did (the create
     * makes a new branch, which stays). Nothing else.
     */
    private List<JsonNode> createsRacingDeletesEndAsTheirAnswersSay(Api apiA, Api apiB, Observed store)
            throws Exception {
        Map<String, CompletableFuture<Api.Response>> creates = new java.util.LinkedHashMap<>();
        Map<String, CompletableFuture<Api.Response>> deletes = new java.util.LinkedHashMap<>();
        for (int i = 3; i < 6; i++) {
            String name = "dup-" + i;
            Api creator = i % 2 == 0 ? apiA : apiB;
            Api deleter = creator == apiA ? apiB : apiA;
            creates.put(name, CompletableFuture.supplyAsync(() -> creator.post("/api/v1/branches",
                    Map.of("name", name, "template", "rp")), CALLS));
            deletes.put(name, CompletableFuture.supplyAsync(() -> deleter.delete("/api/v1/branches/" + name), CALLS));
        }
        List<JsonNode> alive = new ArrayList<>();
        for (String name : creates.keySet()) {
            assertThat(deletes.get(name).get(2, TimeUnit.MINUTES).status()).as("delete %s", name).isEqualTo(204);
            Api.Response created = creates.get(name).get(2, TimeUnit.MINUTES);
            if (created.status() == 201) {
                assertThat(store.statuses(name)).as(name).containsExactly("DELETED", "READY");
                alive.add(created.body());
            } else {
                assertThat(created.status()).as("create %s", name).isEqualTo(200);
                assertThat(store.statuses(name)).as(name).containsExactly("DELETED");
            }
        }
        return alive;
    }

    /**
     * A branch suspended while idle (as the idle reaper or the gateway's suspend leaves it), then
     * asked for from both replicas at once: both answer it READY, and its container started once.
     */
    private JsonNode aSuspendedBranchWokenFromBothStartsOnce(Api apiA, Api apiB, Observed store) throws Exception {
        JsonNode branch = apiA.post("/api/v1/branches", Map.of("name", "sleepy", "template", "rp")).body();
        String handle = (String) store.query("SELECT instance_handle FROM branch WHERE name = 'sleepy'"
                + " AND status = 'READY'").getFirst().get("instance_handle");
        TestDocker.client().stopContainerCmd(handle).withTimeout(10).exec();
        store.query("UPDATE branch SET status = 'SUSPENDED', status_since = now() WHERE name = 'sleepy'"
                + " AND status = 'READY'");
        Instant stopped = Instant.now();

        List<Api.Response> answers = both(api -> api.post("/api/v1/branches", Map.of("name", "sleepy",
                "template", "rp")), apiA, apiB).get(2, TimeUnit.MINUTES);

        assertThat(answers).extracting(Api.Response::status).containsExactly(200, 200);
        assertThat(answers).extracting(r -> r.body().get("status").asString()).containsOnly("READY");
        assertThat(starts(handle, stopped, Instant.now())).as("starts of its container").isEqualTo(1);
        return branch;
    }

    /**
     * The same branch suspended, then connected to through both replicas' gateways at once: the
     * wake on connect takes the branch's name lock in the store, so both sessions run and its
     * container started once.
     */
    private void aSuspendedBranchConnectedToThroughBothGatewaysStartsOnce(JsonNode branch, ServiceProcess a,
            ServiceProcess b, Api apiA, Observed store) throws Exception {
        Api.Response suspended = apiA.post("/api/v1/branches/sleepy/suspend", Map.of());
        assertThat(suspended.status()).isEqualTo(200);
        assertThat(suspended.body().get("status").asString()).isEqualTo("SUSPENDED");
        String handle = (String) store.query("SELECT instance_handle FROM branch WHERE name = 'sleepy'"
                + " AND status = 'SUSPENDED'").getFirst().get("instance_handle");
        Instant since = Instant.now();

        CompletableFuture<Integer> throughA = CompletableFuture.supplyAsync(() -> selectOne(branch, a.gatewayPort), CALLS);
        CompletableFuture<Integer> throughB = CompletableFuture.supplyAsync(() -> selectOne(branch, b.gatewayPort), CALLS);

        assertThat(throughA.get(2, TimeUnit.MINUTES)).as("through replica a's gateway").isEqualTo(1);
        assertThat(throughB.get(2, TimeUnit.MINUTES)).as("through replica b's gateway").isEqualTo(1);
        assertThat(store.statuses("sleepy")).contains("READY");
        assertThat(starts(handle, since, Instant.now())).as("starts of its container").isEqualTo(1);
    }

    /**
     * Six branches expire at once; while the leader's sweep deletes them it is SIGKILLed. The
     * other replica leads within a leader check, finishes the delete the dead one was in the middle
     * of, and sweeps the rest. Returns the replica left running.
     */
    private ServiceProcess aLeaderKilledMidSweepIsTakenOverAndTheSweepFinished(ServiceProcess a, ServiceProcess b,
            Api apiA, Api apiB, Observed store) throws Exception {
        List<CompletableFuture<Api.Response>> creates = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            Api api = i % 2 == 0 ? apiA : apiB;
            Map<String, Object> body = Map.of("name", "exp-" + i, "template", "rp");
            creates.add(CompletableFuture.supplyAsync(() -> api.post("/api/v1/branches", body), CALLS));
        }
        for (CompletableFuture<Api.Response> create : creates) {
            assertThat(create.get(2, TimeUnit.MINUTES).status()).isEqualTo(201);
        }
        Long leaderPid = store.leaderPid("");
        assertThat(leaderPid).as("a leader").isIn(a.pid(), b.pid());
        ServiceProcess leader = leaderPid == a.pid() ? a : b;
        ServiceProcess survivor = leader == a ? b : a;
        assertThat(leaderGauge(leader)).isEqualTo(1);
        assertThat(leaderGauge(survivor)).isEqualTo(0);

        store.query("UPDATE branch SET expires_at = now() - interval '1 second' WHERE name LIKE 'exp-%'");
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() ->
                store.query("SELECT 1 FROM branch WHERE name LIKE 'exp-%' AND status <> 'READY'").size() >= 1);
        leader.kill();
        long killed = System.nanoTime();
        int deletedAtKill = store.query("SELECT 1 FROM branch WHERE name LIKE 'exp-%' AND status = 'DELETED'").size();
        assertThat(deletedAtKill).as("deleted when the leader died: in the middle of its sweep").isLessThan(6);

        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                .until(() -> Long.valueOf(survivor.pid()).equals(store.leaderPid("")));
        long takeover = (System.nanoTime() - killed) / 1_000_000;
        assertThat(takeover).as("ms until the other replica leads (leader checks every 500 ms)").isLessThan(5_000);
        assertThat(leaderGauge(survivor)).isEqualTo(1);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() ->
                store.query("SELECT 1 FROM branch WHERE name LIKE 'exp-%' AND status <> 'DELETED'").isEmpty());
        System.out.printf("leader killed with %d of 6 expired branches deleted; the other led %d ms later;"
                + " all 6 deleted %d ms after the kill%n", deletedAtKill, takeover,
                (System.nanoTime() - killed) / 1_000_000);
        return survivor;
    }

    /** The same call on both replicas at once; the answers in the order of the replicas. */
    private static CompletableFuture<List<Api.Response>> both(Function<Api, Api.Response> call, Api apiA, Api apiB) {
        CompletableFuture<Api.Response> one = CompletableFuture.supplyAsync(() -> call.apply(apiA), CALLS);
        CompletableFuture<Api.Response> two = CompletableFuture.supplyAsync(() -> call.apply(apiB), CALLS);
        return one.thenCombine(two, List::of);
    }

    private static void start(ServiceProcess replica) {
        try {
            replica.start();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static int starts(String container, Instant since, Instant until) throws InterruptedException {
        List<Event> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        TestDocker.client().eventsCmd().withEventTypeFilter(EventType.CONTAINER).withContainerFilter(container)
                .withEventFilter("start").withSince(timestamp(since)).withUntil(timestamp(until.plusSeconds(1)))
                .exec(new ResultCallback.Adapter<Event>() {
                    @Override
                    public void onNext(Event event) {
                        events.add(event);
                    }
                }).awaitCompletion(30, TimeUnit.SECONDS);
        return events.size();
    }

    private static String timestamp(Instant instant) {
        return instant.getEpochSecond() + "." + String.format("%09d", instant.getNano());
    }

    /** offshoot_replica_leader as the replica's /actuator/prometheus shows it. */
    private static int leaderGauge(ServiceProcess replica) throws Exception {
        String text = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:"
                + replica.port + "/actuator/prometheus")).header("Authorization", "Bearer "
                + IntegrationTest.ADMIN_TOKEN).build(), HttpResponse.BodyHandlers.ofString()).body();
        return text.lines().filter(l -> l.startsWith("offshoot_replica_leader")).findFirst()
                .map(l -> (int) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).orElseThrow();
    }

    /**
     * A query running through replica a's gateway, and its CancelRequest sent to replica b's (as a
     * load balancer may): b passes it to a through the metadata store, and a to the branch.
     */
    private void aCancelThatReachesTheOtherReplicaStopsTheQuery(JsonNode branch, ServiceProcess a, ServiceProcess b)
            throws Exception {
        JsonNode c = branch.get("connection");
        String url = c.get("jdbcUrl").asString().replace(":" + c.get("port").asInt() + "/", ":" + a.gatewayPort + "/");
        try (Connection db = DriverManager.getConnection(url, c.get("user").asString(), c.get("password").asString());
                Statement st = db.createStatement()) {
            CompletableFuture<java.sql.SQLException> sleeping = CompletableFuture.supplyAsync(() -> {
                try {
                    st.execute("SELECT pg_sleep(60)");
                    return null;
                } catch (java.sql.SQLException e) {
                    return e;
                }
            }, CALLS);
            await().atMost(Duration.ofSeconds(10)).until(() -> sleepers(branch, b.gatewayPort) == 1);
            sendCancel(b.gatewayPort, db);

            java.sql.SQLException cancelled = sleeping.get(30, TimeUnit.SECONDS);
            assertThat((Object) cancelled).as("the query was cancelled").isNotNull();
            assertThat(cancelled.getSQLState()).isEqualTo("57014");
        }
    }

    /** Sessions of the branch running pg_sleep, seen through a gateway. */
    private static int sleepers(JsonNode branch, int gatewayPort) throws java.sql.SQLException {
        JsonNode c = branch.get("connection");
        String url = c.get("jdbcUrl").asString().replace(":" + c.get("port").asInt() + "/", ":" + gatewayPort + "/");
        try (Connection db = DriverManager.getConnection(url, c.get("user").asString(), c.get("password").asString());
                Statement st = db.createStatement(); ResultSet rs = st.executeQuery(
                        "SELECT count(*) FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(60)' AND state = 'active'")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** The CancelRequest pgjdbc would send for this connection, sent to another gateway. */
    private static void sendCancel(int gatewayPort, Connection db) throws Exception {
        var executor = db.unwrap(org.postgresql.core.BaseConnection.class).getQueryExecutor();
        // pgjdbc keeps the key it was given private: the test reads it to send it elsewhere
        java.lang.reflect.Field keyField = org.postgresql.core.QueryExecutorBase.class.getDeclaredField("cancelKey");
        keyField.setAccessible(true);
        byte[] key = (byte[]) keyField.get(executor);
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", gatewayPort)) {
            socket.getOutputStream().write(java.nio.ByteBuffer.allocate(12 + key.length).putInt(12 + key.length)
                    .putInt(80877102).putInt(executor.getBackendPID()).put(key).array());
        }
    }

    /**
     * SELECT 1 on the branch through the gateway of one replica (connection strings name the gateway
     * of the replica that answered; behind a load balancer they would name its address).
     */
    private static int selectOne(JsonNode branch, int gatewayPort) {
        JsonNode c = branch.get("connection");
        String url = c.get("jdbcUrl").asString().replace(":" + c.get("port").asInt() + "/", ":" + gatewayPort + "/");
        try (Connection db = DriverManager.getConnection(url, c.get("user").asString(), c.get("password").asString());
                Statement st = db.createStatement(); ResultSet rs = st.executeQuery("SELECT 1")) {
            rs.next();
            return rs.getInt(1);
        } catch (java.sql.SQLException e) {
            throw new AssertionError("branch " + branch.get("name").asString() + " through port " + gatewayPort, e);
        }
    }
}
