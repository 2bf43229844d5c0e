package dev.offshoot.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NamesTest {

    @ParameterizedTest
    @ValueSource(strings = {"a", "pr-123-add-tags", "main", "0abc9"})
    void acceptsDnsLabelLikeNames(String name) {
        assertThat(Names.requireResourceName("branch", name)).isEqualTo(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Main", "-x", "x-", "a_b", "a.b", "x y",
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"})
    void rejectsOtherNamesWithAStableCode(String name) {
        assertThatThrownBy(() -> Names.requireResourceName("branch", name))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.code()).isEqualTo("INVALID_NAME");
                    assertThat(e.status().value()).isEqualTo(400);
                });
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgres", "pg_app", "offshoot_readonly", "1db", "App", "a-b"})
    void rejectsReservedOrInvalidSqlIdentifiers(String name) {
        assertThatThrownBy(() -> Names.requireSqlIdentifier("database", name)).isInstanceOf(ApiException.class);
    }
}
