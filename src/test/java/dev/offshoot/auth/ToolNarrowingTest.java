package dev.offshoot.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

/** Which tools a narrowing offers, and when one narrowing lies within another. */
class ToolNarrowingTest {

    @Test
    void eachPartLimitsAndTogetherTheyAllMustAllow() {
        ToolNarrowing readOnlyTuning = ToolNarrowing.parse(true, "tuning", null);

        assertThat(readOnlyTuning.allows("explain_sql_statement", "tuning", true)).isTrue();
        assertThat(readOnlyTuning.allows("prepare_query_tuning", "tuning", false)).isFalse();
        assertThat(readOnlyTuning.allows("list_tables", "schema", true)).isFalse();
        assertThat(ToolNarrowing.parse(false, null, "list_tables").allows("describe_table", "schema", true)).isFalse();
        assertThat(ToolNarrowing.NONE.allows("delete_branch", "branches", false)).isTrue();
        assertThat(ToolNarrowing.parse(false, "schema", null).allows("uncategorised", null, true)).isFalse();
    }

    @Test
    void listsAreCommaSeparatedOrRepeatedAndCheckedForTheirForm() {
        assertThat(ToolNarrowing.of(false, List.of("schema, tuning", "sql"), List.of()).categories())
                .containsExactlyInAnyOrder("schema", "tuning", "sql");
        assertThatThrownBy(() -> ToolNarrowing.parse(false, "everything", null))
                .hasFieldOrPropertyWithValue("code", "INVALID_TOOL_SELECTION").hasMessageContaining("branches");
        assertThatThrownBy(() -> ToolNarrowing.parse(false, null, "Drop Table"))
                .hasFieldOrPropertyWithValue("code", "INVALID_TOOL_SELECTION");
    }

    @Test
    void aNarrowingLiesWithinAnotherOnlyWhenItCannotOfferMore() {
        ToolNarrowing pin = ToolNarrowing.parse(true, "tuning,schema", null);

        assertThat(ToolNarrowing.parse(true, "tuning", null).within(pin)).isTrue();
        assertThat(ToolNarrowing.parse(false, "tuning", null).within(pin)).as("not read-only").isFalse();
        assertThat(ToolNarrowing.parse(true, "tuning,sql", null).within(pin)).as("another category").isFalse();
        assertThat(ToolNarrowing.parse(true, null, "list_tables").within(pin)).as("all categories").isFalse();
        assertThat(ToolNarrowing.NONE.within(pin)).isFalse();
        assertThat(pin.within(ToolNarrowing.NONE)).isTrue();
        ToolNarrowing tools = ToolNarrowing.parse(false, null, "list_tables,describe_table");
        assertThat(ToolNarrowing.parse(false, null, "list_tables").within(tools)).isTrue();
        assertThat(ToolNarrowing.parse(false, null, "run_sql").within(tools)).isFalse();
    }
}
