package dev.offshoot.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import dev.offshoot.config.MigrationPolicyProperties;
import dev.offshoot.error.OffshootException;

/** The service-wide default policy as configuration binds it. */
class MigrationPoliciesTest {

    @Test
    void nothingConfiguredIsErrorOnlyWithTheSeverityLevels() {
        MigrationPolicies.Effective effective = policies(Map.of()).of(null);

        assertThat(effective.source()).isEqualTo("default");
        assertThat(effective.policy().mode()).isEqualTo("error-only");
        assertThat(effective.policy().rules()).isEmpty();
        assertThat(effective.policy().allow()).isEmpty();
    }

    @Test
    void configuredRulesAllowlistsNamingAndLimitsBind() {
        MigrationPolicy policy = policies(Map.of("offshoot.migrations.policy.mode", "strict",
                "offshoot.migrations.policy.rules.DROP_COLUMN", "warning",
                "offshoot.migrations.policy.allow[0]", "^drop_",
                "offshoot.migrations.policy.naming.foreign-key", "_fkey$",
                "offshoot.migrations.policy.max-rows-for-rewrite", "1000")).of(null).policy();

        assertThat(policy.mode()).isEqualTo("strict");
        assertThat(policy.rules()).containsEntry("DROP_COLUMN", "warning");
        assertThat(policy.allow()).isEqualTo(List.of("^drop_"));
        assertThat(policy.naming().foreignKey()).isEqualTo("_fkey$");
        assertThat(policy.limits().maxRowsForRewrite()).isEqualTo(1000L);
    }

    @Test
    void anInvalidDefaultStopsStartup() {
        assertThatThrownBy(() -> policies(Map.of("offshoot.migrations.policy.naming.table", "([")))
                .isInstanceOf(OffshootException.class).hasMessageContaining("naming.table");
    }

    private static MigrationPolicies policies(Map<String, String> config) {
        MigrationPolicyProperties properties = new Binder(new MapConfigurationPropertySource(config))
                .bindOrCreate("offshoot.migrations.policy", MigrationPolicyProperties.class);
        return new MigrationPolicies(null, null, properties);
    }
}
