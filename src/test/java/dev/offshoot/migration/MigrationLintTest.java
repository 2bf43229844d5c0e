package dev.offshoot.migration;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class MigrationLintTest {

    /** One populated table (users, 5000 rows) and one empty (drafts). */
    static final Schema BEFORE = new Schema(List.of("public"), List.of(
            new Schema.Table("public", "users", 5000, 1 << 20, List.of(
                    new Schema.Column("id", "bigint", false, null),
                    new Schema.Column("email", "character varying(255)", true, null),
                    new Schema.Column("bio", "text", true, null)), List.of(), List.of()),
            new Schema.Table("public", "drafts", 0, 8192, List.of(new Schema.Column("id", "integer", false, null)),
                    List.of(), List.of())), List.of(), List.of(), List.of());

    @Test
    void destructiveChangesAreFlaggedWithTheirMigration() {
        List<MigrationLint.Finding> findings = lint("V3__cleanup.sql", """
                ALTER TABLE users DROP COLUMN bio;
                DROP TABLE IF EXISTS drafts;
                ALTER TABLE users ALTER COLUMN email DROP NOT NULL, DROP CONSTRAINT users_email_key;
                """);

        assertThat(findings).extracting(f -> f.severity() + " " + f.rule() + " " + f.migration())
                .containsExactly("high DROP_COLUMN V3__cleanup.sql", "high DROP_TABLE V3__cleanup.sql");
    }

    @Test
    void riskyChangesOnPopulatedTablesAreFlaggedAndTheSameOnEmptyTablesAreNot() {
        assertThat(rules("CREATE INDEX users_email_idx ON users (email)")).containsExactly("INDEX_WITHOUT_CONCURRENTLY");
        assertThat(rules("CREATE INDEX CONCURRENTLY users_email_idx ON users (email)")).isEmpty();
        assertThat(rules("CREATE INDEX drafts_idx ON drafts (id)")).isEmpty();
        assertThat(rules("ALTER TABLE users ALTER COLUMN email SET NOT NULL")).containsExactly("NOT_NULL_ON_POPULATED");
        assertThat(rules("ALTER TABLE drafts ALTER COLUMN id SET NOT NULL")).isEmpty();
        assertThat(rules("ALTER TABLE users ADD COLUMN age int NOT NULL"))
                .containsExactly("ADD_NOT_NULL_WITHOUT_DEFAULT");
        assertThat(rules("ALTER TABLE users ADD COLUMN age int NOT NULL DEFAULT 0")).isEmpty();
    }

    @Test
    void onlyVolatileDefaultsAreFlaggedAsRewrites() {
        assertThat(rules("ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid()"))
                .containsExactly("VOLATILE_DEFAULT_REWRITE");
        assertThat(rules("ALTER TABLE users ADD COLUMN seq bigserial")).containsExactly("VOLATILE_DEFAULT_REWRITE");
        assertThat(rules("ALTER TABLE users ADD COLUMN created timestamptz DEFAULT now()")).isEmpty();
    }

    @Test
    void typeNarrowingIsHighAndAnyTypeChangeOnAPopulatedTableIsMedium() {
        assertThat(rules("ALTER TABLE users ALTER COLUMN id TYPE integer"))
                .containsExactly("TYPE_NARROWING", "TYPE_CHANGE_ON_POPULATED");
        assertThat(rules("ALTER TABLE users ALTER COLUMN email TYPE varchar(100)"))
                .containsExactly("TYPE_NARROWING", "TYPE_CHANGE_ON_POPULATED");
        assertThat(rules("ALTER TABLE users ALTER COLUMN email TYPE varchar(500)"))
                .containsExactly("TYPE_CHANGE_ON_POPULATED");
        assertThat(rules("ALTER TABLE users ALTER COLUMN bio SET DATA TYPE varchar(10) USING left(bio, 10)"))
                .containsExactly("TYPE_NARROWING", "TYPE_CHANGE_ON_POPULATED");
        assertThat(rules("ALTER TABLE drafts ALTER COLUMN id TYPE bigint")).isEmpty();
    }

    @Test
    void renamesAreFlagged() {
        assertThat(lint("V9__r.sql", "ALTER TABLE users RENAME COLUMN email TO mail")).singleElement()
                .satisfies(f -> assertThat(f.message()).contains("column users.email to mail"));
        assertThat(rules("ALTER TABLE users RENAME TO accounts")).containsExactly("RENAME");
    }

    @Test
    void truncationAndDeletesWithoutWhereAreHigh() {
        assertThat(rules("TRUNCATE TABLE users CASCADE")).containsExactly("TRUNCATE");
        assertThat(lint("V1__x.sql", "TRUNCATE users, drafts RESTART IDENTITY")).singleElement()
                .satisfies(f -> assertThat(f.target()).isEqualTo("users, drafts"));
        assertThat(rules("DELETE FROM users")).containsExactly("DELETE_WITHOUT_WHERE");
        assertThat(rules("DELETE FROM ONLY users u USING (SELECT 1 WHERE false) s")).containsExactly(
                "DELETE_WITHOUT_WHERE");
        assertThat(rules("DELETE FROM users WHERE id = 1")).isEmpty();
    }

    @Test
    void statementsThatEndTheMigrationsTransactionAreHigh() {
        assertThat(rules("COMMIT")).containsExactly("TRANSACTION_CONTROL");
        assertThat(rules("end")).containsExactly("TRANSACTION_CONTROL");
        assertThat(rules("ROLLBACK AND CHAIN")).containsExactly("TRANSACTION_CONTROL");
        assertThat(rules("ROLLBACK TO SAVEPOINT s")).isEmpty();
        assertThat(rules("PREPARE TRANSACTION 'x'")).containsExactly("TRANSACTION_CONTROL");
    }

    @Test
    void doBlocksFunctionBodiesAndConstantDynamicSqlAreReadToo() {
        assertThat(lint("V1__x.sql", "DO $$ BEGIN DROP TABLE drafts; END $$;")).singleElement()
                .satisfies(f -> assertThat(f.rule() + " " + f.message()).isEqualTo(
                        "DROP_TABLE drops table(s) drafts and their data (in a DO block)"));
        assertThat(rules("CREATE FUNCTION cleanup() RETURNS void LANGUAGE plpgsql AS $f$ BEGIN IF true THEN"
                + " ALTER TABLE users DROP COLUMN bio; END IF; END $f$")).containsExactly("DROP_COLUMN");
        assertThat(rules("CREATE PROCEDURE p() LANGUAGE sql BEGIN ATOMIC DELETE FROM users; END"))
                .containsExactly("DELETE_WITHOUT_WHERE");
        assertThat(rules("DO $$ BEGIN EXECUTE 'DROP TABLE drafts'; END $$")).containsExactly("DYNAMIC_SQL",
                "DROP_TABLE");
        assertThat(rules("DO $$ BEGIN EXECUTE format('TRUNCATE %I', 'users'); END $$")).containsExactly(
                "DYNAMIC_SQL", "TRUNCATE");
        assertThat(lint("V1__x.sql", "DO $$ DECLARE t text := 'drafts'; BEGIN EXECUTE 'DROP TABLE ' || t; END $$"))
                .singleElement().satisfies(f -> assertThat(f.severity() + " " + f.rule()).isEqualTo("low DYNAMIC_SQL"));
        assertThat(rules("CREATE FUNCTION f() RETURNS int LANGUAGE plpython3u AS $p$ return 1 # DROP TABLE x $p$"))
                .isEmpty();
    }

    @Test
    void aSetThatWouldYieldEndlessFindingsIsCutAtTheLimit() {
        assertThat(lint("V1__x.sql", "ALTER TABLE users " + "DROP COLUMN bio, ".repeat(10_000) + "DROP COLUMN bio"))
                .hasSize(MigrationLint.MAX_FINDINGS);
    }

    private static List<String> rules(String sql) {
        return lint("V1__x.sql", sql).stream().map(MigrationLint.Finding::rule).toList();
    }

    private static List<MigrationLint.Finding> lint(String name, String sql) {
        return MigrationLint.lint(List.of(MigrationFile.parse(name, sql)), BEFORE);
    }
}
