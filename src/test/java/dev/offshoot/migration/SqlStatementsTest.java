package dev.offshoot.migration;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SqlStatementsTest {

    @Test
    void splitsAtSemicolonsOutsideQuotesCommentsAndDollarQuotes() {
        String sql = """
                CREATE TABLE t (a text DEFAULT 'x;y'); -- a comment; still a comment
                /* block; comment */ INSERT INTO "odd;name" VALUES ('it''s;');
                CREATE FUNCTION f() RETURNS int AS $body$ BEGIN RETURN 1; END; $body$ LANGUAGE plpgsql;
                SELECT $$a;b$$
                """;

        assertThat(SqlStatements.split(sql)).hasSize(4).last().isEqualTo("SELECT $$a;b$$");
        assertThat(SqlStatements.split(sql).get(2)).endsWith("LANGUAGE plpgsql");
    }

    @Test
    void commentsAndEmptyStatementsAreNotStatements() {
        assertThat(SqlStatements.split(";; -- nothing\n/* at all */ ;")).isEmpty();
        assertThat(SqlStatements.normalize("ALTER TABLE t -- why\n  DROP   COLUMN c")).isEqualTo("ALTER TABLE t DROP COLUMN c");
    }
}
