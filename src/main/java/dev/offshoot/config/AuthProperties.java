package dev.offshoot.config;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Bearer authentication of the API.
 *
 * @param adminToken the admin bearer token every /api call must present; empty refuses every call
 */
@ConfigurationProperties("offshoot.auth")
public record AuthProperties(@DefaultValue("") String adminToken) {
}
