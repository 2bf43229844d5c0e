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

    /** An agent's write token must not approve its own migration sets; a person's approve token reads. */
    @Test
    void adminImpliesApproveAndWriteDoesNot() {
        Principal admin = new Principal("a", EnumSet.of(Scope.ADMIN), Set.of(), null, null);
        Principal writer = new Principal("w", EnumSet.of(Scope.WRITE), Set.of(), null, null);
        Principal approver = new Principal("p", EnumSet.of(Scope.APPROVE), Set.of(), null, null);

        assertThat(admin.has(Scope.APPROVE)).isTrue();
        assertThat(writer.has(Scope.APPROVE)).isFalse();
        assertThat(approver.has(Scope.READ)).isTrue();
        assertThat(approver.has(Scope.WRITE)).isFalse();
        assertThat(SecurityConfiguration.scopeHierarchy().getReachableGrantedAuthorities(
                java.util.List.of(new org.springframework.security.core.authority.SimpleGrantedAuthority("SCOPE_write"))))
                .extracting(Object::toString).doesNotContain("SCOPE_approve");
        assertThat(SecurityConfiguration.scopeHierarchy().getReachableGrantedAuthorities(
                java.util.List.of(new org.springframework.security.core.authority.SimpleGrantedAuthority("SCOPE_admin"))))
                .extracting(Object::toString).contains("SCOPE_approve", "SCOPE_read");
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
