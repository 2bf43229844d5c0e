package dev.offshoot.runtime.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;

import org.junit.jupiter.api.Test;

import dev.offshoot.error.OffshootException;

class PodJobsTest {

    @Test
    void aHelperPodDialsTheServicesLoopbackAtTheServicePodsAddress() {
        assertThat(PodJobs.dialedFromPods(InetAddress.ofLiteral("127.0.0.1"), "10.42.0.7"))
                .isEqualTo(InetAddress.ofLiteral("10.42.0.7"));
        assertThat(PodJobs.dialedFromPods(InetAddress.ofLiteral("::1"), " 10.42.0.7 "))
                .isEqualTo(InetAddress.ofLiteral("10.42.0.7"));
    }

    @Test
    void anyOtherAddressOfTheServicesHostIsDialedAsItIs() {
        assertThat(PodJobs.dialedFromPods(InetAddress.ofLiteral("10.42.0.7"), ""))
                .isEqualTo(InetAddress.ofLiteral("10.42.0.7"));
    }

    @Test
    void theLoopbackWithoutAServiceHostIsRefusedAsUnreachable() {
        assertThatThrownBy(() -> PodJobs.dialedFromPods(InetAddress.ofLiteral("127.0.0.1"), ""))
                .isInstanceOfSatisfying(OffshootException.class, e -> {
                    assertThat(e.code()).isEqualTo("SOURCE_UNREACHABLE");
                    assertThat(e.getMessage()).contains("offshoot.kubernetes.service-host");
                });
    }

    @Test
    void aServiceHostThatIsNoAddressIsAConfigurationErrorAtStart() {
        assertThatThrownBy(() -> new dev.offshoot.config.KubernetesProperties("", "", "", "", null, "IfNotPresent",
                999, 999, java.time.Duration.ofMinutes(5), java.util.List.of(), "offshoot.offshoot.svc"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("offshoot.kubernetes.service-host");
        assertThat(new dev.offshoot.config.KubernetesProperties("", "", "", "", null, "IfNotPresent", 999, 999,
                java.time.Duration.ofMinutes(5), java.util.List.of(), "10.42.0.7").serviceHost()).isEqualTo("10.42.0.7");
    }
}
