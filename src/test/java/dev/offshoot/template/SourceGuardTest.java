package dev.offshoot.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

import dev.offshoot.config.MetadataProperties;
import dev.offshoot.config.RuntimeProperties;
import dev.offshoot.config.TemplateProperties;
import dev.offshoot.error.OffshootException;
import dev.offshoot.provision.Builds;

class SourceGuardTest {

    final RuntimeProperties runtime = new RuntimeProperties("", "t", "img", "", "/pg", "", "127.0.0.1", "",
            true, "n", 54400, 54999, Duration.ofSeconds(60), Duration.ofSeconds(60), Duration.ofMinutes(30));
    final MetadataProperties metadata = new MetadataProperties("m", "m", 54399, Duration.ofSeconds(90));
    final Builds engine = mock(Builds.class);

    SourceGuard guard(boolean refuse, List<String> allowed, String datasourceUrl) {
        MockEnvironment environment = new MockEnvironment();
        if (datasourceUrl != null) {
            environment.setProperty("spring.datasource.url", datasourceUrl);
        }
        return new SourceGuard(new TemplateProperties(refuse, allowed), runtime, metadata, environment, engine);
    }

    @Test
    void everySpellingOfThisHostOnABranchPortIsRefused() {
        SourceGuard guard = guard(true, List.of(), null);
        for (String host : List.of("localhost", "127.0.0.1", "127.0.0.2", "::1", "0.0.0.0")) {
            assertThatThrownBy(() -> guard.check(SourceUrl.parse("postgresql://u:p@" + bracket(host) + ":54410/db")))
                    .as(host).isInstanceOf(OffshootException.class).hasMessageContaining("branch port");
        }
    }

    @Test
    void everyInetAtonAndIpv6SpellingOfLoopbackIsRefusedOnAnyPort() {
        SourceGuard guard = guard(true, List.of(), null);
        for (String host : List.of("0x7f000001", "0X7F000001", "0177.0.0.1", "2130706433", "127.1", "0x7f.1",
                "0", "0.0.0.0", "127.0.0.1.", "LOCALHOST", "%31%32%37.0.0.1", "%30x7f000001", "[::1]",
                "[0:0:0:0:0:0:0:1]", "[::ffff:127.0.0.1]", "[::FFFF:7f00:1]", "[::127.0.0.1]", "[::]",
                "[64:ff9b::7f00:1]", "[2002:7f00:1::]")) {
            assertThatThrownBy(() -> guard.check(SourceUrl.parse("postgresql://u:p@" + host + ":5432/db")))
                    .as(host).isInstanceOf(OffshootException.class)
                    .satisfies(e -> assertThat(((OffshootException) e).code()).isEqualTo(SourceGuard.NOT_ALLOWED))
                    .hasMessageContaining(SourceGuard.SETTING);
        }
    }

    @Test
    void privateLinkLocalAndOtherSpecialRangesAreRefused() {
        SourceGuard guard = guard(true, List.of(), null);
        List<List<String>> cases = List.of(List.of("10.1.2.3", "private"), List.of("172.17.0.1", "private"),
                List.of("192.168.1.1", "private"), List.of("169.254.169.254", "link-local"),
                List.of("100.64.0.1", "carrier-grade NAT"), List.of("[fe80::1]", "link-local"),
                List.of("[fd12:3456::1]", "unique local"), List.of("224.0.0.1", "multicast"),
                List.of("255.255.255.255", "broadcast"), List.of("[ff02::1]", "multicast"),
                List.of("0xa.1", "private"), List.of("012.0.0.1", "private"));
        for (List<String> c : cases) {
            assertThatThrownBy(() -> guard.check(SourceUrl.parse("postgresql://" + c.get(0) + "/db")))
                    .as(c.get(0)).isInstanceOf(OffshootException.class).hasMessageContaining(c.get(1));
        }
    }

    @Test
    void theEnginesNetworksAndGatewaysAreRefusedWhereverTheyLie() {
        when(engine.engineNetworks()).thenReturn(List.of("203.0.113.0/24", "198.51.100.1"));
        SourceGuard guard = guard(true, List.of(), null);

        assertThatThrownBy(() -> guard.check(SourceUrl.parse("postgresql://203.0.113.9/db")))
                .hasMessageContaining("network of the container engine (203.0.113.0/24)");
        assertThatThrownBy(() -> guard.check(SourceUrl.parse("postgresql://198.51.100.1/db")))
                .hasMessageContaining("network of the container engine");
        assertThatCode(() -> guard.check(SourceUrl.parse("postgresql://198.51.100.2/db"))).doesNotThrowAnyException();
    }

    @Test
    void theManagedMetadataStoreAndAnExternalOneAreRefused() {
        assertThatThrownBy(() -> guard(true, List.of(), null).check(SourceUrl.parse("postgresql://127.0.0.1:54399/x")))
                .hasMessageContaining("metadata store");
        assertThatThrownBy(() -> guard(true, List.of(), "jdbc:postgresql://localhost:6000/offshoot?ssl=false")
                .check(SourceUrl.parse("postgresql://127.0.0.1:6000/offshoot"))).hasMessageContaining("metadata store");
        assertThatThrownBy(() -> guard(true, List.of(), "jdbc:postgresql://203.0.113.5:6000,203.0.113.6/offshoot")
                .check(SourceUrl.parse("postgresql://203.0.113.6:5432/offshoot"))).hasMessageContaining("metadata store");
        assertThatCode(() -> guard(true, List.of(), "jdbc:postgresql://203.0.113.5:6000/offshoot")
                .check(SourceUrl.parse("postgresql://203.0.113.5:5432/other"))).doesNotThrowAnyException();
    }

    @Test
    void allowedHostsOtherPortsAndOtherHostsPass() {
        assertThatCode(() -> guard(true, List.of("localhost"), null)
                .check(SourceUrl.parse("postgresql://localhost:54410/db"))).doesNotThrowAnyException();
        assertThatCode(() -> guard(false, List.of(), null)
                .check(SourceUrl.parse("postgresql://127.0.0.1:54410/db"))).doesNotThrowAnyException();
        assertThatCode(() -> guard(true, List.of(), null)
                .check(SourceUrl.parse("postgresql://198.51.100.7:5432/db"))).doesNotThrowAnyException();
        assertThatCode(() -> guard(true, List.of(), null)
                .check(SourceUrl.parse("postgresql://192.0.2.10:54410/db"))).doesNotThrowAnyException();
    }

    @Test
    void allowedEntriesAreHostsAsWrittenAddressesOrRanges() {
        SourceGuard guard = guard(true, List.of("LocalHost.", "10.0.0.0/8", "[fd00::1]", "127.0.0.1"), null);

        for (String host : List.of("localhost", "LOCALHOST", "10.1.2.3", "0xa010203", "[fd00::1]", "127.0.0.1",
                "0x7f000001")) {
            assertThatCode(() -> guard.check(SourceUrl.parse("postgresql://" + host + ":5432/db"))).as(host)
                    .doesNotThrowAnyException();
        }
        for (String host : List.of("127.0.0.2", "172.16.0.1", "[fd00::2]")) {
            assertThatThrownBy(() -> guard.check(SourceUrl.parse("postgresql://" + host + ":5432/db"))).as(host)
                    .isInstanceOf(OffshootException.class);
        }
        assertThatThrownBy(() -> guard(true, List.of("db.example/24"), null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(SourceGuard.SETTING);
    }

    @Test
    void theImportConnectsToTheCheckedAddressAndResolvesNothingItself() {
        CheckedSource hex = guard(true, List.of("127.0.0.0/8"), null)
                .check(SourceUrl.parse("postgresql://u:p@0x7f000001:5432/db"));
        CheckedSource name = guard(true, List.of("localhost"), null)
                .check(SourceUrl.parse("postgresql://u:p@localhost:5432/db"));
        CheckedSource remote = guard(true, List.of(), null).check(SourceUrl.parse("postgresql://u:p@198.51.100.7/db"));

        assertThat(hex.environment("S_")).containsEntry("S_PGHOSTADDR", "127.0.0.1").doesNotContainKey("S_PGHOST");
        assertThat(hex.onThisHost()).isTrue();
        assertThat(name.environment("S_").get("S_PGHOST")).startsWith("localhost");
        assertThat(name.environment("S_").get("S_PGHOST").split(",")).hasSameSizeAs(name.addresses());
        assertThat(name.addresses()).allMatch(java.net.InetAddress::isLoopbackAddress);
        assertThat(remote.environment("S_")).containsEntry("S_PGHOSTADDR", "198.51.100.7");
        assertThat(remote.onThisHost()).isFalse();
    }

    @Test
    void aHostThatDoesNotResolveIsRefusedAsUnreachable() {
        for (String host : List.of("no-such-host.invalid", "1.2.3.4.5", "4294967296", "09.1.1.1")) {
            assertThatThrownBy(() -> guard(true, List.of(), null).check(SourceUrl.parse("postgresql://" + host + "/db")))
                    .as(host).isInstanceOf(OffshootException.class)
                    .satisfies(e -> assertThat(((OffshootException) e).code()).isEqualTo(SourceGuard.UNREACHABLE));
        }
    }

    private static String bracket(String host) {
        return host.contains(":") ? "[" + host + "]" : host;
    }
}
