package dev.offshoot.config;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Warm pools: per template, branches of its latest revision started ahead of time, so a create
 * that can take one answers without starting a container. A template's size is set over REST
 * ({@code PATCH /api/v1/templates/{name}} with {@code poolSize}); every template starts at 0.
 *
 * @param refillInterval how often pools are topped up, drained and moved to a new revision
 * @param startsPerTick  most members started in one refill pass (each is a container start), so a
 *                       big pool fills over several passes instead of taking the engine at once
 * @param maxSize        the largest pool one template may ask for
 */
@ConfigurationProperties("offshoot.pool")
public record PoolProperties(
        @DefaultValue("2s") Duration refillInterval,
        @DefaultValue("2") int startsPerTick,
        @DefaultValue("20") int maxSize) {
}
