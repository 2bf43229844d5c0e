package dev.offshoot.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.offshoot.error.OffshootException;

class VerdictsTest {

    private static final MigrationPolicy DEFAULT = new MigrationPolicy(null, null, null, null, null).validated();

    @Test
    void aDroppedColumnFailsTheDefaultPolicyAndSaysWhy() {
        Verdicts.Verdict v = verdict(DEFAULT, "ALTER TABLE users DROP COLUMN bio");

        assertThat(v.verdict()).isEqualTo("fail");
        assertThat(v.passed()).isFalse();
        assertThat(v.findings()).extracting(d -> d.level() + " " + d.rule() + " " + d.target())
                .containsExactly("error DROP_COLUMN users.bio");
    }

    @Test
    void mediumFindingsWarnUnderErrorOnlyAndFailUnderWarningSensitive() {
        String sql = "CREATE INDEX users_email_idx ON users (email)";
        assertThat(verdict(DEFAULT, sql).verdict()).isEqualTo("warn");
        assertThat(verdict(DEFAULT, sql).passed()).isTrue();
        assertThat(verdict(policy("warning-sensitive", Map.of(), List.of()), sql).verdict()).isEqualTo("fail");
        assertThat(verdict(DEFAULT, "CREATE INDEX drafts_idx ON drafts (id)").verdict()).isEqualTo("pass");
    }

    @Test
    void rulesOverrideTheSeverityLevels() {
        MigrationPolicy dropsAllowed = policy("error-only", Map.of("DROP_COLUMN", "warning"), List.of());
        assertThat(verdict(dropsAllowed, "ALTER TABLE users DROP COLUMN bio").verdict()).isEqualTo("warn");
        MigrationPolicy off = policy("warning-sensitive", Map.of("INDEX_WITHOUT_CONCURRENTLY", "off"), List.of());
        assertThat(verdict(off, "CREATE INDEX users_email_idx ON users (email)").verdict()).isEqualTo("pass");
    }

    @Test
    void stagedDestructiveChangesPassUnderAnAllowlistButNotInStrictMode() {
        MigrationPolicy staged = policy("warning-sensitive", Map.of(), List.of("^drop_"));
        assertThat(verdict(staged, "ALTER TABLE users RENAME COLUMN bio TO drop_bio").verdict()).isEqualTo("pass");
        assertThat(verdict(staged, "ALTER TABLE users DROP COLUMN drop_bio").verdict()).isEqualTo("pass");
        assertThat(verdict(staged, "ALTER TABLE users DROP COLUMN bio").verdict()).isEqualTo("fail");
        assertThat(verdict(policy("strict", Map.of(), List.of("^drop_")), "ALTER TABLE users DROP COLUMN drop_bio")
                .verdict()).isEqualTo("fail");
    }

    @Test
    void locksAndRewritesOverTheLimitsAreErrors() {
        MigrationPolicy limited = new MigrationPolicy("error-only", null, null, null,
                new MigrationPolicy.Limits(1000L, 10_000L)).validated();
        List<MigrationWatch.LockTaken> locks = List.of(
                new MigrationWatch.LockTaken("V1__a.sql", "public.users", "AccessExclusiveLock", 5000, 12),
                new MigrationWatch.LockTaken("V1__a.sql", "public.drafts", "AccessExclusiveLock", 10, 12),
                new MigrationWatch.LockTaken("V1__a.sql", "public.users", "ShareLock", 5000, 12));
        List<MigrationWatch.Rewrite> rewrites = List.of(new MigrationWatch.Rewrite("V1__a.sql", "public.users", 5000));

        Verdicts.Verdict v = Verdicts.evaluate(limited, List.of(), List.of(), locks, rewrites, null, null);

        assertThat(v.verdict()).isEqualTo("fail");
        assertThat(v.findings()).extracting(d -> d.rule() + " " + d.target()).containsExactly("LOCK_LIMIT public.users");
    }

    @Test
    void newNamesMustMatchTheNamingRules() {
        MigrationPolicy naming = new MigrationPolicy("warning-sensitive", null, null,
                new MigrationPolicy.Naming("^[a-z_]+$", "_idx$", "_fkey$", null), null).validated();
        SchemaDiff diff = SchemaDiff.between(MigrationLintTest.BEFORE, new Schema(List.of("public"), List.of(
                MigrationLintTest.BEFORE.tables().get(0), MigrationLintTest.BEFORE.tables().get(1),
                new Schema.Table("public", "Orders2", 0, 0, List.of(), List.of(), List.of())),
                List.of(), List.of(), List.of()));

        Verdicts.Verdict v = Verdicts.evaluate(naming, List.of(), List.of(), List.of(), List.of(), diff, null);

        assertThat(v.verdict()).isEqualTo("fail");
        assertThat(v.findings()).extracting(d -> d.level() + " " + d.rule() + " " + d.target())
                .containsExactly("warning NAMING Orders2");
    }

    @Test
    void aFailedMigrationAlwaysFailsAndIsRefused() {
        Verdicts.Verdict v = Verdicts.evaluate(policy("error-only", Map.of(), List.of()), List.of(), List.of(),
                List.of(), List.of(), null, Map.of("code", "MIGRATION_FAILED", "detail", "boom",
                        "migration", Map.of("script", "V1__x.sql")));
        assertThat(v.verdict()).isEqualTo("fail");
        assertThat(v.findings()).extracting(d -> d.rule() + " " + d.migration()).containsExactly(
                "MIGRATION_FAILED V1__x.sql");
        assertThat(Verdicts.refused("error-only", v.findings())).as("never run for real").isTrue();
        assertThat(Verdicts.refused("error-only", verdict(DEFAULT, "ALTER TABLE users DROP COLUMN bio").findings()))
                .isTrue();
    }

    @Test
    void effectsTheTextDidNotShowFailTheSetUnderTheirRules() {
        List<TrialEffects.Effect> effects = List.of(
                new TrialEffects.Effect("DROP_TABLE", "V1__x.sql", "public.drafts", 0L, true, "dropped table"),
                new TrialEffects.Effect("ROWS_REMOVED", "V1__x.sql", "public.users", 5000L, true, "removed rows"),
                new TrialEffects.Effect("DROP_INDEX", null, "public.users.users_email_idx", null, null, "dropped"));

        Verdicts.Verdict v = Verdicts.evaluate(DEFAULT, List.of(), effects, List.of(), List.of(), null, null);

        assertThat(v.verdict()).isEqualTo("fail");
        assertThat(v.findings()).extracting(d -> d.level() + " " + d.rule() + " " + d.target()).containsExactly(
                "error DROP_TABLE public.drafts", "error ROWS_REMOVED public.users",
                "warning DROP_INDEX public.users.users_email_idx");
        assertThat(v.findings().get(0).message()).startsWith("on the copy, V1__x.sql dropped table");
    }

    @Test
    void anEffectTheLintAlreadyNamedCountsOnce() {
        List<MigrationLint.Finding> lint = MigrationLint.lint(List.of(MigrationFile.parse("V9__x.sql",
                "ALTER TABLE users DROP COLUMN bio; ALTER TABLE users ALTER COLUMN email TYPE varchar(10)")),
                MigrationLintTest.BEFORE);
        List<TrialEffects.Effect> effects = List.of(
                new TrialEffects.Effect("DROP_COLUMN", "V9__x.sql", "public.users.bio", null, null, "dropped"),
                new TrialEffects.Effect("TYPE_NARROWING", null, "public.users.email", null, null, "narrowed"),
                new TrialEffects.Effect("DROP_COLUMN", "V9__x.sql", "public.drafts.id", null, null, "dropped"));

        Verdicts.Verdict v = Verdicts.evaluate(DEFAULT, lint, effects, List.of(), List.of(), null, null);

        assertThat(v.findings()).extracting(d -> d.rule() + " " + d.target()).containsExactly(
                "DROP_COLUMN users.bio", "TYPE_NARROWING users.email", "TYPE_CHANGE_ON_POPULATED null",
                "DROP_COLUMN public.drafts.id");
    }

    @Test
    void effectRulesFollowThePolicysLevelsAndAllowlist() {
        List<TrialEffects.Effect> effects = List.of(new TrialEffects.Effect("ROWS_REMOVED", "V1__x.sql",
                "public.drop_imports", 10L, true, "removed rows"));
        assertThat(Verdicts.evaluate(policy("warning-sensitive", Map.of(), List.of("^drop_")), List.of(), effects,
                List.of(), List.of(), null, null).verdict()).isEqualTo("pass");
        assertThat(Verdicts.evaluate(policy("error-only", Map.of("ROWS_REMOVED", "warning"), List.of()), List.of(),
                effects, List.of(), List.of(), null, null).verdict()).isEqualTo("warn");
        assertThatThrownBy(() -> policy("error-only", Map.of("TRANSACTION_CONTROL", "off"), List.of()))
                .hasMessageContaining("TRANSACTION_CONTROL");
    }

    @Test
    void invalidPoliciesAreRefusedWithInvalidPolicy() {
        assertThatThrownBy(() -> policy("lenient", Map.of(), List.of())).isInstanceOf(OffshootException.class)
                .hasMessageContaining("mode");
        assertThatThrownBy(() -> policy("strict", Map.of(), List.of("(unclosed"))).isInstanceOf(OffshootException.class)
                .satisfies(e -> assertThat(((OffshootException) e).code()).isEqualTo("INVALID_POLICY"));
        assertThatThrownBy(() -> policy("strict", Map.of("NO_SUCH_RULE", "error"), List.of()))
                .hasMessageContaining("NO_SUCH_RULE");
        assertThatThrownBy(() -> policy("strict", Map.of("DROP_TABLE", "fatal"), List.of()))
                .hasMessageContaining("error, warning or off");
        assertThatThrownBy(() -> new MigrationPolicy(null, null, null, null, new MigrationPolicy.Limits(-1L, null))
                .validated()).hasMessageContaining("limits");
    }

    private static MigrationPolicy policy(String mode, Map<String, String> rules, List<String> allow) {
        return new MigrationPolicy(mode, rules, allow, null, null).validated();
    }

    private static Verdicts.Verdict verdict(MigrationPolicy policy, String sql) {
        List<MigrationLint.Finding> lint = MigrationLint.lint(List.of(MigrationFile.parse("V9__x.sql", sql)),
                MigrationLintTest.BEFORE);
        return Verdicts.evaluate(policy, lint, List.of(), List.of(), List.of(), null, null);
    }
}
