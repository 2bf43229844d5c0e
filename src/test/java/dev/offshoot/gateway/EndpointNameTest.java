package dev.offshoot.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

class EndpointNameTest {

    @Test
    void optionsNameTheBranchAndTheEndpointSwitchIsNotForwarded() {
        EndpointName.Named named = EndpointName.resolve(null, "", Map.of("user", "app",
                "options", "-c statement_timeout=5s endpoint=pr-1 -c search_path=a\\ b"));

        assertThat(named.name()).isEqualTo("pr-1");
        assertThat(named.forwarded()).containsEntry("options", "-c statement_timeout=5s -c search_path=a\\ b")
                .containsEntry("user", "app");
    }

    @Test
    void optionsThatOnlyNameTheBranchAreDroppedAltogether() {
        EndpointName.Named named = EndpointName.resolve(null, "", Map.of("user", "app", "options", "endpoint=pr-1"));

        assertThat(named.forwarded()).doesNotContainKey("options");
    }

    @Test
    void theServerNameUnderTheDomainNamesTheBranch() {
        assertThat(EndpointName.resolve("pr-2.db.example", "db.example", Map.of("user", "u")).name()).isEqualTo("pr-2");
        assertThat(EndpointName.fromServerName("a.pr-2.db.example", "db.example")).isNull();
        assertThat(EndpointName.fromServerName("pr-2.other.example", "db.example")).isNull();
        assertThat(EndpointName.fromServerName("db.example", "db.example")).isNull();
        assertThat(EndpointName.fromServerName("pr-2.db.example", "")).isNull();
    }

    @Test
    void serverNameAndOptionsNamingDifferentBranchesIsRefused() {
        assertThatThrownBy(() -> EndpointName.resolve("pr-2.db.example", "db.example",
                Map.of("user", "u", "options", "endpoint=pr-3")))
                .isInstanceOfSatisfying(Refusal.class, r -> assertThat(r.sqlState()).isEqualTo("08004"));
        assertThatThrownBy(() -> EndpointName.resolve(null, "", Map.of("options", "endpoint=a endpoint=b")))
                .isInstanceOf(Refusal.class);
    }

    @Test
    void thePasswordFormCarriesBranchAndPassword() {
        assertThat(EndpointName.fromPassword("endpoint=pr-4;s3cr;et")).containsExactly("pr-4", "s3cr;et");
        assertThat(EndpointName.fromPassword("just-a-password")).isNull();
        assertThat(EndpointName.fromPassword("endpoint=pr-4")).isNull();
    }
}
