package dev.offshoot.tuning;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The name a tuning's migration gets when the caller names none. */
class TuningCompletionsTest {

    @Test
    void theNextVersionFollowsTheMajorPartOfTheBranchsVersion() {
        assertThat(TuningCompletions.next(null)).isEqualTo("1");
        assertThat(TuningCompletions.next("7")).isEqualTo("8");
        assertThat(TuningCompletions.next("007")).isEqualTo("8");
        assertThat(TuningCompletions.next("2.1")).isEqualTo("3");
        assertThat(TuningCompletions.next("0")).isEqualTo("1");
    }

    @Test
    void theDescriptionNamesTheIndexOrItsTable() {
        assertThat(TuningCompletions.slug(Candidate.of(1, "CREATE INDEX rental_customer_idx ON rental (customer_id)")))
                .isEqualTo("tune_rental_customer_idx");
        assertThat(TuningCompletions.slug(Candidate.of(1, "create index on public.rental (customer_id)")))
                .isEqualTo("tune_public_rental_index");
        assertThat(TuningCompletions.slug(Candidate.of(1, "ANALYZE rental"))).isEqualTo("tune_statistics");
    }
}
