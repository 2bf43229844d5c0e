package dev.offshoot.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** The defaults a fresh install runs with: fit for a service that agents can reach. */
class DefaultsTest {

    final Binder nothingConfigured = new Binder(new MapConfigurationPropertySource(Map.of()));
    final RuntimeProperties runtime = nothingConfigured.bindOrCreate("offshoot.runtime", RuntimeProperties.class);
    final QuotaProperties quota = nothingConfigured.bindOrCreate("offshoot.quota", QuotaProperties.class);
    final ReaperProperties reaper = nothingConfigured.bindOrCreate("offshoot.reaper", ReaperProperties.class);
    final RequestProperties requests = nothingConfigured.bindOrCreate("offshoot.requests", RequestProperties.class);
    final GatewayProperties gateway = nothingConfigured.bindOrCreate("offshoot.gateway", GatewayProperties.class);

    @Test
    void aMissingImageIsPulledForUpToTenMinutesUnlessSetOtherwise() {
        Binder configured = new Binder(new MapConfigurationPropertySource(Map.of(
                "offshoot.runtime.pull-timeout", "45s", "offshoot.runtime.base-image", "postgres:15")));
        RuntimeProperties bound = configured.bindOrCreate("offshoot.runtime", RuntimeProperties.class);

        assertThat(runtime.pullTimeout()).isEqualTo(Duration.ofMinutes(10));
        assertThat(bound.pullTimeout()).isEqualTo(Duration.ofSeconds(45));
        assertThat(bound.baseImage()).isEqualTo("postgres:15");
    }

    @Test
    void branchPortsLieOutsideLinuxsEphemeralRange() {
        assertThat(runtime.portRangeEnd()).isLessThan(32768);
        assertThat(runtime.portRangeStart()).isGreaterThan(5432).isLessThanOrEqualTo(runtime.portRangeEnd());
    }

    @Test
    void theGlobalLimitIsOneThePortRangeCanServe() {
        int ports = runtime.portRangeEnd() - runtime.portRangeStart() + 1;
        assertThat(quota.maxLiveBranches()).isPositive().isLessThanOrEqualTo(ports);
        assertThat(quota.maxLiveBranchesPerCreator()).isPositive().isLessThan(quota.maxLiveBranches());
    }

    @Test
    void branchesExpireByDefaultAndCannotAskForForever() {
        assertThat(reaper.defaultTtl()).isEqualTo(Duration.ofDays(7));
        assertThat(reaper.maxTtl()).isGreaterThanOrEqualTo(reaper.defaultTtl());
        assertThat(reaper.hasMaxTtl()).isTrue();
    }

    @Test
    void aReadTokenStartsFewThrowawaysAndABodyIsSmallUnlessItsRouteSaysOtherwise() {
        assertThat(quota.throwaways().maxConcurrent()).isPositive().isLessThan(quota.maxLiveBranchesPerCreator());
        assertThat(quota.throwaways().maxStarted()).isPositive();
        assertThat(quota.throwaways().window()).isEqualTo(Duration.ofMinutes(1));
        assertThat(requests.maxBodySize().toMegabytes()).isEqualTo(1);
    }

    @Test
    void webhookDeliveriesAreRememberedLongerThanGithubRedeliversAndNoSecretIsSet() {
        assertThat(reaper.deliveryWindow()).isGreaterThan(Duration.ofDays(3));
        assertThat(reaper.githubSecrets()).isEmpty();
        assertThat(reaper.githubSecretFor("acme/shop")).isEmpty();
        assertThat(reaper.gitlabTokenFor(null)).isEmpty();
    }

    @Test
    void branchesAreReachedThroughTheGatewayWithTlsAndSleepWhenIdle() {
        assertThat(runtime.publishHostPorts()).as("no host port per branch").isFalse();
        assertThat(gateway.port()).isNotIn(5432, 6432).isLessThan(32768);
        assertThat(gateway.plainText()).isEqualTo(GatewayProperties.PlainText.LOOPBACK);
        assertThat(gateway.maxStartupPacket()).isBetween(1024, 10_000);
        assertThat(gateway.handshakeTimeout()).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(30));
        assertThat(gateway.idleSuspend()).isEqualTo(Duration.ofMinutes(5));
        assertThat(gateway.maxConcurrentWakes()).isPositive().isLessThan(gateway.maxConnectionsPerClient());
        assertThat(gateway.tls().fromFiles()).as("the service's own CA unless an operator gives a certificate")
                .isFalse();
    }
}
