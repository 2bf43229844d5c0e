package dev.offshoot.tuning;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.offshoot.error.OffshootException;
import dev.offshoot.migration.SqlStatements;

/**
 * One change a tuning tries, told apart by how it starts: what it is decides how it is tried on
 * the copy (in a transaction that is rolled back afterwards) and whether it can become a
 * migration. What it does is judged by the server on the copy, and by the migration gate when it
 * lands; the reading here only routes it.
 *
 * @param number 1-based, as the caller listed it
 * @param sql    as the caller wrote it, without comments, a trailing semicolon or runs of whitespace
 */
record Candidate(int number, Kind kind, String sql) {

    /** What a candidate is. */
    enum Kind {
        /** CREATE [UNIQUE] INDEX [CONCURRENTLY]: lands as CREATE INDEX CONCURRENTLY */
        INDEX,
        /** ANALYZE or CREATE STATISTICS: lands as it is */
        STATISTICS,
        /** SET a planner or executor setting: tried with SET LOCAL; belongs in the application's connection */
        SETTING,
        /** the statement written another way: belongs in the application's code */
        REWRITE
    }

    private static final Pattern INDEX = Pattern.compile("^CREATE\\s+(UNIQUE\\s+)?INDEX\\s+(CONCURRENTLY\\s+)?",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern STATISTICS = Pattern.compile("^(ANALYZE|ANALYSE|CREATE\\s+STATISTICS)\\b",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern SETTING = Pattern.compile(
            "^SET\\s+(?:(SESSION|LOCAL)\\s+)?([a-z_][a-z0-9_.]*)\\s*(?:=|\\bTO\\b)\\s*(.+)$",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern STATISTICS_TABLE = Pattern.compile("^CREATE\\s+STATISTICS\\b.*\\bFROM\\s+(\\S+)$",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern QUERY = Pattern.compile("^\\(*\\s*(SELECT|WITH|VALUES|TABLE|INSERT|UPDATE|DELETE"
            + "|MERGE)\\b", Pattern.CASE_INSENSITIVE);
    /** Settings that change who the session is or how it ends, not how a statement is planned. */
    private static final List<String> NOT_TUNING = List.of("role", "session_authorization",
            "transaction_read_only", "default_transaction_read_only", "search_path", "statement_timeout",
            "lock_timeout", "idle_in_transaction_session_timeout", "transaction_isolation");

    /** A candidate as the caller wrote it; INVALID_CANDIDATE when it is not one statement of a kind above. */
    static Candidate of(int number, String written) {
        String flat = SqlStatements.normalize(one(written, "candidate " + number));
        if (INDEX.matcher(flat).find()) {
            return new Candidate(number, Kind.INDEX, flat);
        }
        if (STATISTICS.matcher(flat).find()) {
            return new Candidate(number, Kind.STATISTICS, flat);
        }
        Matcher setting = SETTING.matcher(flat);
        if (setting.matches()) {
            if (NOT_TUNING.contains(setting.group(2).toLowerCase(Locale.ROOT))) {
                throw invalid("candidate " + number + " sets " + setting.group(2) + ", which changes the session,"
                        + " not how the statement is planned");
            }
            return new Candidate(number, Kind.SETTING, flat);
        }
        if (QUERY.matcher(flat).find()) {
            return new Candidate(number, Kind.REWRITE, flat);
        }
        throw invalid("candidate " + number + " is neither an index (CREATE INDEX), statistics (ANALYZE, CREATE"
                + " STATISTICS), a setting (SET name = value) nor the statement rewritten (SELECT, WITH, INSERT,"
                + " UPDATE, DELETE, MERGE): " + abbreviate(flat));
    }

    /** The statement a tuning measures: one query or data change, of the kinds a rewrite may be. */
    static String statement(String written) {
        String sql = one(written, "the statement");
        if (!QUERY.matcher(SqlStatements.normalize(sql)).find()) {
            throw invalid("the statement to tune must be one query or data change (SELECT, WITH, VALUES, TABLE,"
                    + " INSERT, UPDATE, DELETE, MERGE)");
        }
        return sql;
    }

    /** What runs on the copy, inside the transaction that is rolled back after the measurement. */
    String trialSql() {
        return switch (kind) {
            // CONCURRENTLY cannot run in a transaction; the index it builds is the same
            case INDEX -> INDEX.matcher(sql).replaceFirst(m -> "CREATE " + (m.group(1) == null ? "" : "UNIQUE ")
                    + "INDEX ");
            case SETTING -> {
                Matcher m = SETTING.matcher(sql);
                yield m.matches() ? "SET LOCAL " + m.group(2) + " = " + m.group(3) : sql;
            }
            // extended statistics count only once the table is analyzed
            case STATISTICS -> statisticsTable().map(t -> sql + "; ANALYZE " + t).orElse(sql);
            default -> sql;
        };
    }

    /** The table a CREATE STATISTICS reads, as written. */
    private java.util.Optional<String> statisticsTable() {
        Matcher m = STATISTICS_TABLE.matcher(sql);
        return m.find() ? java.util.Optional.of(m.group(1)) : java.util.Optional.empty();
    }

    /** The migration's SQL, or null for a change that does not belong in a migration. */
    String migrationSql() {
        return switch (kind) {
            // built without blocking writes to the table; Flyway runs it outside a transaction
            case INDEX -> INDEX.matcher(sql).replaceFirst(m -> "CREATE " + (m.group(1) == null ? "" : "UNIQUE ")
                    + "INDEX CONCURRENTLY ") + ";\n";
            case STATISTICS -> statisticsTable().map(t -> sql + ";\nANALYZE " + t + ";\n").orElse(sql + ";\n");
            default -> null;
        };
    }

    /** Where a change that is no migration belongs instead. */
    String advice() {
        return switch (kind) {
            case SETTING -> "a setting belongs in your application's connection (e.g. its pool's connection init"
                    + " SQL or the JDBC options parameter), or in the server's configuration: " + sql;
            case REWRITE -> "a rewritten statement belongs in your application's code: replace the statement with "
                    + sql;
            default -> "complete it as a migration";
        };
    }

    private static String one(String written, String what) {
        if (written == null || written.isBlank()) {
            throw invalid(what + " is empty");
        }
        List<String> statements = SqlStatements.split(written);
        if (statements.size() != 1) {
            throw invalid(what + " must be exactly one SQL statement (" + statements.size() + " sent)");
        }
        return statements.getFirst().strip();
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }

    private static OffshootException invalid(String detail) {
        return OffshootException.invalid("INVALID_CANDIDATE", detail);
    }
}
