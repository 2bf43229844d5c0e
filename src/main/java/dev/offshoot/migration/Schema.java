package dev.offshoot.migration;

import java.util.List;

/** A database's schema as read from the catalog: what inspection returns and diffs compare. */
record Schema(List<String> schemas, List<Table> tables, List<View> views, List<Function> functions,
        List<Extension> extensions, List<Sequence> sequences) {

    /** A schema without sequences (for tests and callers that do not read them). */
    Schema(List<String> schemas, List<Table> tables, List<View> views, List<Function> functions,
            List<Extension> extensions) {
        this(schemas, tables, views, functions, extensions, List.of());
    }

    /** @param rowEstimate pg_class.reltuples, or live tuples counted by statistics when never analysed */
    record Table(String schema, String name, long rowEstimate, long sizeBytes, List<Column> columns,
            List<Index> indexes, List<Constraint> constraints) {

        String qualifiedName() {
            return schema + "." + name;
        }
    }

    record Column(String name, String type, boolean nullable, String defaultValue) {
    }

    record Index(String name, String definition) {
    }

    /** @param type primary key, foreign key, unique, check or exclusion */
    record Constraint(String name, String type, String definition) {
    }

    record View(String schema, String name, boolean materialized, String definition) {
    }

    /** @param bodyHash md5 of the source, so that a changed body shows without shipping it */
    record Function(String schema, String name, String arguments, String returns, String language, String bodyHash) {

        String signature() {
            return schema + "." + name + "(" + arguments + ")";
        }
    }

    record Extension(String name, String version, String schema) {
    }

    /** @param ownedBy the column it belongs to (serial, identity, OWNED BY) as schema.table.column, or null */
    record Sequence(String schema, String name, String type, String ownedBy) {

        String qualifiedName() {
            return schema + "." + name;
        }
    }
}
