package dev.offshoot.migration;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * What changed between two schemas: tables (with their columns, indexes and constraints), views,
 * functions, extensions, sequences and schemas. Flyway's history table is bookkeeping and not shown.
 */
record SchemaDiff(Names schemas, Tables tables, Definitions views, Definitions functions, Definitions extensions,
        Definitions sequences) {

    static final String HISTORY_TABLE = "flyway_schema_history";

    record Names(List<String> added, List<String> removed) {
    }

    record Tables(List<String> added, List<String> removed, List<TableChange> changed) {
    }

    record TableChange(String name, Columns columns, Definitions indexes, Definitions constraints) {
    }

    record Columns(List<Schema.Column> added, List<Schema.Column> removed, List<ColumnChange> changed) {
    }

    record ColumnChange(String name, Schema.Column before, Schema.Column after) {
    }

    record Definitions(List<Definition> added, List<Definition> removed, List<DefinitionChange> changed) {

        boolean isEmpty() {
            return added.isEmpty() && removed.isEmpty() && changed.isEmpty();
        }
    }

    record Definition(String name, String definition) {
    }

    record DefinitionChange(String name, String before, String after) {
    }

    static SchemaDiff between(Schema before, Schema after) {
        List<String> addedSchemas = after.schemas().stream().filter(s -> !before.schemas().contains(s)).toList();
        List<String> removedSchemas = before.schemas().stream().filter(s -> !after.schemas().contains(s)).toList();
        return new SchemaDiff(new Names(addedSchemas, removedSchemas), tables(before, after),
                definitions(before.views(), after.views(), v -> v.schema() + "." + v.name(),
                        v -> (v.materialized() ? "materialized: " : "") + v.definition().strip()),
                definitions(before.functions(), after.functions(), Schema.Function::signature,
                        f -> "returns " + f.returns() + " language " + f.language() + " body md5 " + f.bodyHash()),
                definitions(before.extensions(), after.extensions(), Schema.Extension::name,
                        e -> "version " + e.version() + " in schema " + e.schema()),
                definitions(before.sequences(), after.sequences(), Schema.Sequence::qualifiedName,
                        q -> q.type() + (q.ownedBy() == null ? "" : ", owned by " + q.ownedBy())));
    }

    boolean isEmpty() {
        return schemas.added().isEmpty() && schemas.removed().isEmpty() && tables.added().isEmpty()
                && tables.removed().isEmpty() && tables.changed().isEmpty() && views.isEmpty() && functions.isEmpty()
                && extensions.isEmpty() && sequences.isEmpty();
    }

    private static Tables tables(Schema before, Schema after) {
        Map<String, Schema.Table> old = byName(userTables(before), Schema.Table::qualifiedName);
        Map<String, Schema.Table> now = byName(userTables(after), Schema.Table::qualifiedName);
        List<TableChange> changed = new ArrayList<>();
        now.forEach((name, table) -> {
            Schema.Table previous = old.get(name);
            if (previous != null) {
                TableChange change = new TableChange(name, columns(previous.columns(), table.columns()),
                        definitions(previous.indexes(), table.indexes(), Schema.Index::name, Schema.Index::definition),
                        definitions(previous.constraints(), table.constraints(), Schema.Constraint::name,
                                c -> c.type() + ": " + c.definition()));
                if (!change.columns().added().isEmpty() || !change.columns().removed().isEmpty()
                        || !change.columns().changed().isEmpty() || !change.indexes().isEmpty()
                        || !change.constraints().isEmpty()) {
                    changed.add(change);
                }
            }
        });
        return new Tables(now.keySet().stream().filter(n -> !old.containsKey(n)).toList(),
                old.keySet().stream().filter(n -> !now.containsKey(n)).toList(), changed);
    }

    private static List<Schema.Table> userTables(Schema schema) {
        return schema.tables().stream().filter(t -> !t.name().equals(HISTORY_TABLE)).toList();
    }

    private static Columns columns(List<Schema.Column> before, List<Schema.Column> after) {
        Map<String, Schema.Column> old = byName(before, Schema.Column::name);
        Map<String, Schema.Column> now = byName(after, Schema.Column::name);
        List<ColumnChange> changed = new ArrayList<>();
        now.forEach((name, column) -> {
            Schema.Column previous = old.get(name);
            if (previous != null && !previous.equals(column)) {
                changed.add(new ColumnChange(name, previous, column));
            }
        });
        return new Columns(now.values().stream().filter(c -> !old.containsKey(c.name())).toList(),
                old.values().stream().filter(c -> !now.containsKey(c.name())).toList(), changed);
    }

    private static <T> Definitions definitions(List<T> before, List<T> after, Function<T, String> name,
            Function<T, String> definition) {
        Map<String, T> old = byName(before, name);
        Map<String, T> now = byName(after, name);
        List<DefinitionChange> changed = new ArrayList<>();
        now.forEach((key, item) -> {
            T previous = old.get(key);
            if (previous != null && !Objects.equals(definition.apply(previous), definition.apply(item))) {
                changed.add(new DefinitionChange(key, definition.apply(previous), definition.apply(item)));
            }
        });
        return new Definitions(
                now.entrySet().stream().filter(e -> !old.containsKey(e.getKey()))
                        .map(e -> new Definition(e.getKey(), definition.apply(e.getValue()))).toList(),
                old.entrySet().stream().filter(e -> !now.containsKey(e.getKey()))
                        .map(e -> new Definition(e.getKey(), definition.apply(e.getValue()))).toList(),
                changed);
    }

    private static <T> Map<String, T> byName(List<T> items, Function<T, String> name) {
        Map<String, T> map = new LinkedHashMap<>();
        items.forEach(item -> map.put(name.apply(item), item));
        return map;
    }
}
