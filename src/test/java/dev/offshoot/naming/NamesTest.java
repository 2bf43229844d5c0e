package dev.offshoot.naming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.offshoot.error.OffshootException;

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
                .isInstanceOfSatisfying(OffshootException.class, e -> {
                    assertThat(e.code()).isEqualTo("INVALID_NAME");
                    assertThat(e.kind()).isEqualTo(OffshootException.Kind.INVALID);
                });
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgres", "pg_app", "offshoot_readonly", "1db", "App", "a-b"})
    void rejectsReservedOrInvalidSqlIdentifiers(String name) {
        assertThatThrownBy(() -> Names.requireSqlIdentifier("database", name)).isInstanceOf(OffshootException.class);
    }
}
