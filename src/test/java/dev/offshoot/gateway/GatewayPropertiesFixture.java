package dev.offshoot.gateway;

import java.time.Duration;

import dev.offshoot.config.GatewayProperties;

/** Gateway properties with the defaults of application configuration, for tests without Spring. */
final class GatewayPropertiesFixture {

    private GatewayPropertiesFixture() {
    }

    static GatewayProperties with(GatewayProperties.PlainText plainText) {
        return with(plainText, Duration.ofSeconds(30));
    }

    static GatewayProperties with(GatewayProperties.PlainText plainText, Duration routeCacheTtl) {
        return new GatewayProperties(true, 0, "127.0.0.1", "", 0, "db.example", plainText,
                new GatewayProperties.Tls("", "", Duration.ofSeconds(10)), false, true, 8192, Duration.ofSeconds(10),
                Duration.ofSeconds(5), 64, 200, 4, Duration.ofSeconds(30), Duration.ofMinutes(5), Duration.ofSeconds(30),
                routeCacheTtl);
    }
}
