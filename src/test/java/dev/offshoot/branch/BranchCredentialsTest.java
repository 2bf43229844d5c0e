package dev.offshoot.branch;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.offshoot.postgres.BranchRoles;

class BranchCredentialsTest {

    @Test
    void aVerifierEchoedByPsqlNeverReachesAnErrorMessage() {
        String echoed = "psql:/tmp/x.sql:2: ERROR:  boom\nLINE 1: ALTER USER \"app\" PASSWORD "
                + BranchRoles.password("app", "pw").replaceAll("^.*PASSWORD ", "");

        String masked = BranchCredentials.masked(echoed);

        assertThat(masked).contains("PASSWORD '***'").doesNotContainPattern("SCRAM-SHA-256\\$4096");
        assertThat(BranchCredentials.masked("verifier SCRAM-SHA-256$4096:c2FsdA==$a:b"))
                .isEqualTo("verifier SCRAM-SHA-256$***");
    }
}
