package dev.offshoot.migration;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What one migration did to relations that existed before its set ran, read on its own session
 * at its end (see MigrationWatch). Names are schema.table (schema.table.column for columns).
 *
 * @param transactional whether it ran in a transaction (then deletes, updates and locks are known)
 * @param deleted       rows deleted per table, by the migration's transaction
 * @param updated       rows updated per table, by the migration's transaction
 */
record MigrationEffects(String migration, boolean transactional, List<String> droppedTables,
        List<String> droppedColumns, List<String> rewritten, Map<String, Long> deleted, Map<String, Long> updated) {

    /**
     * What this run did that {@code trial}, the same migration on the copy, did not: a table or
     * column dropped, data files replaced, rows deleted or updated in a table the trial left alone.
     * Counts may differ (the branch may hold other rows than its copy did); the tables may not.
     */
    List<String> beyond(MigrationEffects trial) {
        List<String> out = new ArrayList<>();
        if (trial == null) {
            if (!droppedTables.isEmpty() || !droppedColumns.isEmpty() || !rewritten.isEmpty() || !deleted.isEmpty()
                    || !updated.isEmpty()) {
                out.add("it did not run in the trial");
            }
            return out;
        }
        extra(out, "dropped table", droppedTables, trial.droppedTables());
        extra(out, "dropped column", droppedColumns, trial.droppedColumns());
        extra(out, "replaced the data of", rewritten, trial.rewritten());
        extra(out, "deleted rows from", List.copyOf(deleted.keySet()), List.copyOf(trial.deleted().keySet()));
        extra(out, "updated rows of", List.copyOf(updated.keySet()), List.copyOf(trial.updated().keySet()));
        return out;
    }

    private static void extra(List<String> out, String what, List<String> here, List<String> trial) {
        List<String> extra = here.stream().filter(name -> !trial.contains(name)).toList();
        if (!extra.isEmpty()) {
            out.add(what + " " + String.join(", ", extra));
        }
    }
}
