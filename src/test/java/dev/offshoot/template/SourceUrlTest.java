package dev.offshoot.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.offshoot.error.OffshootException;

class SourceUrlTest {

    @Test
    void takesAUriApartWithThePasswordOnlyInTheEnvironment() {
        SourceUrl url = SourceUrl.parse("postgresql://app:s%40cret@db.example:6543/shop?sslmode=require");

        assertThat(url.host()).isEqualTo("db.example");
        assertThat(url.port()).isEqualTo(6543);
        assertThat(url.database()).isEqualTo("shop");
        assertThat(url.user()).isEqualTo("app");
        assertThat(url.environment("SOURCE_", List.of(address("192.0.2.7")))).containsEntry("SOURCE_PGPASSWORD", "s@cret")
                .containsEntry("SOURCE_PGSSLMODE", "require").containsEntry("SOURCE_PGHOST", "db.example")
                .containsEntry("SOURCE_PGHOSTADDR", "192.0.2.7");
        assertThat(url.toString()).doesNotContain("s@cret");
    }

    @Test
    void defaultsAndQueryParameters() {
        SourceUrl url = SourceUrl.parse("postgres://[::1]?user=u&password=p&dbname=d");

        assertThat(url.host()).isEqualTo("::1");
        assertThat(url.port()).isEqualTo(5432);
        assertThat(url.database()).isEqualTo("d");
        assertThat(url.environment("S_", List.of(address("::1")))).containsEntry("S_PGUSER", "u")
                .containsEntry("S_PGPASSWORD", "p").containsEntry("S_PGHOSTADDR", "0:0:0:0:0:0:0:1")
                .doesNotContainKey("S_PGHOST");
    }

    @Test
    void refusesWhatItCannotPassSafely() {
        assertThatThrownBy(() -> SourceUrl.parse("host=db password=x")).isInstanceOf(OffshootException.class)
                .hasMessageContaining("postgresql://");
        assertThatThrownBy(() -> SourceUrl.parse("postgresql://a,b/db")).isInstanceOf(OffshootException.class);
        assertThatThrownBy(() -> SourceUrl.parse("postgresql://db/x?passfile=/etc/shadow"))
                .isInstanceOf(OffshootException.class).hasMessageContaining("passfile");
    }

    @Test
    void readsHostsAndParametersAsLibpqDoes() {
        assertThat(SourceUrl.parse("postgresql://%31%32%37.0.0.1/db").host()).isEqualTo("127.0.0.1");
        assertThat(SourceUrl.parse("postgresql://u@[fe80::1%25eth0]:6000/db").host()).isEqualTo("fe80::1%eth0");
        assertThat(SourceUrl.parse("postgresql://[fe80::1%25eth0]:6000/db").port()).isEqualTo(6000);
        assertThat(SourceUrl.parse("postgresql://u:p%40ss@db/x?pass%77ord=other").password()).isEqualTo("other");
        assertThat(SourceUrl.parse("postgresql://db:5433").database()).isEmpty();
        SourceUrl url = SourceUrl.parse("postgresql://app:pw@DB.Example:7000/shop?dbname=other&user=u2");
        assertThat(url.host()).isEqualTo("DB.Example");
        assertThat(url.database()).isEqualTo("other");
        assertThat(url.user()).isEqualTo("u2");
        assertThat(url.hostAndPort()).isEqualTo("DB.Example:7000");
    }

    @Test
    void refusesEveryWayOfNamingAnotherHostThanTheOneChecked() {
        for (String url : List.of("postgresql://a,b/db", "postgresql://a:5432,b:5432/db", "postgresql:///db",
                "postgresql://u:p@/db", "postgresql://db/x?host=127.0.0.1", "postgresql://db/x?hostaddr=127.0.0.1",
                "postgresql://db/x?port=54399", "postgresql://%2Fvar%2Frun%2Fpostgresql/db",
                "postgresql://db/x?ho%73t=127.0.0.1", "postgresql://[::1/db", "postgresql://[::1]x/db",
                "postgresql://db%00.example/x", "postgresql://db/x?dbname=%zz", "postgresql://db:99999/x",
                "postgresql://db:54a/x", "postgresql://d b/x", "postgresql://[evil.example]/x")) {
            assertThatThrownBy(() -> SourceUrl.parse(url)).as(url).isInstanceOf(OffshootException.class)
                    .satisfies(e -> assertThat(((OffshootException) e).code()).isEqualTo("INVALID_SOURCE"));
        }
    }

    private static InetAddress address(String literal) {
        return InetAddress.ofLiteral(literal);
    }
}
