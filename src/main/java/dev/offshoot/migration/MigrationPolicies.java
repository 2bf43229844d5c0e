package dev.offshoot.migration;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

import dev.offshoot.config.MigrationPolicyProperties;
import tools.jackson.databind.json.JsonMapper;

/** Migration policies per template, kept in the metadata store, and the configured default. */
@Service
public class MigrationPolicies {

    /**
     * @param source template (set for this template) or default (the service-wide policy)
     */
    public record Effective(String template, String source, MigrationPolicy policy) {
    }

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final MigrationPolicy defaults;

    MigrationPolicies(JdbcClient jdbc, JsonMapper json, MigrationPolicyProperties properties) {
        this.jdbc = jdbc;
        this.json = json;
        Map<String, String> naming = properties.naming() == null ? Map.of() : properties.naming();
        this.defaults = new MigrationPolicy(properties.mode(), properties.rules(), properties.allow(),
                new MigrationPolicy.Naming(naming.get("table"), naming.get("index"), naming.getOrDefault("foreign-key", naming.get("foreignKey")),
                        naming.get("constraint")),
                new MigrationPolicy.Limits(properties.maxRowsForAccessExclusiveLock(), properties.maxRowsForRewrite()))
                .validated();
    }

    /** The template's policy, or the default when it has none (or the template is null). */
    public Effective of(String template) {
        Optional<String> stored = template == null ? Optional.empty()
                : jdbc.sql("SELECT p.policy FROM migration_policy p JOIN template t ON t.id = p.template_id"
                        + " WHERE t.name = ?").param(template).query(String.class).optional();
        return stored.map(text -> new Effective(template, "template", json.readValue(text, MigrationPolicy.class)))
                .orElseGet(() -> new Effective(template, "default", defaults));
    }

    /** Stores a validated policy for an existing template (the caller checked it exists and may change it). */
    public Effective put(String template, MigrationPolicy policy, String actor) {
        MigrationPolicy valid = policy.validated();
        String text = json.writeValueAsString(valid);
        jdbc.sql("INSERT INTO migration_policy (template_id, policy, updated_by, updated_at)"
                + " SELECT id, ?, ?, ? FROM template WHERE name = ?"
                + " ON CONFLICT (template_id) DO UPDATE SET policy = EXCLUDED.policy,"
                + " updated_by = EXCLUDED.updated_by, updated_at = EXCLUDED.updated_at")
                .params(text, actor, Timestamp.from(Instant.now()), template).update();
        return new Effective(template, "template", valid);
    }
}
