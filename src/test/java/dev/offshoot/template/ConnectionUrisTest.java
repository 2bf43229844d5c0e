package dev.offshoot.template;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ConnectionUrisTest {

    @Test
    void masksThePasswordInUserinfoAndInParameters() {
        assertThat(ConnectionUris.maskPassword("postgresql://app:s3cr%40t@db.example:5432/shop?sslmode=require"))
                .isEqualTo("postgresql://app:***@db.example:5432/shop?sslmode=require");
        assertThat(ConnectionUris.maskPassword("postgres://db/shop?user=app&password=hunter2&x=1"))
                .isEqualTo("postgres://db/shop?user=app&password=***&x=1");
        assertThat(ConnectionUris.maskPassword("postgresql://app@db/shop")).isEqualTo("postgresql://app@db/shop");
    }

    @Test
    void acceptsOnlyPostgresUris() {
        assertThat(ConnectionUris.looksLikePostgresUri("postgresql://db/x")).isTrue();
        assertThat(ConnectionUris.looksLikePostgresUri("postgres://db/x")).isTrue();
        assertThat(ConnectionUris.looksLikePostgresUri("mysql://db/x")).isFalse();
        assertThat(ConnectionUris.looksLikePostgresUri(null)).isFalse();
    }
}
