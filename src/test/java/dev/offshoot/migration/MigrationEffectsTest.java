package dev.offshoot.migration;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class MigrationEffectsTest {

    private static final MigrationEffects TRIAL = new MigrationEffects("V2__x.sql", true, List.of(),
            List.of("public.users.bio"), List.of(), Map.of("public.users", 3L), Map.of());

    @Test
    void aRealRunThatDoesWhatItsTrialDidIsNotBeyondIt() {
        MigrationEffects real = new MigrationEffects("V2__x.sql", true, List.of(), List.of("public.users.bio"),
                List.of(), Map.of("public.users", 7L), Map.of());

        assertThat(real.beyond(TRIAL)).as("counts may differ, the tables may not").isEmpty();
    }

    @Test
    void dropsRewritesDeletesAndUpdatesTheTrialDidNotDoAreBeyondIt() {
        MigrationEffects real = new MigrationEffects("V2__x.sql", true, List.of("public.victim"),
                List.of("public.users.bio", "public.users.email"), List.of("public.orders"),
                Map.of("public.users", 3L, "public.orders", 10L), Map.of("public.accounts", 1L));

        assertThat(real.beyond(TRIAL)).containsExactly("dropped table public.victim",
                "dropped column public.users.email", "replaced the data of public.orders",
                "deleted rows from public.orders", "updated rows of public.accounts");
    }

    @Test
    void aMigrationThatDidNotRunInTheTrialMayDoNothingDestructive() {
        MigrationEffects harmless = new MigrationEffects("V3__y.sql", true, List.of(), List.of(), List.of(),
                Map.of(), Map.of());
        MigrationEffects deleting = new MigrationEffects("V3__y.sql", true, List.of(), List.of(), List.of(),
                Map.of("public.users", 1L), Map.of());

        assertThat(harmless.beyond(null)).isEmpty();
        assertThat(deleting.beyond(null)).containsExactly("it did not run in the trial");
    }
}
