package dev.offshoot.migration;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class SchemaDiffTest {

    static Schema.Table table(String name, List<Schema.Column> columns, List<Schema.Index> indexes) {
        return new Schema.Table("public", name, 10, 8192, columns, indexes, List.of());
    }

    static final Schema.Column ID = new Schema.Column("id", "integer", false, null);

    @Test
    void addedRemovedAndChangedObjectsAreReportedAndUnchangedOnesAreNot() {
        Schema before = new Schema(List.of("public"), List.of(
                table("users", List.of(ID, new Schema.Column("name", "text", false, null),
                        new Schema.Column("old", "text", true, null)), List.of()),
                table("gone", List.of(ID), List.of()), table("same", List.of(ID), List.of())),
                List.of(new Schema.View("public", "v", false, "SELECT 1")), List.of(), List.of());
        Schema after = new Schema(List.of("public", "audit"), List.of(
                table("users", List.of(ID, new Schema.Column("name", "text", true, "'x'::text"),
                        new Schema.Column("email", "text", true, null)),
                        List.of(new Schema.Index("users_email", "CREATE INDEX users_email ON public.users (email)"))),
                table("same", List.of(ID), List.of()), table("fresh", List.of(ID), List.of()),
                table(SchemaDiff.HISTORY_TABLE, List.of(ID), List.of())),
                List.of(new Schema.View("public", "v", false, "SELECT 2")), List.of(), List.of());

        SchemaDiff diff = SchemaDiff.between(before, after);

        assertThat(diff.schemas().added()).containsExactly("audit");
        assertThat(diff.tables().added()).containsExactly("public.fresh");
        assertThat(diff.tables().removed()).containsExactly("public.gone");
        assertThat(diff.tables().changed()).singleElement().satisfies(t -> {
            assertThat(t.name()).isEqualTo("public.users");
            assertThat(t.columns().added()).extracting(Schema.Column::name).containsExactly("email");
            assertThat(t.columns().removed()).extracting(Schema.Column::name).containsExactly("old");
            assertThat(t.columns().changed()).extracting(SchemaDiff.ColumnChange::name).containsExactly("name");
            assertThat(t.indexes().added()).extracting(SchemaDiff.Definition::name).containsExactly("users_email");
        });
        assertThat(diff.views().changed()).extracting(SchemaDiff.DefinitionChange::after).containsExactly("SELECT 2");
        assertThat(DiffText.render(diff)).isEqualTo("""
                + schema audit
                + table public.fresh
                - table public.gone
                ~ table public.users
                    + column email text NULL
                    - column old text NULL
                    ~ column name: text NOT NULL -> text NULL DEFAULT 'x'::text
                    + index users_email: CREATE INDEX users_email ON public.users (email)
                ~ view public.v: SELECT 1 -> SELECT 2
                """);
    }

    @Test
    void identicalSchemasHaveAnEmptyDiff() {
        Schema schema = new Schema(List.of("public"), List.of(table("t", List.of(ID), List.of())), List.of(),
                List.of(), List.of());

        assertThat(SchemaDiff.between(schema, schema).isEmpty()).isTrue();
        assertThat(DiffText.render(SchemaDiff.between(schema, schema))).isEqualTo("No schema changes.\n");
    }
}
