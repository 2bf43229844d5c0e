package dev.offshoot.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

class PrincipalTest {

    @Test
    void adminImpliesWriteAndWriteImpliesRead() {
        Principal admin = new Principal("a", EnumSet.of(Scope.ADMIN), Set.of(), null, null);
        Principal writer = new Principal("w", EnumSet.of(Scope.WRITE), Set.of(), null, null);
        Principal reader = new Principal("r", EnumSet.of(Scope.READ), Set.of(), null, null);

        assertThat(admin.has(Scope.WRITE)).isTrue();
        assertThat(writer.has(Scope.READ)).isTrue();
        assertThat(writer.has(Scope.ADMIN)).isFalse();
        assertThat(reader.has(Scope.WRITE)).isFalse();
    }

    @Test
    void limitsRestrictTemplatesAndRequireTheLabel() {
        Principal limited = new Principal("l", EnumSet.of(Scope.WRITE), Set.of("main"), "team", "payments");

        assertThat(limited.maySee("main", Map.of("team", "payments"))).isTrue();
        assertThat(limited.maySee("main", Map.of("team", "search"))).isFalse();
        assertThat(limited.maySee("staging", Map.of("team", "payments"))).isFalse();
    }

    @Test
    void tokenHashesAreStableAndDoNotContainTheSecret() {
        String hash = TokenService.hash("osh_secret");

        assertThat(hash).hasSize(64).isEqualTo(TokenService.hash("osh_secret")).doesNotContain("secret");
        assertThat(TokenService.hash("osh_other")).isNotEqualTo(hash);
    }
}
