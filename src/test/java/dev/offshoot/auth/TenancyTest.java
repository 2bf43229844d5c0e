package dev.offshoot.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.offshoot.web.ApiException;

class TenancyTest {

    static final Principal LIMITED_ADMIN = new Principal("l", EnumSet.of(Scope.ADMIN), Set.of("main"), "team", "pay");
    static final Principal ADMIN = Principal.admin("a");

    @Test
    void aLimitedAdminIssuesOnlyEquallyOrMoreLimitedTokens() {
        assertThatCode(() -> Tenancy.requireNoWider(LIMITED_ADMIN, EnumSet.of(Scope.ADMIN), Set.of("main"),
                Map.of("team", "pay"))).doesNotThrowAnyException();

        assertWider(() -> Tenancy.requireNoWider(LIMITED_ADMIN, EnumSet.of(Scope.READ), Set.of(), Map.of("team", "pay")));
        assertWider(() -> Tenancy.requireNoWider(LIMITED_ADMIN, EnumSet.of(Scope.READ), Set.of("main", "staging"),
                Map.of("team", "pay")));
        assertWider(() -> Tenancy.requireNoWider(LIMITED_ADMIN, EnumSet.of(Scope.READ), Set.of("main"), Map.of()));
        assertWider(() -> Tenancy.requireNoWider(LIMITED_ADMIN, EnumSet.of(Scope.READ), Set.of("main"),
                Map.of("team", "search")));
    }

    @Test
    void aTokenNeverGrantsAScopeItLacks() {
        Principal writer = new Principal("w", EnumSet.of(Scope.WRITE), Set.of(), null, null);

        assertWider(() -> Tenancy.requireNoWider(writer, EnumSet.of(Scope.ADMIN), Set.of(), Map.of()));
        assertThatCode(() -> Tenancy.requireNoWider(writer, EnumSet.of(Scope.READ, Scope.WRITE), Set.of(), Map.of()))
                .doesNotThrowAnyException();
        assertThatCode(() -> Tenancy.requireNoWider(ADMIN, EnumSet.allOf(Scope.class), Set.of(), Map.of()))
                .doesNotThrowAnyException();
    }

    @Test
    void anExpiringTokenCannotMintOneThatOutlivesIt() {
        Instant end = Instant.now().plus(Duration.ofHours(1));
        Principal shortLived = new Principal("s", EnumSet.of(Scope.ADMIN), Set.of(), null, null, end);

        assertWider(() -> Tenancy.requireNoLater(shortLived, null));
        assertWider(() -> Tenancy.requireNoLater(shortLived, end.plusSeconds(1)));
        assertThatCode(() -> Tenancy.requireNoLater(shortLived, end)).doesNotThrowAnyException();
        assertThatCode(() -> Tenancy.requireNoLater(ADMIN, null)).doesNotThrowAnyException();
    }

    @Test
    void onlyATokenWithoutLimitsChangesTemplates() {
        Principal templateOnly = new Principal("t", EnumSet.of(Scope.ADMIN), Set.of("main"), null, null);
        Principal labelOnly = new Principal("l", EnumSet.of(Scope.ADMIN), Set.of(), "team", "pay");

        for (Principal limited : new Principal[] {templateOnly, labelOnly, LIMITED_ADMIN}) {
            assertThatThrownBy(() -> Tenancy.requireTemplateChange(limited, "main", "force-delete"))
                    .isInstanceOfSatisfying(ApiException.class, e -> {
                        assertThat(e.code()).isEqualTo("TEMPLATE_CHANGE_NOT_ALLOWED");
                        assertThat(e.status().value()).isEqualTo(403);
                    });
        }
        assertThatCode(() -> Tenancy.requireTemplateChange(ADMIN, "main", "delete")).doesNotThrowAnyException();
    }

    @Test
    void aTokenReachesOnlyTokensItCouldHaveIssued() {
        Principal narrower = new Principal("n", EnumSet.of(Scope.READ), Set.of("main"), "team", "pay");
        Principal unlimitedReader = new Principal("u", EnumSet.of(Scope.READ), Set.of(), null, null);

        assertThat(Tenancy.covers(LIMITED_ADMIN, narrower)).isTrue();
        assertThat(Tenancy.covers(LIMITED_ADMIN, unlimitedReader)).isFalse();
        assertThat(Tenancy.covers(LIMITED_ADMIN, ADMIN)).isFalse();
        assertThat(Tenancy.covers(ADMIN, LIMITED_ADMIN)).isTrue();
    }

    private static void assertWider(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(ApiException.class,
                e -> assertThat(e.code()).isEqualTo("TOKEN_WIDER_THAN_ISSUER"));
    }
}
