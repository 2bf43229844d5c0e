package dev.offshoot.branch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.offshoot.error.OffshootException;

class BranchRequestsTest {

    private final BranchRequests requests = new BranchRequests();

    @Test
    void ttlAcceptsSimpleAndIsoDurations() {
        Instant inTwoHours = requests.expiry("2h", null);
        Instant inThirtyMinutes = requests.expiry("PT30M", null);

        assertThat(Duration.between(Instant.now(), inTwoHours)).isBetween(Duration.ofMinutes(119), Duration.ofHours(2));
        assertThat(Duration.between(Instant.now(), inThirtyMinutes)).isBetween(Duration.ofMinutes(29),
                Duration.ofMinutes(30));
        assertThat(requests.expiry(null, null)).isNull();
    }

    @Test
    void expiryRejectsNonsenseWithACode() {
        assertThatThrownBy(() -> requests.expiry("soon", null)).hasFieldOrPropertyWithValue("code", "INVALID_EXPIRY");
        assertThatThrownBy(() -> requests.expiry("-1h", null)).isInstanceOf(OffshootException.class);
        assertThatThrownBy(() -> requests.expiry("1h", Instant.now().plusSeconds(60))).isInstanceOf(OffshootException.class);
        assertThatThrownBy(() -> requests.expiry(null, Instant.now().minusSeconds(1))).isInstanceOf(OffshootException.class);
    }

    @Test
    void labelsAreValidated() {
        assertThat(requests.labels(Map.of("repo", "acme/shop", "pr", "12", "ci.job/id", "x"))).hasSize(3);
        assertThatThrownBy(() -> requests.labels(Map.of("bad key", "x"))).hasFieldOrPropertyWithValue("code",
                "INVALID_LABELS");
        assertThatThrownBy(() -> requests.labels(Map.of("k", "v".repeat(256)))).isInstanceOf(OffshootException.class);
    }

    @Test
    void labelFiltersAreKeyValuePairs() {
        assertThat(requests.labelFilters(List.of("repo=acme/shop", "ref=a=b")))
                .containsEntry("repo", "acme/shop").containsEntry("ref", "a=b");
        assertThatThrownBy(() -> requests.labelFilters(List.of("repo"))).isInstanceOf(OffshootException.class);
        assertThat(requests.status("ready")).isEqualTo(BranchStatus.READY);
        assertThatThrownBy(() -> requests.status("sleeping")).isInstanceOf(OffshootException.class);
        // warm-pool members are nobody's branches: no caller lists them by status
        assertThatThrownBy(() -> requests.status("pooled")).hasFieldOrPropertyWithValue("code", "INVALID_FILTER");
    }
}
