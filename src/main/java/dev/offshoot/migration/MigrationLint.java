package dev.offshoot.migration;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Flags destructive or risky statements, each with the migration it came from: an early,
 * explained reading of the text, before the trial on a copy measures what the set really does.
 * Rules read the statement text and the schema before the migrations (row estimates, column
 * types). On PostgreSQL 11+ adding a column with a constant or stable default (now()) does not
 * rewrite the table; a volatile default (random(), gen_random_uuid(), clock_timestamp(), a
 * serial) does. The bodies of DO blocks and of functions the set creates are read as well, and
 * so are constant strings given to EXECUTE; SQL built at run time is left to the trial.
 * Every rule matches a statement in time linear in its length (anchored patterns, or a search
 * for one word after another), so a lint is linear in the size of the set.
 */
final class MigrationLint {

    /** @param target what the statement removes or renames to (table, table.column, new name); null otherwise */
    record Finding(String severity, String rule, String migration, String statement, String message, String target) {
    }

    private static final String NAME = "((?:\"[^\"]+\"|[\\w$]+)(?:\\.(?:\"[^\"]+\"|[\\w$]+))?)";
    private static final Pattern ALTER_TABLE = Pattern.compile(
            "^ALTER TABLE (?:IF EXISTS )?(?:ONLY )?" + NAME + " (.*)$", Pattern.CASE_INSENSITIVE);
    private static final Pattern DROP_TABLE = Pattern.compile("^DROP TABLE (?:IF EXISTS )?(.+?)(?: CASCADE| RESTRICT)?$",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern DROP_COLUMN = Pattern.compile(
            "\\bDROP (?:COLUMN )?(?:IF EXISTS )?(?!CONSTRAINT\\b|DEFAULT\\b|NOT\\b|IDENTITY\\b|EXPRESSION\\b)"
                    + NAME, Pattern.CASE_INSENSITIVE);
    private static final Pattern ALTER_TYPE = Pattern.compile(
            "\\bALTER (?:COLUMN )?" + NAME + " (?:SET DATA )?TYPE ([\\w ]+(?:\\([\\d, ]+\\))?)", Pattern.CASE_INSENSITIVE);
    private static final Pattern SET_NOT_NULL = Pattern.compile("\\bALTER (?:COLUMN )?" + NAME + " SET NOT NULL",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern ADD_COLUMN = Pattern.compile("\\bADD (?:COLUMN )?(?:IF NOT EXISTS )?(?!CONSTRAINT\\b"
            + "|PRIMARY\\b|UNIQUE\\b|CHECK\\b|FOREIGN\\b|EXCLUDE\\b)" + NAME + " ([^,]+)", Pattern.CASE_INSENSITIVE);
    private static final Pattern RENAME = Pattern.compile("\\bRENAME (?:COLUMN )?(?:" + NAME + " )?TO " + NAME,
            Pattern.CASE_INSENSITIVE);
    private static final Pattern CREATE_INDEX = Pattern.compile(
            "^CREATE (?:UNIQUE )?INDEX (CONCURRENTLY )?.*?\\bON (?:ONLY )?" + NAME, Pattern.CASE_INSENSITIVE);
    private static final Pattern DEFAULT = Pattern.compile("\\bDEFAULT\\b", Pattern.CASE_INSENSITIVE);
    private static final Pattern VOLATILE_CALL = Pattern.compile("\\b(random|gen_random_uuid|uuid_generate_v[14]"
            + "|clock_timestamp|timeofday|nextval)\\s*\\(", Pattern.CASE_INSENSITIVE);
    private static final Pattern SERIAL = Pattern.compile("\\b(BIG|SMALL)?SERIAL\\d?\\b", Pattern.CASE_INSENSITIVE);
    private static final Pattern TRUNCATE = Pattern.compile("^TRUNCATE (?:TABLE )?(?:ONLY )?(.+?)"
            + "(?: (?:RESTART|CONTINUE) IDENTITY)?(?: CASCADE| RESTRICT)?$", Pattern.CASE_INSENSITIVE);
    private static final Pattern DELETE = Pattern.compile("^DELETE FROM (?:ONLY )?" + NAME, Pattern.CASE_INSENSITIVE);
    /** What ends the transaction Flyway runs a migration in (ROLLBACK TO a savepoint does not). */
    private static final Pattern TRANSACTION_END = Pattern.compile("^(?:COMMIT|END|ABORT|PREPARE TRANSACTION)\\b"
            + "|^ROLLBACK\\b(?! (?:WORK |TRANSACTION )?TO\\b)", Pattern.CASE_INSENSITIVE);
    /** Where a statement of a PL/pgSQL body starts after the block words before it. */
    private static final Pattern BODY_STATEMENT = Pattern.compile("(?:^|\\b(?:BEGIN|THEN|ELSE|LOOP) )"
            + "(?=(?:ALTER|DROP|TRUNCATE|DELETE|CREATE)\\b)", Pattern.CASE_INSENSITIVE);
    /** How deep bodies are read: a DO block's EXECUTE of a string that holds another DO block. */
    private static final int MAX_DEPTH = 3;
    /** Findings kept per set: more say nothing new, and each holds a piece of the text. */
    static final int MAX_FINDINGS = 500;

    private final Schema before;
    private final List<Finding> findings = new ArrayList<>();
    /** Where the statement being read sits, for messages: null at the top of a migration. */
    private String context;

    private MigrationLint(Schema before) {
        this.before = before;
    }

    static List<Finding> lint(List<MigrationFile> migrations, Schema before) {
        MigrationLint lint = new MigrationLint(before);
        for (MigrationFile migration : migrations) {
            lint.statements(migration.name(), migration.sql(), 0, null);
        }
        return List.copyOf(lint.findings);
    }

    private void statements(String migration, String sql, int depth, String where) {
        for (String statement : SqlStatements.split(sql)) {
            String normalized = SqlStatements.normalize(statement);
            context = where;
            if (depth == 0) {
                check(migration, normalized);
                transactionEnd(migration, normalized);
            } else {
                Matcher start = BODY_STATEMENT.matcher(normalized);
                if (start.find()) {
                    check(migration, normalized.substring(start.end()));
                }
            }
            if (depth < MAX_DEPTH) {
                for (RoutineBodies.Body body : RoutineBodies.of(statement)) {
                    if (body.dynamic()) {
                        context = body.where();
                        add("low", "DYNAMIC_SQL", migration, normalized, "runs SQL built at run time (EXECUTE):"
                                + " the text cannot tell what it does; the trial on a copy measures it");
                    }
                    if (body.sql() != null) {
                        statements(migration, body.sql(), depth + 1, body.where());
                    }
                }
            }
        }
    }

    /** Flyway runs a migration in one transaction: one that ends it escapes the checks made at its end. */
    private void transactionEnd(String migration, String sql) {
        if (TRANSACTION_END.matcher(sql).find()) {
            add("high", "TRANSACTION_CONTROL", migration, sql, "ends the migration's transaction: Flyway runs each"
                    + " migration in one, and what it did before this statement could not be rolled back");
        }
    }

    private void check(String migration, String sql) {
        rowRemovals(migration, sql);
        Matcher drop = DROP_TABLE.matcher(sql);
        if (drop.find()) {
            add("high", "DROP_TABLE", migration, sql, "drops table(s) " + drop.group(1) + " and their data",
                    drop.group(1));
        }
        Matcher index = CREATE_INDEX.matcher(sql);
        if (index.find() && index.group(1) == null && populated(index.group(2))) {
            add("medium", "INDEX_WITHOUT_CONCURRENTLY", migration, sql, "builds an index on populated table "
                    + index.group(2) + " without CONCURRENTLY: writes to it are blocked until the build ends");
        }
        Matcher alter = ALTER_TABLE.matcher(sql);
        if (alter.find()) {
            alterTable(migration, sql, alter.group(1), alter.group(2));
        }
    }

    private void rowRemovals(String migration, String sql) {
        Matcher truncate = TRUNCATE.matcher(sql);
        if (truncate.find()) {
            add("high", "TRUNCATE", migration, sql, "truncates table(s) " + truncate.group(1) + ": every row is removed",
                    truncate.group(1));
        }
        Matcher delete = DELETE.matcher(sql);
        if (delete.find() && !SqlStatements.hasTopLevelWord(sql, "WHERE")) {
            add("high", "DELETE_WITHOUT_WHERE", migration, sql, "deletes every row of " + delete.group(1)
                    + " (DELETE without WHERE)", delete.group(1));
        }
    }

    private void alterTable(String migration, String sql, String table, String actions) {
        Optional<Schema.Table> existing = table(table);
        boolean populated = existing.map(t -> t.rowEstimate() > 0).orElse(false);
        Matcher m = DROP_COLUMN.matcher(actions);
        while (m.find()) {
            add("high", "DROP_COLUMN", migration, sql, "drops column " + table + "." + m.group(1)
                    + " and its data; code still reading it breaks", table + "." + m.group(1));
        }
        m = ALTER_TYPE.matcher(actions);
        while (m.find()) {
            alterType(migration, sql, table, existing, populated, m.group(1),
                    m.group(2).trim().split("(?i)\\s+(USING|COLLATE)\\b")[0]);
        }
        m = SET_NOT_NULL.matcher(actions);
        while (m.find()) {
            if (populated) {
                add("medium", "NOT_NULL_ON_POPULATED", migration, sql, "SET NOT NULL on " + table + "." + m.group(1)
                        + " scans the populated table under ACCESS EXCLUSIVE and fails if a row holds NULL");
            }
        }
        m = ADD_COLUMN.matcher(actions);
        while (m.find()) {
            addColumn(migration, sql, table, populated, m.group(1), m.group(2));
        }
        m = RENAME.matcher(actions);
        if (m.find()) {
            add("medium", "RENAME", migration, sql, "renames " + (m.group(1) == null ? "table " + table
                    : "column " + table + "." + m.group(1)) + " to " + m.group(2)
                    + "; code using the old name breaks until it is deployed", m.group(2));
        }
    }

    private void alterType(String migration, String sql, String table, Optional<Schema.Table> existing,
            boolean populated, String column, String newType) {
        Optional<String> oldType = existing.flatMap(t -> t.columns().stream()
                .filter(c -> c.name().equals(unquote(column))).findFirst()).map(Schema.Column::type);
        if (oldType.isPresent() && TypeWidth.narrows(oldType.get(), newType)) {
            add("high", "TYPE_NARROWING", migration, sql, "narrows " + table + "." + column + " from " + oldType.get()
                    + " to " + newType + ": values that do not fit make it fail, or are truncated by casts",
                    table + "." + column);
        }
        if (populated) {
            add("medium", "TYPE_CHANGE_ON_POPULATED", migration, sql, "changes the type of " + table + "." + column
                    + " on a populated table: ACCESS EXCLUSIVE for the whole statement, and a rewrite of the table"
                    + " unless the types are binary-compatible (e.g. varchar widening)");
        }
    }

    private void addColumn(String migration, String sql, String table, boolean populated, String column,
            String definition) {
        String upper = definition.toUpperCase(Locale.ROOT);
        if (populated && upper.contains("NOT NULL") && !upper.contains("DEFAULT")) {
            add("high", "ADD_NOT_NULL_WITHOUT_DEFAULT", migration, sql, "adds NOT NULL column " + table + "." + column
                    + " without a default to a populated table: it fails");
        }
        if (populated && volatileDefault(definition)) {
            add("medium", "VOLATILE_DEFAULT_REWRITE", migration, sql, "adds " + table + "." + column
                    + " with a volatile default: the whole table is rewritten under ACCESS EXCLUSIVE");
        }
    }

    /** A volatile function called after DEFAULT, or a serial type: two searches, each linear. */
    private static boolean volatileDefault(String definition) {
        Matcher defaultAt = DEFAULT.matcher(definition);
        return defaultAt.find() && VOLATILE_CALL.matcher(definition).region(defaultAt.end(), definition.length()).find()
                || SERIAL.matcher(definition).find();
    }

    private boolean populated(String table) {
        return table(table).map(t -> t.rowEstimate() > 0).orElse(false);
    }

    /** An unqualified name is looked up in public first, then in any schema. */
    private Optional<Schema.Table> table(String name) {
        String[] parts = name.split("\\.", 2);
        String schema = parts.length == 2 ? unquote(parts[0]) : "public";
        String table = unquote(parts[parts.length - 1]);
        return before.tables().stream().filter(t -> t.name().equals(table))
                .sorted((a, b) -> Boolean.compare(!a.schema().equals(schema), !b.schema().equals(schema)))
                .filter(t -> parts.length == 1 || t.schema().equals(schema)).findFirst();
    }

    private static String unquote(String identifier) {
        return identifier.startsWith("\"") ? identifier.substring(1, identifier.length() - 1)
                : identifier.toLowerCase(Locale.ROOT);
    }

    private void add(String severity, String rule, String migration, String sql, String message) {
        add(severity, rule, migration, sql, message, null);
    }

    private void add(String severity, String rule, String migration, String sql, String message, String target) {
        if (findings.size() >= MAX_FINDINGS) {
            return;
        }
        String statement = sql.length() > 300 ? sql.substring(0, 300) + "..." : sql;
        findings.add(new Finding(severity, rule, migration, statement, context == null ? message
                : message + " (" + context + ")", target));
    }
}
