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

import dev.offshoot.error.OffshootException;

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
    void anIssuerCoversOnlyTokensThatExpireNoLaterRevealOnlyIfItMayAndReadOnlySqlIfItsIs() {
        Instant end = Instant.now().plus(Duration.ofHours(1));
        Principal shortAdmin = new Principal("s", EnumSet.of(Scope.ADMIN), Set.of(), null, null, end, false, false,
                "id-s");
        Principal revealingAdmin = new Principal("r", EnumSet.of(Scope.ADMIN), Set.of(), null, null, null, true, false,
                "id-r");
        Principal issuedAdmin = new Principal("i", EnumSet.of(Scope.ADMIN), Set.of(), null, null, null, false, false,
                "id-i");
        Principal sqlReadOnlyAdmin = new Principal("q", EnumSet.of(Scope.ADMIN), Set.of(), null, null, null, false,
                true, "id-q");
        Principal permanentReader = new Principal("p", EnumSet.of(Scope.READ), Set.of(), null, null, null, false,
                false, "id-p");
        Principal revealingReader = new Principal("v", EnumSet.of(Scope.READ), Set.of(), null, null, null, true, false,
                "id-v");

        assertThat(Tenancy.covers(shortAdmin, permanentReader)).as("outlives the issuer").isFalse();
        assertThat(Tenancy.covers(issuedAdmin, revealingReader)).as("reveals, the issuer does not").isFalse();
        assertThat(Tenancy.covers(revealingAdmin, revealingReader)).isTrue();
        assertThat(Tenancy.covers(ADMIN, revealingReader)).as("the configured admin token may grant it").isTrue();
        assertThat(Tenancy.covers(sqlReadOnlyAdmin, permanentReader)).as("its SQL may write").isFalse();
        assertThat(Tenancy.covers(sqlReadOnlyAdmin, new Principal("w", EnumSet.of(Scope.WRITE), Set.of(), null, null,
                null, false, true, "id-w"))).isTrue();
        assertThatThrownBy(() -> Tenancy.requireCovered(issuedAdmin, revealingReader))
                .isInstanceOf(OffshootException.class).hasMessageContaining("revealSecrets");
    }

    @Test
    void onlyATokenWithoutLimitsChangesTemplates() {
        Principal templateOnly = new Principal("t", EnumSet.of(Scope.ADMIN), Set.of("main"), null, null);
        Principal labelOnly = new Principal("l", EnumSet.of(Scope.ADMIN), Set.of(), "team", "pay");

        for (Principal limited : new Principal[] {templateOnly, labelOnly, LIMITED_ADMIN}) {
            assertThatThrownBy(() -> Tenancy.requireTemplateChange(limited, "main", "force-delete"))
                    .isInstanceOfSatisfying(OffshootException.class, e -> {
                        assertThat(e.code()).isEqualTo("TEMPLATE_CHANGE_NOT_ALLOWED");
                        assertThat(e.kind()).isEqualTo(OffshootException.Kind.FORBIDDEN);
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
        assertThatThrownBy(call).isInstanceOfSatisfying(OffshootException.class,
                e -> assertThat(e.code()).isEqualTo("TOKEN_WIDER_THAN_ISSUER"));
    }

    @Test
    void aTokenPinnedToSomeMcpToolsIssuesOnlyTokensPinnedWithinThem() {
        ToolNarrowing readOnlyTuning = ToolNarrowing.parse(true, "tuning", null);
        Principal pinned = new Principal("p", EnumSet.of(Scope.ADMIN), Set.of(), null, null, null, false, false,
                "id", readOnlyTuning);

        assertThat(Tenancy.covers(pinned, new Principal("a", EnumSet.of(Scope.READ), Set.of(), null, null, null,
                false, false, null, readOnlyTuning))).isTrue();
        assertThat(Tenancy.covers(pinned, new Principal("b", EnumSet.of(Scope.READ), Set.of(), null, null)))
                .as("an unpinned token").isFalse();
        assertThatThrownBy(() -> Tenancy.requireCovered(pinned, new Principal("c", EnumSet.of(Scope.READ), Set.of(),
                null, null, null, false, false, null, ToolNarrowing.parse(false, "tuning", null))))
                .hasFieldOrPropertyWithValue("code", "TOKEN_WIDER_THAN_ISSUER").hasMessageContaining("MCP tools");
    }
}
