package dev.offshoot.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import dev.offshoot.web.ApiException;

class SourceUrlTest {

    @Test
    void takesAUriApartWithThePasswordOnlyInTheEnvironment() {
        SourceUrl url = SourceUrl.parse("postgresql://app:s%40cret@db.example:6543/shop?sslmode=require");

        assertThat(url.host()).isEqualTo("db.example");
        assertThat(url.port()).isEqualTo(6543);
        assertThat(url.database()).isEqualTo("shop");
        assertThat(url.user()).isEqualTo("app");
        assertThat(url.environment("SOURCE_")).containsEntry("SOURCE_PGPASSWORD", "s@cret")
                .containsEntry("SOURCE_PGSSLMODE", "require").containsEntry("SOURCE_PGHOST", "db.example");
        assertThat(url.toString()).doesNotContain("s@cret");
    }

    @Test
    void defaultsAndQueryParameters() {
        SourceUrl url = SourceUrl.parse("postgres://[::1]?user=u&password=p&dbname=d");

        assertThat(url.host()).isEqualTo("::1");
        assertThat(url.port()).isEqualTo(5432);
        assertThat(url.database()).isEqualTo("d");
        assertThat(url.environment("S_")).containsEntry("S_PGUSER", "u").containsEntry("S_PGPASSWORD", "p");
    }

    @Test
    void refusesWhatItCannotPassSafely() {
        assertThatThrownBy(() -> SourceUrl.parse("host=db password=x")).isInstanceOf(ApiException.class)
                .hasMessageContaining("postgresql://");
        assertThatThrownBy(() -> SourceUrl.parse("postgresql://a,b/db")).isInstanceOf(ApiException.class);
        assertThatThrownBy(() -> SourceUrl.parse("postgresql://db/x?passfile=/etc/shadow"))
                .isInstanceOf(ApiException.class).hasMessageContaining("passfile");
    }
}
