package dev.offshoot.migration;

import java.sql.Array;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The user relations (tables, partitioned tables, materialized views) that exist before a set of
 * migrations runs, by oid: what the set's effects are measured against. Read on a session whose
 * search path is pinned to pg_catalog (an inspector), before the migrations' own sessions open.
 * An oid names one relation for its whole life, so a table dropped and created again under the
 * same name is a dropped table here, whatever its name says.
 */
final class Relations {

    /**
     * @param fileNode  relfilenode: a new one means new data files (a rewrite or a truncation)
     * @param sizeBytes the main fork's size
     * @param estimate  pg_class.reltuples, or live tuples counted by statistics when never analysed
     * @param columns   live column names by attnum
     */
    record Relation(long oid, String name, String quotedName, char kind, long fileNode, long sizeBytes,
            long estimate, Map<Integer, String> columns) {

        boolean hasRows() {
            return kind == 'r';
        }
    }

    /** @param exact whether it was counted (true) or is the planner's estimate */
    record Rows(long count, boolean exact) {
    }

    private static final String LIST = "SELECT c.oid, n.nspname || '.' || c.relname, c.relkind, c.relfilenode,"
            + " pg_catalog.pg_relation_size(c.oid), CASE WHEN c.reltuples >= 0 THEN c.reltuples::bigint"
            + " ELSE coalesce(s.n_live_tup, 0) END,"
            + " ARRAY(SELECT a.attnum FROM pg_catalog.pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0"
            + " AND NOT a.attisdropped ORDER BY a.attnum),"
            + " ARRAY(SELECT a.attname FROM pg_catalog.pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0"
            + " AND NOT a.attisdropped ORDER BY a.attnum),"
            + " pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(c.relname)"
            + " FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
            + " LEFT JOIN pg_catalog.pg_stat_all_tables s ON s.relid = c.oid"
            + " WHERE c.relkind IN ('r', 'p', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema')"
            + " AND n.nspname !~~ 'pg_toast%' AND n.nspname !~~ 'pg_temp%'"
            + " AND c.relname <> '" + SchemaDiff.HISTORY_TABLE + "'"
            + " AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')";
    /** Tables counted in one statement. */
    private static final int BATCH = 50;

    private final Map<Long, Relation> byOid;

    private Relations(Map<Long, Relation> byOid) {
        this.byOid = byOid;
    }

    /** Relations as given (for callers that measured them otherwise). */
    static Relations of(List<Relation> relations) {
        Map<Long, Relation> byOid = new LinkedHashMap<>();
        relations.forEach(r -> byOid.put(r.oid(), r));
        return new Relations(byOid);
    }

    /** Reads the relations on an inspector session (search path pinned to pg_catalog). */
    static Relations read(Connection inspector) throws SQLException {
        Map<Long, Relation> relations = new LinkedHashMap<>();
        SchemaInspector.query(inspector, LIST, rs -> relations.put(rs.getLong(1), new Relation(rs.getLong(1),
                rs.getString(2), rs.getString(9), rs.getString(3).charAt(0), rs.getLong(4), rs.getLong(5),
                rs.getLong(6), columns(rs.getArray(7), rs.getArray(8)))));
        return new Relations(relations);
    }

    Map<Long, Relation> byOid() {
        return byOid;
    }

    Relation get(long oid) {
        return byOid.get(oid);
    }

    /**
     * Rows of the tables {@code which} accepts: counted exactly where the table's data is at most
     * {@code maxExactBytes}, the planner's estimate above that. Counts run as the inspecting role;
     * a table it may not read keeps its estimate.
     */
    Map<Long, Rows> rows(Connection inspector, long maxExactBytes, Predicate<Long> which) {
        Map<Long, Rows> rows = new HashMap<>();
        List<Relation> counted = new ArrayList<>();
        for (Relation r : byOid.values()) {
            if (!r.hasRows() || !which.test(r.oid())) {
                continue;
            }
            rows.put(r.oid(), new Rows(r.estimate(), false));
            if (r.sizeBytes() <= maxExactBytes) {
                counted.add(r);
            }
        }
        for (int i = 0; i < counted.size(); i += BATCH) {
            count(inspector, counted.subList(i, Math.min(counted.size(), i + BATCH)), rows);
        }
        return rows;
    }

    /** One UNION ALL of counts; should it fail (a table the role may not read), each table alone. */
    private static void count(Connection inspector, List<Relation> tables, Map<Long, Rows> rows) {
        try {
            countAll(inspector, tables, rows);
        } catch (SQLException e) {
            if (tables.size() > 1) {
                tables.forEach(t -> count(inspector, List.of(t), rows));
            }
        }
    }

    private static void countAll(Connection inspector, List<Relation> tables, Map<Long, Rows> rows)
            throws SQLException {
        StringBuilder sql = new StringBuilder();
        for (Relation t : tables) {
            sql.append(sql.isEmpty() ? "" : " UNION ALL ").append("SELECT ").append(t.oid())
                    .append("::pg_catalog.int8, pg_catalog.count(*) FROM ONLY ").append(t.quotedName());
        }
        try (Statement st = inspector.createStatement(); var rs = st.executeQuery(sql.toString())) {
            while (rs.next()) {
                rows.put(rs.getLong(1), new Rows(rs.getLong(2), true));
            }
        }
    }

    private static Map<Integer, String> columns(Array numbers, Array names) throws SQLException {
        Map<Integer, String> columns = new LinkedHashMap<>();
        Object[] n = (Object[]) numbers.getArray();
        Object[] s = (Object[]) names.getArray();
        for (int i = 0; i < n.length; i++) {
            columns.put(((Number) n[i]).intValue(), String.valueOf(s[i]));
        }
        return columns;
    }
}
