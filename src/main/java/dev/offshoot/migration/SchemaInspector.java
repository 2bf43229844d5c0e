package dev.offshoot.migration;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a schema from pg_catalog, on a session whose search path is pinned to pg_catalog (see
 * BranchAccess.Endpoint#inspector); every catalog object is named with its schema as well, so
 * nothing a branch's users create can stand in for one. System schemas and objects that belong to extensions are left
 * out: they are the extension's, not the application's.
 */
final class SchemaInspector {

    private static final String USER_NAMESPACE = "n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')"
            + " AND n.nspname OPERATOR(pg_catalog.!~~) 'pg_temp%'"
            + " AND n.nspname OPERATOR(pg_catalog.!~~) 'pg_toast_temp%'";
    private static final String NOT_EXTENSION = " NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.objid = %s"
            + " AND d.deptype = 'e')";

    private SchemaInspector() {
    }

    static Schema inspect(Connection db) throws SQLException {
        Map<Long, TableBuilder> tables = tables(db);
        columns(db, tables);
        indexes(db, tables);
        constraints(db, tables);
        return new Schema(strings(db, "SELECT n.nspname FROM pg_catalog.pg_namespace n WHERE " + USER_NAMESPACE
                + " ORDER BY 1"), tables.values().stream().map(TableBuilder::build).toList(), views(db),
                functions(db), extensions(db), sequences(db));
    }

    private record TableBuilder(String schema, String name, long rows, long size, List<Schema.Column> columns,
            List<Schema.Index> indexes, List<Schema.Constraint> constraints) {

        Schema.Table build() {
            return new Schema.Table(schema, name, rows, size, List.copyOf(columns), List.copyOf(indexes),
                    List.copyOf(constraints));
        }
    }

    private static Map<Long, TableBuilder> tables(Connection db) throws SQLException {
        Map<Long, TableBuilder> tables = new LinkedHashMap<>();
        query(db, "SELECT c.oid, n.nspname, c.relname, CASE WHEN c.reltuples >= 0 THEN c.reltuples::bigint"
                + " ELSE coalesce(s.n_live_tup, 0) END, pg_catalog.pg_total_relation_size(c.oid)"
                + " FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
                + " LEFT JOIN pg_catalog.pg_stat_all_tables s ON s.relid = c.oid"
                + " WHERE c.relkind IN ('r', 'p') AND " + USER_NAMESPACE + " AND" + NOT_EXTENSION.formatted("c.oid")
                + " ORDER BY 2, 3", rs -> tables.put(rs.getLong(1), new TableBuilder(rs.getString(2), rs.getString(3),
                        rs.getLong(4), rs.getLong(5), new ArrayList<>(), new ArrayList<>(), new ArrayList<>())));
        return tables;
    }

    private static void columns(Connection db, Map<Long, TableBuilder> tables) throws SQLException {
        query(db, "SELECT a.attrelid, a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod),"
                + " NOT a.attnotnull, pg_catalog.pg_get_expr(d.adbin, d.adrelid) FROM pg_catalog.pg_attribute a"
                + " LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum"
                + " WHERE a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attrelid, a.attnum", rs -> {
                    TableBuilder t = tables.get(rs.getLong(1));
                    if (t != null) {
                        t.columns().add(new Schema.Column(rs.getString(2), rs.getString(3), rs.getBoolean(4),
                                rs.getString(5)));
                    }
                });
    }

    private static void indexes(Connection db, Map<Long, TableBuilder> tables) throws SQLException {
        query(db, "SELECT i.indrelid, c.relname, pg_catalog.pg_get_indexdef(i.indexrelid)"
                + " FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid ORDER BY 1, 2", rs -> {
                    TableBuilder t = tables.get(rs.getLong(1));
                    if (t != null) {
                        t.indexes().add(new Schema.Index(rs.getString(2), rs.getString(3)));
                    }
                });
    }

    private static void constraints(Connection db, Map<Long, TableBuilder> tables) throws SQLException {
        query(db, "SELECT conrelid, conname, CASE contype WHEN 'p' THEN 'primary key' WHEN 'f' THEN 'foreign key'"
                + " WHEN 'u' THEN 'unique' WHEN 'c' THEN 'check' WHEN 'x' THEN 'exclusion' ELSE contype::text END,"
                + " pg_catalog.pg_get_constraintdef(oid) FROM pg_catalog.pg_constraint WHERE conrelid <> 0"
                + " ORDER BY 1, 2", rs -> {
                    TableBuilder t = tables.get(rs.getLong(1));
                    if (t != null) {
                        t.constraints().add(new Schema.Constraint(rs.getString(2), rs.getString(3), rs.getString(4)));
                    }
                });
    }

    private static List<Schema.View> views(Connection db) throws SQLException {
        List<Schema.View> views = new ArrayList<>();
        query(db, "SELECT n.nspname, c.relname, c.relkind = 'm', pg_catalog.pg_get_viewdef(c.oid)"
                + " FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE c.relkind IN ('v', 'm') AND " + USER_NAMESPACE
                + " AND" + NOT_EXTENSION.formatted("c.oid") + " ORDER BY 1, 2",
                rs -> views.add(new Schema.View(rs.getString(1), rs.getString(2), rs.getBoolean(3), rs.getString(4))));
        return views;
    }

    private static List<Schema.Function> functions(Connection db) throws SQLException {
        List<Schema.Function> functions = new ArrayList<>();
        query(db, "SELECT n.nspname, p.proname, pg_catalog.pg_get_function_identity_arguments(p.oid),"
                + " coalesce(pg_catalog.pg_get_function_result(p.oid), ''), l.lanname,"
                + " pg_catalog.md5(coalesce(p.prosrc, '')) FROM pg_catalog.pg_proc p"
                + " JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace"
                + " JOIN pg_catalog.pg_language l ON l.oid = p.prolang"
                + " WHERE " + USER_NAMESPACE + " AND" + NOT_EXTENSION.formatted("p.oid") + " ORDER BY 1, 2, 3",
                rs -> functions.add(new Schema.Function(rs.getString(1), rs.getString(2), rs.getString(3),
                        rs.getString(4), rs.getString(5), rs.getString(6))));
        return functions;
    }

    private static List<Schema.Extension> extensions(Connection db) throws SQLException {
        List<Schema.Extension> extensions = new ArrayList<>();
        query(db, "SELECT e.extname, e.extversion, n.nspname FROM pg_catalog.pg_extension e"
                + " JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace ORDER BY 1",
                rs -> extensions.add(new Schema.Extension(rs.getString(1), rs.getString(2), rs.getString(3))));
        return extensions;
    }

    private static List<Schema.Sequence> sequences(Connection db) throws SQLException {
        List<Schema.Sequence> sequences = new ArrayList<>();
        query(db, "SELECT n.nspname, c.relname, pg_catalog.format_type(s.seqtypid, NULL),"
                + " (SELECT tn.nspname || '.' || t.relname || '.' || a.attname FROM pg_catalog.pg_depend d"
                + " JOIN pg_catalog.pg_class t ON t.oid = d.refobjid"
                + " JOIN pg_catalog.pg_namespace tn ON tn.oid = t.relnamespace"
                + " JOIN pg_catalog.pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid"
                + " WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objid = c.oid"
                + " AND d.refobjsubid > 0 AND d.deptype IN ('a', 'i') LIMIT 1)"
                + " FROM pg_catalog.pg_sequence s JOIN pg_catalog.pg_class c ON c.oid = s.seqrelid"
                + " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE " + USER_NAMESPACE + " AND" + NOT_EXTENSION.formatted("c.oid") + " ORDER BY 1, 2",
                rs -> sequences.add(new Schema.Sequence(rs.getString(1), rs.getString(2), rs.getString(3),
                        rs.getString(4))));
        return sequences;
    }

    private static List<String> strings(Connection db, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        query(db, sql, rs -> out.add(rs.getString(1)));
        return out;
    }

    interface RowHandler {
        void accept(ResultSet rs) throws SQLException;
    }

    static void query(Connection db, String sql, RowHandler handler) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement(sql); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                handler.accept(rs);
            }
        }
    }
}
