package dev.offshoot.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.sql.DataSource;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import io.micrometer.core.instrument.MeterRegistry;

import dev.offshoot.Api;
import dev.offshoot.IntegrationTest;

/**
 * offshoot-junit against the real service: test classes that use {@link OffshootBranch} run through
 * JUnit's own engine (EngineTestKit), as a user's build would run them, and this test checks from
 * outside what they got and that their branches are gone afterwards.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OffshootExtensionIT extends IntegrationTest {

    @LocalServerPort
    int port;

    @Autowired
    MeterRegistry meters;

    static final String TEMPLATE = "junit-tpl-" + UUID.randomUUID().toString().substring(0, 6);
    /** What the inner test classes saw: branch names, expiries, values read. */
    static final List<String> seen = new CopyOnWriteArrayList<>();
    /** The service's port, for the inner classes' own look at their branch. */
    static volatile int servicePort;
    Api api;

    @BeforeAll
    void template() {
        api = new Api(port, ADMIN_TOKEN);
        assertThat(api.post("/api/v1/templates", Map.of("name", TEMPLATE)).status()).isEqualTo(201);
    }

    @AfterAll
    void cleanUp() {
        api.delete("/api/v1/templates/" + TEMPLATE + "?force=true");
    }

    EngineExecutionResults run(Class<?> testClass) {
        seen.clear();
        servicePort = port;
        return EngineTestKit.engine("junit-jupiter").selectors(selectClass(testClass))
                .configurationParameter("offshoot.url", "http://localhost:" + port)
                .configurationParameter("offshoot.token", ADMIN_TOKEN)
                .configurationParameter("offshoot.template", TEMPLATE)
                .execute();
    }

    @Test
    void aClassSharesOneBranchAcrossItsTestsAndItIsDeletedAfterwards() {
        EngineExecutionResults results = run(PerClass.class);

        results.testEvents().assertStatistics(stats -> stats.started(2).succeeded(2));
        List<String> names = seen.stream().filter(s -> s.startsWith("branch=")).distinct().toList();
        assertThat(names).hasSize(1);
        String branch = names.getFirst().substring("branch=".length());
        assertThat(branch).startsWith("junit-perclass-");
        assertThat(seen).contains("rows=1");
        assertThat(api.get("/api/v1/branches/" + branch).status()).isEqualTo(404);
        // the TTL that covers a JVM dying before the delete
        Instant expires = Instant.parse(seen.stream().filter(s -> s.startsWith("expires=")).findFirst().orElseThrow()
                .substring("expires=".length()));
        assertThat(expires).isBetween(Instant.now().plus(Duration.ofMinutes(20)), Instant.now().plus(Duration.ofMinutes(31)));
    }

    @Test
    void perTestGivesEachTestItsOwnBranchAndAFailingTestStillDeletesIt() {
        EngineExecutionResults results = run(PerTest.class);

        results.testEvents().assertStatistics(stats -> stats.started(2).succeeded(1).failed(1));
        List<String> names = seen.stream().filter(s -> s.startsWith("branch=")).map(s -> s.substring(7)).distinct().toList();
        assertThat(names).hasSize(2);
        assertThat(names).allSatisfy(b -> assertThat(api.get("/api/v1/branches/" + b).status()).isEqualTo(404));
        assertThat(seen).contains("empty=true").doesNotContain("rows=1");
    }

    @Test
    void aBranchComesFromTheWarmPoolWhenTheTemplateHasOne() {
        assertThat(api.patch("/api/v1/templates/" + TEMPLATE, Map.of("poolSize", 1)).status()).isEqualTo(200);
        try {
            await().atMost(Duration.ofMinutes(2)).until(() -> api.get("/api/v1/templates/" + TEMPLATE).body()
                    .get("poolReady").asInt() == 1);
            double claimedBefore = claims();

            run(Pooled.class).testEvents().assertStatistics(stats -> stats.succeeded(1));

            assertThat(claims()).isEqualTo(claimedBefore + 1);
        } finally {
            api.patch("/api/v1/templates/" + TEMPLATE, Map.of("poolSize", 0));
        }
    }

    private double claims() {
        var timer = meters.find("offshoot.pool.claim").tag("outcome", "claimed").timer();
        return timer == null ? 0 : timer.count();
    }

    static int count(DataSource db, String sql) throws SQLException {
        try (Connection c = db.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    static void execute(DataSource db, String sql) throws SQLException {
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    @OffshootBranch
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class PerClass {

        @BeforeAll
        static void schema(DataSource db) throws SQLException {
            execute(db, "CREATE TABLE film (id int)");
        }

        @Test
        @Order(1)
        void writes(DataSource db, OffshootDatabase branch) throws SQLException {
            execute(db, "INSERT INTO film VALUES (1)");
            seen.add("branch=" + branch.name());
        }

        @Test
        @Order(2)
        void seesWhatTheFirstTestWrote(DataSource db, OffshootDatabase branch) throws Exception {
            seen.add("branch=" + branch.name());
            seen.add("rows=" + count(db, "SELECT count(*) FROM film"));
            // the service's own view of the branch, while it lives
            seen.add("expires=" + new Api(servicePort, ADMIN_TOKEN).get("/api/v1/branches/" + branch.name()).body()
                    .get("expiresAt").asString());
        }
    }

    @OffshootBranch(perTest = true)
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class PerTest {

        @Test
        @Order(1)
        void writesAndFails(DataSource db, OffshootDatabase branch) throws SQLException {
            seen.add("branch=" + branch.name());
            execute(db, "CREATE TABLE film (id int); INSERT INTO film VALUES (1)");
            throw new AssertionError("a failing test");
        }

        @Test
        @Order(2)
        void startsFromTheTemplate(DataSource db, OffshootDatabase branch) throws SQLException {
            seen.add("branch=" + branch.name());
            seen.add("empty=" + (count(db, "SELECT count(*) FROM pg_tables WHERE tablename = 'film'") == 0));
        }
    }

    @OffshootBranch
    static class Pooled {
        @Test
        void connects(DataSource db) throws SQLException {
            assertThat(count(db, "SELECT 1")).isEqualTo(1);
        }
    }
}
