package dev.offshoot.migration;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class TrialEffectsTest {

    private static final long BIG = 1L << 30;

    private static Relations.Relation table(long oid, String name, long fileNode, long size, long estimate) {
        return new Relations.Relation(oid, name, name, 'r', fileNode, size, estimate, Map.of(1, "id", 2, "note"));
    }

    private static MigrationEffects effects(Map<String, Long> deleted, List<String> rewritten) {
        return new MigrationEffects("V1__x.sql", true, List.of(), List.of(), rewritten, deleted, Map.of());
    }

    private static List<TrialEffects.Effect> of(Relations before, Map<Long, Relations.Rows> rowsBefore,
            Relations after, Map<Long, Relations.Rows> rowsAfter, MigrationEffects effects) {
        Schema empty = new Schema(List.of(), List.of(), List.of(), List.of(), List.of());
        return TrialEffects.of(new TrialEffects.Measured(before, rowsBefore, after, rowsAfter,
                Map.of(effects.migration(), effects), empty, empty, SchemaDiff.between(empty, empty)));
    }

    @Test
    void rowsDeletedFromABigTableAreKnownExactlyFromTheTransactionsStatistics() {
        Relations tables = Relations.of(List.of(table(1, "public.events", 10, BIG, 9_000_000)));
        Map<Long, Relations.Rows> estimated = Map.of(1L, new Relations.Rows(9_000_000, false));

        List<TrialEffects.Effect> found = of(tables, estimated, tables, estimated,
                effects(Map.of("public.events", 1234L), List.of()));

        assertThat(found).singleElement().satisfies(e -> {
            assertThat(e.rule()).isEqualTo("ROWS_REMOVED");
            assertThat(e.rows()).isEqualTo(1234);
            assertThat(e.exact()).isTrue();
            assertThat(e.migration()).isEqualTo("V1__x.sql");
        });
    }

    @Test
    void aTruncatedBigTableIsAnEstimateAndAnUntouchedOneIsNothing() {
        Relations before = Relations.of(List.of(table(1, "public.events", 10, BIG, 9_000_000),
                table(2, "public.logs", 20, BIG, 5_000_000)));
        Relations after = Relations.of(List.of(table(1, "public.events", 11, 0, 9_000_000),
                table(2, "public.logs", 20, BIG, 5_000_000)));

        List<TrialEffects.Effect> found = of(before, Map.of(1L, new Relations.Rows(9_000_000, false),
                2L, new Relations.Rows(5_000_000, false)), after, Map.of(1L, new Relations.Rows(0, true),
                2L, new Relations.Rows(5_000_000, false)), effects(Map.of(), List.of("public.events")));

        assertThat(found).extracting(e -> e.rule() + " " + e.target() + " " + e.rows() + " " + e.exact())
                .containsExactly("ROWS_REMOVED public.events 9000000 false");
    }

    @Test
    void aTableDroppedAndCreatedAgainUnderItsNameIsADroppedTable() {
        Relations before = Relations.of(List.of(table(1, "public.users", 10, 8192, 5)));
        Relations after = Relations.of(List.of(table(2, "public.users", 30, 8192, 0)));

        List<TrialEffects.Effect> found = of(before, Map.of(1L, new Relations.Rows(5, true)), after, Map.of(),
                effects(Map.of(), List.of()));

        assertThat(found).singleElement().satisfies(e -> {
            assertThat(e.rule() + " " + e.target() + " " + e.rows()).isEqualTo("DROP_TABLE public.users 5");
            assertThat(e.message()).contains("created another of the same name");
        });
    }

    @Test
    void anIndexThatWentWithItsColumnIsTheColumnsDropNotItsOwn() {
        Schema.Table before = new Schema.Table("public", "users", 5, 8192, List.of(
                new Schema.Column("id", "integer", false, null), new Schema.Column("note", "text", true, null)),
                List.of(new Schema.Index("users_note_idx", "CREATE INDEX users_note_idx ON public.users (note)"),
                        new Schema.Index("users_id_idx", "CREATE INDEX users_id_idx ON public.users (id)")),
                List.of());
        Schema.Table after = new Schema.Table("public", "users", 5, 8192, List.of(
                new Schema.Column("id", "integer", false, null)), List.of(), List.of());
        SchemaDiff diff = SchemaDiff.between(new Schema(List.of(), List.of(before), List.of(), List.of(), List.of()),
                new Schema(List.of(), List.of(after), List.of(), List.of(), List.of()));
        Relations none = Relations.of(List.of());
        Schema empty = new Schema(List.of(), List.of(), List.of(), List.of(), List.of());

        List<TrialEffects.Effect> found = TrialEffects.of(new TrialEffects.Measured(none, Map.of(), none, Map.of(),
                Map.of(), empty, empty, diff));

        assertThat(found).extracting(e -> e.rule() + " " + e.target())
                .containsExactly("DROP_INDEX public.users.users_id_idx");
    }
}
