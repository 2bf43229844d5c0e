package dev.offshoot.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class OriginCheckTest {

    final OriginCheck check = new OriginCheck(List.of("https://console.example.com/"));

    @Test
    void cliAgentsWithoutOriginAndLoopbackPagesPass() {
        assertThat(check.allows(null, "http", "localhost:8080")).isTrue();
        assertThat(check.allows("http://localhost:3000", "http", "localhost:8080")).isTrue();
        assertThat(check.allows("http://127.0.0.1:5173", "http", "127.0.0.1:8080")).isTrue();
        assertThat(check.allows("http://[::1]:8080", "http", "[::1]:8080")).isTrue();
        assertThat(check.allows("https://LOCALHOST", "http", "localhost:8080")).isTrue();
    }

    @Test
    void configuredOriginsPass() {
        assertThat(check.allows("https://console.example.com", "http", "offshoot:8080")).isTrue();
        assertThat(check.allows("https://console.example.com:444", "http", "offshoot:8080")).isFalse();
    }

    @Test
    void theServiceAddressedByIpIsItsOwnOrigin() {
        assertThat(check.allows("http://10.0.0.5:8080", "http", "10.0.0.5:8080")).isTrue();
        assertThat(check.allows("http://10.0.0.5:9090", "http", "10.0.0.5:8080")).isFalse();
    }

    @Test
    void dnsRebindingIsRefusedEvenWhenOriginAndHostAgree() {
        assertThat(check.allows("http://evil.example:8080", "http", "evil.example:8080")).isFalse();
        assertThat(check.allows("https://evil.example", "http", "localhost:8080")).isFalse();
        assertThat(check.allows("http://localhost.evil.example", "http", "localhost:8080")).isFalse();
        assertThat(check.allows("null", "http", "localhost:8080")).isFalse();
        assertThat(check.allows("file://localhost", "http", "localhost:8080")).isFalse();
        assertThat(check.allows("not a uri", "http", "localhost:8080")).isFalse();
    }
}
