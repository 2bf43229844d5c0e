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
    void aPercentEncodedParameterNameIsMaskedLikeItsDecodedName() {
        assertThat(ConnectionUris.maskPassword("postgresql://db/shop?pass%77ord=hunter2"))
                .isEqualTo("postgresql://db/shop?pass%77ord=***");
        assertThat(ConnectionUris.maskPassword("postgresql://db/shop?user=app&%70%61%73%73%77%6F%72%64=hunter2&x=1"))
                .isEqualTo("postgresql://db/shop?user=app&%70%61%73%73%77%6F%72%64=***&x=1");
        assertThat(ConnectionUris.maskPassword("postgresql://db/shop?PASSWORD=hunter2"))
                .isEqualTo("postgresql://db/shop?PASSWORD=***");
        assertThat(ConnectionUris.maskPassword("postgresql://db/shop?sslpassword=hunter2&sslmode=require"))
                .isEqualTo("postgresql://db/shop?sslpassword=***&sslmode=require");
    }

    @Test
    void aPasswordHoldingUnencodedDelimitersIsMaskedWhole() {
        assertThat(ConnectionUris.maskPassword("postgresql://app:hun@ter:2@db/shop"))
                .isEqualTo("postgresql://app:***@db/shop");
        assertThat(ConnectionUris.maskPassword("POSTGRESQL://app:hunter2@db/shop"))
                .isEqualTo("POSTGRESQL://app:***@db/shop");
        assertThat(ConnectionUris.maskPassword("postgresql://db/shop?password=hun=ter2&x=1"))
                .isEqualTo("postgresql://db/shop?password=***&x=1");
    }

    @Test
    void keywordValueConnectionStringsAreMaskedToo() {
        assertThat(ConnectionUris.maskPassword("host=db password=hunter2 dbname=shop"))
                .isEqualTo("host=db password=*** dbname=shop");
        assertThat(ConnectionUris.maskPassword("host=db PASSWORD = 'hun ter\\'2' dbname=shop"))
                .isEqualTo("host=db PASSWORD = *** dbname=shop");
    }

    @Test
    void acceptsOnlyPostgresUris() {
        assertThat(ConnectionUris.looksLikePostgresUri("postgresql://db/x")).isTrue();
        assertThat(ConnectionUris.looksLikePostgresUri("postgres://db/x")).isTrue();
        assertThat(ConnectionUris.looksLikePostgresUri("mysql://db/x")).isFalse();
        assertThat(ConnectionUris.looksLikePostgresUri(null)).isFalse();
    }
}
