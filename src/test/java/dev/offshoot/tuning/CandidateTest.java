package dev.offshoot.tuning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import dev.offshoot.error.OffshootException;

/** How a candidate is told apart, tried on the copy, and turned into a migration. */
class CandidateTest {

    @Test
    void anIndexIsTriedInTheTransactionAndLandsConcurrently() {
        Candidate plain = Candidate.of(1, "create index rental_customer_idx on rental (customer_id);");
        Candidate concurrent = Candidate.of(2, "-- the filter's column\nCREATE UNIQUE INDEX CONCURRENTLY u ON t (a)");

        assertThat(plain.kind()).isEqualTo(Candidate.Kind.INDEX);
        assertThat(plain.trialSql()).isEqualTo("CREATE INDEX rental_customer_idx on rental (customer_id)");
        assertThat(plain.migrationSql()).isEqualTo("CREATE INDEX CONCURRENTLY rental_customer_idx on rental"
                + " (customer_id);\n");
        assertThat(concurrent.trialSql()).isEqualTo("CREATE UNIQUE INDEX u ON t (a)");
        assertThat(concurrent.migrationSql()).isEqualTo("CREATE UNIQUE INDEX CONCURRENTLY u ON t (a);\n");
    }

    @Test
    void statisticsLandAsTheyAreAndExtendedOnesAreAnalyzedToCount() {
        Candidate analyze = Candidate.of(1, "ANALYZE rental");
        Candidate extended = Candidate.of(2, "CREATE STATISTICS s (dependencies) ON a, b FROM skew");

        assertThat(analyze.kind()).isEqualTo(Candidate.Kind.STATISTICS);
        assertThat(analyze.migrationSql()).isEqualTo("ANALYZE rental;\n");
        assertThat(extended.trialSql()).isEqualTo("CREATE STATISTICS s (dependencies) ON a, b FROM skew; ANALYZE skew");
        assertThat(extended.migrationSql()).isEqualTo("CREATE STATISTICS s (dependencies) ON a, b FROM skew;\n"
                + "ANALYZE skew;\n");
    }

    @Test
    void aSettingIsTriedLocallyAndIsNoMigration() {
        Candidate setting = Candidate.of(1, "SET work_mem TO '64MB'");

        assertThat(setting.kind()).isEqualTo(Candidate.Kind.SETTING);
        assertThat(setting.trialSql()).isEqualTo("SET LOCAL work_mem = '64MB'");
        assertThat(setting.migrationSql()).isNull();
        assertThat(setting.advice()).contains("connection");
    }

    @Test
    void aRewriteIsMeasuredInsteadOfTheStatementAndIsNoMigration() {
        Candidate rewrite = Candidate.of(1, "WITH c AS (SELECT 1) SELECT * FROM c");

        assertThat(rewrite.kind()).isEqualTo(Candidate.Kind.REWRITE);
        assertThat(rewrite.migrationSql()).isNull();
        assertThat(rewrite.advice()).contains("application's code");
    }

    @Test
    void settingsThatChangeTheSessionRatherThanThePlanAreRefused() {
        for (String sql : new String[] {"SET ROLE postgres", "SET role = postgres", "SET session_authorization = x",
                "SET statement_timeout = 0", "SET search_path = evil"}) {
            assertThatThrownBy(() -> Candidate.of(1, sql)).as(sql).isInstanceOf(OffshootException.class)
                    .hasFieldOrPropertyWithValue("code", "INVALID_CANDIDATE");
        }
    }

    @Test
    void otherStatementsAndSeveralAtOnceAreRefused() {
        assertThatThrownBy(() -> Candidate.of(1, "DROP TABLE rental")).hasMessageContaining("neither an index");
        assertThatThrownBy(() -> Candidate.of(1, "VACUUM rental")).hasMessageContaining("neither an index");
        assertThatThrownBy(() -> Candidate.of(1, "CREATE INDEX a ON t (x); DROP TABLE t"))
                .hasMessageContaining("exactly one SQL statement (2 sent)");
        assertThatThrownBy(() -> Candidate.of(1, "  ")).hasMessageContaining("empty");
    }

    @Test
    void theStatementToTuneIsOneQueryOrDataChange() {
        assertThat(Candidate.statement("SELECT 1;")).isEqualTo("SELECT 1");
        assertThat(Candidate.statement("update t set a = 1 where b = 2")).startsWith("update");
        assertThatThrownBy(() -> Candidate.statement("CREATE TABLE t (a int)"))
                .hasFieldOrPropertyWithValue("code", "INVALID_CANDIDATE");
        assertThatThrownBy(() -> Candidate.statement("SELECT 1; SELECT 2")).hasMessageContaining("exactly one");
    }
}
