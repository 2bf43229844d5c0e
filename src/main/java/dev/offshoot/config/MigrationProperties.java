package dev.offshoot.config;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Migrations, schema checks and SQL on branches.
 *
 * @param maxPayloadBytes         largest migration set or SQL text accepted, counted after
 *                                decompressing archives (a zip bomb stops here too)
 * @param maxFiles                most migration files in one request
 * @param defaultStatementTimeout statement_timeout for SQL runs that do not ask for one
 * @param maxStatementTimeout     the longest statement_timeout an SQL run may ask for
 * @param defaultMaxRows          rows returned per statement when the request does not say
 * @param maxRows                 the most rows a request may ask for per statement
 * @param lockPollInterval        how often a check samples pg_locks while a migration runs; shorter
 *                                catches briefer locks at the cost of more catalog queries
 */
@ConfigurationProperties("offshoot.migration")
public record MigrationProperties(
        @DefaultValue("10485760") long maxPayloadBytes,
        @DefaultValue("1000") int maxFiles,
        @DefaultValue("30s") Duration defaultStatementTimeout,
        @DefaultValue("10m") Duration maxStatementTimeout,
        @DefaultValue("1000") int defaultMaxRows,
        @DefaultValue("10000") int maxRows,
        @DefaultValue("20ms") Duration lockPollInterval) {
}
