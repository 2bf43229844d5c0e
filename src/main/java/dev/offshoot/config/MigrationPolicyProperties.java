package dev.offshoot.config;

import java.util.List;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The migration policy of templates that have none of their own (see MigrationPolicy for the
 * meaning of each field). By default only errors fail: high-severity lint findings (DROP_TABLE,
 * DROP_COLUMN, TYPE_NARROWING, ADD_NOT_NULL_WITHOUT_DEFAULT) are errors, medium ones warnings.
 */
@ConfigurationProperties("offshoot.migrations.policy")
public record MigrationPolicyProperties(
        @DefaultValue("error-only") String mode,
        Map<String, String> rules,
        List<String> allow,
        Map<String, String> naming,
        Long maxRowsForAccessExclusiveLock,
        Long maxRowsForRewrite) {
}
