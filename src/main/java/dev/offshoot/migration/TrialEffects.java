package dev.offshoot.migration;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What a set did on the copy to what existed before it, however it was spelled: tables and
 * columns dropped (by oid and attnum, so a table dropped and created again counts), columns
 * narrowed, indexes, constraints and sequences dropped (from the schema diff), and rows removed
 * from tables that remain. Each becomes a finding the policy judges under the rule of the same
 * name as the lint's (DROP_TABLE, DROP_COLUMN, TYPE_NARROWING) or its own (DROP_INDEX,
 * DROP_CONSTRAINT, DROP_SEQUENCE, ROWS_REMOVED).
 *
 * <p>Rows removed from a table: the larger of what its count went down by and what the set's
 * transactions deleted from it (their own statistics, exact). Counts are exact for tables up to
 * the configured size and the planner's estimates above it; a finding says which.
 */
final class TrialEffects {

    /**
     * @param rule    the policy rule this effect counts under
     * @param rows    rows concerned (removed, or held by a dropped table), when known
     * @param exact   whether {@code rows} was counted or read from statistics (true) or estimated
     */
    record Effect(String rule, String migration, String target, Long rows, Boolean exact, String message) {
    }

    /** What was measured: relations and rows before and after, per-migration effects, the schemas. */
    record Measured(Relations before, Map<Long, Relations.Rows> rowsBefore, Relations after,
            Map<Long, Relations.Rows> rowsAfter, Map<String, MigrationEffects> perMigration, Schema schemaBefore,
            Schema schemaAfter, SchemaDiff diff) {
    }

    private TrialEffects() {
    }

    static List<Effect> of(Measured m) {
        List<Effect> out = new ArrayList<>();
        droppedTablesAndColumns(m, out);
        narrowedColumns(m.diff(), out);
        droppedIndexesAndConstraints(m.diff(), out);
        droppedSequences(m, out);
        removedRows(m, out);
        return List.copyOf(out);
    }

    private static void droppedTablesAndColumns(Measured m, List<Effect> out) {
        for (Relations.Relation r : m.before().byOid().values()) {
            Relations.Relation now = m.after().get(r.oid());
            if (now == null && r.kind() != 'm') {
                Relations.Rows rows = m.rowsBefore().get(r.oid());
                boolean replaced = m.after().byOid().values().stream().anyMatch(a -> a.name().equals(r.name()));
                out.add(new Effect("DROP_TABLE", first(m, e -> e.droppedTables().contains(r.name())), r.name(),
                        rows == null ? null : rows.count(), rows == null ? null : rows.exact(), "dropped table "
                                + r.name() + (replaced ? " and created another of the same name" : "")
                                + (rows == null ? "" : " holding " + rows(rows))));
            } else if (now != null) {
                r.columns().forEach((number, column) -> {
                    if (!now.columns().containsKey(number)) {
                        String target = r.name() + "." + column;
                        out.add(new Effect("DROP_COLUMN", first(m, e -> e.droppedColumns().contains(target)), target,
                                null, null, "dropped column " + target + " and its data"));
                    }
                });
            }
        }
    }

    private static void narrowedColumns(SchemaDiff diff, List<Effect> out) {
        for (SchemaDiff.TableChange table : diff.tables().changed()) {
            for (SchemaDiff.ColumnChange c : table.columns().changed()) {
                if (TypeWidth.narrows(c.before().type(), c.after().type())) {
                    out.add(new Effect("TYPE_NARROWING", null, table.name() + "." + c.name(), null, null, "narrowed "
                            + table.name() + "." + c.name() + " from " + c.before().type() + " to " + c.after().type()));
                }
            }
        }
    }

    /** Indexes and constraints that went with a dropped column or constraint are that drop's, not their own. */
    private static void droppedIndexesAndConstraints(SchemaDiff diff, List<Effect> out) {
        for (SchemaDiff.TableChange table : diff.tables().changed()) {
            Set<String> columns = table.columns().removed().stream().map(Schema.Column::name)
                    .collect(Collectors.toSet());
            Set<String> constraints = table.constraints().removed().stream().map(SchemaDiff.Definition::name)
                    .collect(Collectors.toSet());
            for (SchemaDiff.Definition index : table.indexes().removed()) {
                if (!constraints.contains(index.name()) && !mentions(index.definition(), columns)) {
                    out.add(new Effect("DROP_INDEX", null, table.name() + "." + index.name(), null, null,
                            "dropped index " + index.name() + " of " + table.name()));
                }
            }
            for (SchemaDiff.Definition constraint : table.constraints().removed()) {
                if (!mentions(constraint.definition(), columns)) {
                    out.add(new Effect("DROP_CONSTRAINT", null, table.name() + "." + constraint.name(), null, null,
                            "dropped constraint " + constraint.name() + " of " + table.name() + ": "
                                    + constraint.definition()));
                }
            }
        }
    }

    /** A sequence that belonged to a column or table the set dropped went with it. */
    private static void droppedSequences(Measured m, List<Effect> out) {
        Set<String> after = m.schemaAfter().sequences().stream().map(Schema.Sequence::qualifiedName)
                .collect(Collectors.toSet());
        Set<String> columns = m.schemaAfter().tables().stream().flatMap(t -> t.columns().stream()
                .map(c -> t.qualifiedName() + "." + c.name())).collect(Collectors.toSet());
        for (Schema.Sequence s : m.schemaBefore().sequences()) {
            if (!after.contains(s.qualifiedName()) && (s.ownedBy() == null || columns.contains(s.ownedBy()))) {
                out.add(new Effect("DROP_SEQUENCE", null, s.qualifiedName(), null, null, "dropped sequence "
                        + s.qualifiedName() + " (its current value is lost)"));
            }
        }
    }

    private static void removedRows(Measured m, List<Effect> out) {
        for (Relations.Relation r : m.before().byOid().values()) {
            Relations.Rows before = m.rowsBefore().get(r.oid());
            Relations.Rows after = m.rowsAfter().get(r.oid());
            if (before == null || after == null) {
                continue;
            }
            long deleted = Math.min(before.count(), m.perMigration().values().stream()
                    .mapToLong(e -> e.deleted().getOrDefault(r.name(), 0L)).sum());
            long fewer = before.count() - after.count();
            boolean countsExact = before.exact() && after.exact();
            long removed = countsExact || fewer > deleted && rewritten(m, r.name()) ? Math.max(fewer, deleted) : deleted;
            if (removed > 0) {
                boolean exact = removed == deleted || countsExact;
                String migration = first(m, e -> e.deleted().containsKey(r.name()) || e.rewritten().contains(r.name()));
                out.add(new Effect("ROWS_REMOVED", migration, r.name(), removed, exact, "removed " + removed + " of "
                        + before.count() + " rows from " + r.name() + " (" + how(exact, countsExact) + ")"));
            }
        }
    }

    private static boolean rewritten(Measured m, String table) {
        return m.perMigration().values().stream().anyMatch(e -> e.rewritten().contains(table));
    }

    private static String how(boolean exact, boolean counted) {
        return counted ? "counted before and after" : exact ? "rows the set's transactions deleted"
                : "the planner's estimate before, counted after";
    }

    private static String rows(Relations.Rows rows) {
        return rows.exact() ? rows.count() + " rows (counted)" : "~" + rows.count() + " rows (the planner's estimate)";
    }

    private static String first(Measured m, Predicate<MigrationEffects> which) {
        return m.perMigration().values().stream().filter(which).map(MigrationEffects::migration).findFirst()
                .orElse(null);
    }

    private static boolean mentions(String definition, Collection<String> names) {
        for (String name : names) {
            if (Pattern.compile("(?<![\\w$\"])\"?" + Pattern.quote(name) + "\"?(?![\\w$\"])").matcher(definition)
                    .find()) {
                return true;
            }
        }
        return false;
    }
}
