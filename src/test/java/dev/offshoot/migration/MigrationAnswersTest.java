package dev.offshoot.migration;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON of the migration and schema tools' answers (MigrationOperations), field by field and
 * in order: agents and their clients read these names, so a change of shape is a change of contract.
 */
class MigrationAnswersTest {

    private static final JsonMapper JSON = JsonMapper.shared();
    private static final Verdicts.Decision DROP = new Verdicts.Decision("error", "DROP_COLUMN", "V2__drop.sql",
            "film.x", "drops a column");
    private static final String DROP_JSON = "{\"level\":\"error\",\"rule\":\"DROP_COLUMN\",\"migration\":"
            + "\"V2__drop.sql\",\"target\":\"film.x\",\"message\":\"drops a column\"}";
    private static final FlywayRunner.Applied V2 = new FlywayRunner.Applied("2", "drop", "V2__drop.sql", "SQL", 12);
    private static final String V2_JSON = "{\"version\":\"2\",\"description\":\"drop\",\"script\":\"V2__drop.sql\","
            + "\"type\":\"SQL\",\"durationMs\":12}";

    @Test
    void aCheckAnswersTheVerdictAndASummaryOfTheTrial() {
        Map<String, Object> failure = new LinkedHashMap<>();
        failure.put("code", "MIGRATION_FAILED");
        failure.put("detail", "boom");
        MigrationCheck.Report report = new MigrationCheck.Report("pr-7", "fail", false, List.of(DROP),
                new MigrationCheck.PolicyRef("shop", "template", "error-only"), "abc", false, 345, "1", "2",
                List.of(V2), List.of(new MigrationWatch.LockTaken("V2__drop.sql", "public.film", "AccessExclusiveLock",
                        1000, 7)), List.of(new MigrationWatch.Rewrite("V2__drop.sql", "public.film", 1000)),
                List.of(new TrialEffects.Effect("DROP_COLUMN", "V2__drop.sql", "film.x", null, null, "film.x dropped")),
                List.of(), null, "- film.x\n", failure);

        assertThat(JSON.writeValueAsString(MigrationOperations.summary(report))).isEqualTo("{\"branch\":\"pr-7\","
                + "\"verdict\":\"fail\",\"findings\":[" + DROP_JSON + "],\"policy\":{\"template\":\"shop\","
                + "\"source\":\"template\",\"mode\":\"error-only\"},\"checksum\":\"abc\",\"durationMs\":345,"
                + "\"migrations\":[\"V2__drop.sql (12 ms)\"],\"effects\":[\"V2__drop.sql: film.x dropped\"],"
                + "\"locks\":[\"AccessExclusiveLock on public.film (~1000 rows, at most 7 ms) by V2__drop.sql\"],"
                + "\"rewrites\":[\"public.film (~1000 rows) by V2__drop.sql\"],"
                + "\"failure\":{\"code\":\"MIGRATION_FAILED\",\"detail\":\"boom\"},\"diff\":\"- film.x\\n\"}");
    }

    @Test
    void aDryRunAnswersThePlanAndNoApprovalOrWarnings() {
        MigrationGate.Result dryRun = new MigrationGate.Result("pr-7", true, "pass", List.of(), "abc", null,
                List.of(new MigrationGate.Step("2", "drop", "V2__drop.sql")), "1", "1", 0, List.of(), List.of());

        assertThat(JSON.writeValueAsString(MigrationOperations.compact(dryRun))).isEqualTo("{\"branch\":\"pr-7\","
                + "\"dryRun\":true,\"verdict\":\"pass\",\"findings\":[],\"plan\":[{\"version\":\"2\","
                + "\"description\":\"drop\",\"script\":\"V2__drop.sql\"}],\"schemaVersion\":\"1\"}");
    }

    @Test
    void anApplyAnswersWhatRanTheApprovalSpentAndWhereTheRunDiffered() {
        MigrationGate.Result applied = new MigrationGate.Result("pr-7", false, "fail", List.of(DROP), "abc",
                "4b7e", List.of(), "1", "2", 1, List.of(V2), List.of("differed"));
        MigrationGate.Result plain = new MigrationGate.Result("pr-7", false, "pass", List.of(), "abc", null,
                List.of(), "1", null, 0, List.of(), List.of());

        assertThat(JSON.writeValueAsString(MigrationOperations.compact(applied))).isEqualTo("{\"branch\":\"pr-7\","
                + "\"dryRun\":false,\"verdict\":\"fail\",\"findings\":[" + DROP_JSON + "],\"approval\":\"4b7e\","
                + "\"applied\":[" + V2_JSON + "],\"schemaVersion\":\"2\",\"warnings\":[\"differed\"]}");
        assertThat(JSON.writeValueAsString(MigrationOperations.compact(plain))).isEqualTo("{\"branch\":\"pr-7\","
                + "\"dryRun\":false,\"verdict\":\"pass\",\"findings\":[],\"applied\":[],\"schemaVersion\":null}");
    }

    @Test
    void tablesAreListedWithTheirSizeAndColumnCount() {
        Schema schema = new Schema(List.of("public"), List.of(new Schema.Table("public", "film", 1000, 8192,
                List.of(new Schema.Column("id", "integer", false, null)), List.of(), List.of())), List.of(),
                List.of(), List.of());

        assertThat(JSON.writeValueAsString(MigrationOperations.tables("pr-7", schema))).isEqualTo("{\"branch\":"
                + "\"pr-7\",\"tables\":[{\"table\":\"public.film\",\"rowEstimate\":1000,\"sizeBytes\":8192,"
                + "\"columns\":1}]}");
    }

    @Test
    void aComparisonNamesItsBaseAndGivesTheDiffAsText() {
        Schema empty = new Schema(List.of(), List.of(), List.of(), List.of(), List.of());
        SchemaDiffs.Result result = new SchemaDiffs.Result("pr-7", new SchemaDiffs.Base("template", "shop", 2), true,
                SchemaDiff.between(empty, empty), "no changes\n");

        assertThat(JSON.writeValueAsString(MigrationOperations.comparison(result))).isEqualTo("{\"branch\":\"pr-7\","
                + "\"base\":{\"kind\":\"template\",\"name\":\"shop\",\"revision\":2},\"identical\":true,"
                + "\"diff\":\"no changes\\n\"}");
    }
}
