package dev.offshoot.branch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.offshoot.auth.CurrentPrincipal;
import dev.offshoot.auth.Principal;
import dev.offshoot.auth.Scope;
import dev.offshoot.auth.TokenAuthentication;
import dev.offshoot.config.QuotaProperties;
import dev.offshoot.config.ReaperProperties;
import dev.offshoot.error.OffshootException;

class BranchPoliciesTest {

    final BranchRepository repository = mock(BranchRepository.class);

    BranchPolicies policies(Duration defaultTtl, Duration maxTtl, int total, int perCreator) {
        ReaperProperties reaper = new ReaperProperties("", "", ReaperProperties.ReapOn.MERGED, Duration.ofMinutes(1),
                defaultTtl, maxTtl, Duration.ZERO, ReaperProperties.IdleAction.DELETE, 20, Duration.ofMinutes(2),
                ReaperProperties.MissingContainerAction.RECREATE, 20, Map.of(), Map.of(), Duration.ofDays(7), Duration.ofDays(30));
        return new BranchPolicies(reaper, new QuotaProperties(total, perCreator,
                new QuotaProperties.Throwaways(2, 3, Duration.ofMinutes(1))), repository);
    }

    @Test
    void defaultTtlAppliesOnlyWithoutARequestedExpiry() {
        BranchPolicies p = policies(Duration.ofHours(2), Duration.ZERO, 0, 0);
        Instant requested = Instant.now().plus(Duration.ofDays(90));

        assertThat(p.expiry(null)).isBetween(Instant.now().plus(Duration.ofMinutes(119)),
                Instant.now().plus(Duration.ofHours(2)));
        assertThat(p.expiry(requested)).isEqualTo(requested);
        assertThat(policies(Duration.ZERO, Duration.ZERO, 0, 0).expiry(null)).isNull();
    }

    @Test
    void maxTtlCapsEveryBranchAndRefusesLongerRequests() {
        BranchPolicies p = policies(Duration.ZERO, Duration.ofDays(7), 0, 0);

        assertThat(p.expiry(null)).isBefore(Instant.now().plus(Duration.ofDays(7)).plusSeconds(1));
        assertThatThrownBy(() -> p.expiry(Instant.now().plus(Duration.ofDays(8))))
                .isInstanceOfSatisfying(OffshootException.class, e -> assertThat(e.code()).isEqualTo("INVALID_EXPIRY"));
    }

    @Test
    void quotasCountTheReservedRowToo() {
        BranchPolicies p = policies(Duration.ZERO, Duration.ZERO, 10, 3);
        when(repository.countLive()).thenReturn(5L);
        when(repository.countLiveByCreator("ci")).thenReturn(3L);
        when(repository.countLiveByCreator("bot")).thenReturn(4L);

        p.checkQuota("ci");
        assertThatThrownBy(() -> p.checkQuota("bot")).isInstanceOfSatisfying(OffshootException.class, e -> {
            assertThat(e.kind()).isEqualTo(OffshootException.Kind.RATE_LIMITED);
            assertThat(e.code()).isEqualTo("QUOTA_EXCEEDED");
            assertThat(e.retryable()).isFalse();
        });
        when(repository.countLive()).thenReturn(11L);
        assertThatThrownBy(() -> p.checkQuota("ci")).isInstanceOf(OffshootException.class);
    }

    @Test
    void aReadTokenWithTooManyLiveThrowawaysIsToldToRetryShortly() {
        BranchPolicies p = policies(Duration.ZERO, Duration.ZERO, 0, 0);
        when(repository.countLiveThrowawaysByCreator("reader")).thenReturn(3L);

        when(repository.countLiveThrowawaysByCreator("writer")).thenReturn(30L);

        assertThatThrownBy(() -> as("reader", Scope.READ, () -> p.checkQuota("reader",
                Map.of(BranchAccess.THROWAWAY_LABEL, "diff")))).isInstanceOfSatisfying(OffshootException.class, e -> {
                    assertThat(e.kind()).isEqualTo(OffshootException.Kind.RATE_LIMITED);
                    assertThat(e.code()).isEqualTo("THROWAWAY_RATE_LIMITED");
                    assertThat(e.retryable()).isTrue();
                    assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(5));
                    assertThat(e.getMessage()).contains("offshoot.quota.throwaways.max-concurrent");
                });
        as("reader", Scope.READ, () -> p.checkQuota("reader", Map.of("repo", "acme/shop")));
        // a writer may start branches of its own anyway: its throwaways count against the quotas
        as("writer", Scope.WRITE, () -> p.checkQuota("writer", Map.of(BranchAccess.THROWAWAY_LABEL, "check")));
    }

    private static void as(String name, Scope scope, Runnable work) {
        CurrentPrincipal.callAs(TokenAuthentication.authenticated(new Principal(name, Set.of(scope), Set.of(), null,
                null)), () -> {
                    work.run();
                    return null;
                });
    }

    @Test
    void aTokenPastItsThrowawayRateWaitsUntilItsOldestLeavesTheWindow() {
        BranchPolicies p = policies(Duration.ZERO, Duration.ZERO, 0, 0);
        Instant now = Instant.parse("2026-01-01T12:00:00Z");
        long minute = now.minus(Duration.ofMinutes(1)).toEpochMilli();
        when(repository.throwawaysCreatedSince("reader", minute)).thenReturn(List.of(
                now.minusSeconds(50).toEpochMilli(), now.minusSeconds(40).toEpochMilli(),
                now.minusSeconds(10).toEpochMilli(), now.toEpochMilli()));
        when(repository.throwawaysCreatedSince("writer", minute)).thenReturn(List.of(
                now.minusSeconds(40).toEpochMilli(), now.minusSeconds(10).toEpochMilli(), now.toEpochMilli()));

        assertThatThrownBy(() -> p.checkThrowaways("reader", now)).isInstanceOfSatisfying(OffshootException.class, e -> {
            assertThat(e.code()).isEqualTo("THROWAWAY_RATE_LIMITED");
            assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(10));
            assertThat(e.getMessage()).contains("retry in 10 s");
        });
        p.checkThrowaways("writer", now);
    }
}
