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
 * @param checkTimeout            how long a check's trial on its throwaway may take (copy, readings
 *                                and the migrations); past it the trial is stopped, the throwaway
 *                                deleted, and the check answers CHECK_TIMEOUT
 * @param exactRowCountMaxBytes   tables whose data is at most this size are counted exactly before
 *                                and after a trial; larger ones use the planner's estimate
 * @param approvalTtl             how long an approval of a migration set may be spent
 */
@ConfigurationProperties("offshoot.migration")
public record MigrationProperties(
        @DefaultValue("10485760") long maxPayloadBytes,
        @DefaultValue("1000") int maxFiles,
        @DefaultValue("30s") Duration defaultStatementTimeout,
        @DefaultValue("10m") Duration maxStatementTimeout,
        @DefaultValue("1000") int defaultMaxRows,
        @DefaultValue("10000") int maxRows,
        @DefaultValue("10m") Duration checkTimeout,
        @DefaultValue("67108864") long exactRowCountMaxBytes,
        @DefaultValue("24h") Duration approvalTtl) {
}
