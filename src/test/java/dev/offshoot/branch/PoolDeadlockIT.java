package dev.offshoot.branch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

import dev.offshoot.IntegrationTest;

/**
 * The pool deadlock of bulk deletes, with one free connection: reading a branch loads its
 * labels with a second query while the first one's result set is open. Without a transaction that
 * second query asked the pool for a second connection, so N concurrent reads holding N connections
 * waited for each other until the pool's timeout (48 of 200 deletes answered 500 after 30 s).
 */
@TestPropertySource(properties = {"spring.datasource.hikari.maximum-pool-size=2",
        "spring.datasource.hikari.connection-timeout=2000", "offshoot.reaper.reconcile-interval=1h",
        "offshoot.reaper.sweep-interval=1h"})
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class PoolDeadlockIT {

    static final String INSTANCE = "pd" + UUID.randomUUID().toString().substring(0, 8);

    @DynamicPropertySource
    static void isolated(DynamicPropertyRegistry registry) {
        IntegrationTest.isolated(registry, "pooldeadlock", INSTANCE);
    }

    @Autowired
    BranchRepository branches;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    javax.sql.DataSource dataSource;

    @Test
    void readingABranchWithLabelsNeedsOnlyOneConnection() throws Exception {
        UUID template = UUID.randomUUID();
        jdbc.update("INSERT INTO template (id, name, database_name, owner_role, superuser_password, source_type,"
                + " created_by, created_at, version) VALUES (?, ?, 'app', 'app', 'x', 'EMPTY', 'me', now(), 0)",
                template, "pd-" + INSTANCE);
        Branch branch = new Branch("pd-1", template, 1, null, "img", "app", "app", "pw", "me", null, false,
                Map.of("repo", "acme/shop", "pr", "7"));
        branches.save(branch);

        // the pool has two connections (Flyway needs two at startup); the test holds one of them
        try (java.sql.Connection held = dataSource.getConnection()) {
            assertThat(held.isValid(1)).isTrue();
            assertThat(branches.findLiveByName("pd-1")).get().extracting(Branch::labels)
                    .isEqualTo(Map.of("repo", "acme/shop", "pr", "7"));
            assertThat(branches.findLive()).hasSize(1);
            assertThat(branches.findLiveByPullRequest("acme/shop", "7")).hasSize(1);
            assertThat(branches.findById(branch.id())).isPresent();
        }
    }
}
