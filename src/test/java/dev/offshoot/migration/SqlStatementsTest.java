package dev.offshoot.migration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

class SqlStatementsTest {

    private static final int FIVE_MB = 5 * 1024 * 1024;

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

    @Test
    void nestedCommentsEndWhereTheServerEndsThem() {
        assertThat(SqlStatements.split("/* outer /* inner */ still; a comment */ SELECT 1; SELECT 2"))
                .containsExactly("/* outer /* inner */ still; a comment */ SELECT 1", "SELECT 2");
        assertThat(SqlStatements.normalize("DROP/* a /* b */ c */TABLE t")).isEqualTo("DROP TABLE t");
    }

    @Test
    void escapeStringsDollarsInNamesAndUnicodeStringsAreReadAsTheServerReadsThem() {
        assertThat(SqlStatements.split("SELECT E'it\\'s; \\\\'; SELECT 2")).containsExactly("SELECT E'it\\'s; \\\\'",
                "SELECT 2");
        assertThat(SqlStatements.split("SELECT 1 AS a$b$; SELECT 2")).containsExactly("SELECT 1 AS a$b$", "SELECT 2");
        assertThat(SqlStatements.split("SELECT U&'d\\0061t;a' , U&\"na;me\"; SELECT 2")).hasSize(2);
        assertThat(SqlStatements.split("SELECT $a$ x $b$ ; $b$ $a$; SELECT $1")).containsExactly(
                "SELECT $a$ x $b$ ; $b$ $a$", "SELECT $1");
    }

    @Test
    void parenthesesAndStandardFunctionBodiesHoldTheirSemicolons() {
        String sql = """
                CREATE FUNCTION two() RETURNS int LANGUAGE sql BEGIN ATOMIC
                  SELECT 1; SELECT CASE WHEN true THEN 2 END;
                END;
                CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO a VALUES (1); INSERT INTO b VALUES (2));
                SELECT 3""";

        List<String> statements = SqlStatements.split(sql);

        assertThat(statements).hasSize(3);
        assertThat(statements.get(0)).endsWith("END");
        assertThat(statements.get(2)).isEqualTo("SELECT 3");
    }

    @Test
    void onlyKeywordsOutsideParenthesesAreTopLevel() {
        assertThat(SqlStatements.hasTopLevelWord("DELETE FROM t USING (SELECT 1 WHERE true) s", "WHERE")).isFalse();
        assertThat(SqlStatements.hasTopLevelWord("DELETE FROM t WHERE id = 1", "where")).isTrue();
        assertThat(SqlStatements.hasTopLevelWord("DELETE FROM t -- WHERE id = 1", "WHERE")).isFalse();
    }

    /**
     * Pathological inputs of 5 MB. The comment stripping this replaced (a lazy regex per comment)
     * was quadratic: 6 s for 30 KB of unclosed comment openers, 23 s for 60 KB, 78 s for 120 KB
     * here, so about 40 hours for 5 MB. Each of these takes well under a second on an idle machine;
     * the deadline leaves room for a loaded one.
     */
    @Test
    void multiMegabytePathologicalSqlIsScannedInLinearTime() {
        Map<String, String> inputs = Map.of(
                "unclosed comment openers", "/* ".repeat(FIVE_MB / 3),
                "nested comments", "/*".repeat(FIVE_MB / 4) + "*/".repeat(FIVE_MB / 4),
                "dollar tags", "$a$".repeat(FIVE_MB / 3),
                "unclosed dollar tags", "$a$ $b".repeat(FIVE_MB / 6),
                "a long dollar tag", "$" + "t".repeat(FIVE_MB / 2) + "$ " + ("$" + "t".repeat(1000) + "x").repeat(2000),
                "quotes", "'".repeat(FIVE_MB),
                "escape strings", "E'\\'".repeat(FIVE_MB / 4),
                "parentheses", "(".repeat(FIVE_MB) + ";",
                "line comments", "--\n".repeat(FIVE_MB / 3),
                "semicolons", "a;".repeat(FIVE_MB / 2));
        inputs.forEach((name, sql) -> within(name, () -> {
            List<String> statements = SqlStatements.split(sql);
            statements.forEach(SqlStatements::normalize);
            SqlStatements.hasTopLevelWord(sql, "WHERE");
            return statements;
        }));
    }

    /** The lint reads the same text, and its rules too are linear in it. */
    @Test
    void multiMegabytePathologicalMigrationsAreLintedInLinearTime() {
        Map<String, String> inputs = Map.of(
                "many defaults", "ALTER TABLE users ADD COLUMN c int " + "DEFAULT ".repeat(FIVE_MB / 8),
                "many drops", "ALTER TABLE users " + "DROP ".repeat(FIVE_MB / 5),
                "a long drop list", "DROP TABLE " + "a,".repeat(FIVE_MB / 2),
                "a long index", "CREATE INDEX i " + "x ".repeat(FIVE_MB / 2),
                "nested DO bodies", "DO $$ BEGIN EXECUTE 'DO $x$ BEGIN " + "EXECUTE ''x''; ".repeat(FIVE_MB / 16)
                        + " END $x$'; END $$",
                "unclosed comment openers", "DROP TABLE t; " + "/* ".repeat(FIVE_MB / 3),
                "a long delete", "DELETE FROM users " + "USING (".repeat(FIVE_MB / 8));
        inputs.forEach((name, sql) -> within(name, () -> MigrationLint.lint(
                List.of(MigrationFile.parse("V1__x.sql", sql)), MigrationLintTest.BEFORE)));
    }

    private static void within(String name, Supplier<?> work) {
        long started = System.nanoTime();
        assertTimeoutPreemptively(Duration.ofSeconds(10), work::get, name);
        System.out.printf("%s: %d ms%n", name, (System.nanoTime() - started) / 1_000_000);
    }
}
