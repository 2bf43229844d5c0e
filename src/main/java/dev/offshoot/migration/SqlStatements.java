package dev.offshoot.migration;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Splits SQL text into statements at the semicolons the server would end a statement at: outside
 * quotes, dollar quotes, comments and parentheses, and outside the BEGIN ... END body of a
 * CREATE FUNCTION or PROCEDURE (as psql does). One pass of {@link SqlScanner}: linear in the
 * length of the text. Enough for linting and for running a console's statements one by one; the
 * server remains the judge of what each statement means.
 */
public final class SqlStatements {

    private SqlStatements() {
    }

    public static List<String> split(String sql) {
        List<String> statements = new ArrayList<>();
        SqlScanner scanner = new SqlScanner(sql);
        Boundaries boundaries = new Boundaries();
        int from = 0;
        boolean meaningful = false;
        while (scanner.next()) {
            if (scanner.kind() == SqlScanner.Kind.SEMICOLON && boundaries.atTop()) {
                add(statements, sql, from, scanner.start(), meaningful);
                from = scanner.end();
                meaningful = false;
                boundaries = new Boundaries();
            } else if (!scanner.isBlank()) {
                meaningful = true;
                boundaries.see(scanner);
            }
        }
        add(statements, sql, from, sql.length(), meaningful);
        return statements;
    }

    /** The statement without comments, in one line: what lint rules match on. Constants stay as written. */
    public static String normalize(String statement) {
        StringBuilder out = new StringBuilder(Math.min(statement.length(), 1 << 16));
        SqlScanner scanner = new SqlScanner(statement);
        boolean space = false;
        while (scanner.next()) {
            if (scanner.isBlank()) {
                space = true;
                continue;
            }
            if (space && !out.isEmpty()) {
                out.append(' ');
            }
            space = false;
            out.append(statement, scanner.start(), scanner.end());
        }
        return out.toString();
    }

    /** Whether {@code word} occurs as a keyword outside parentheses (and outside quotes and comments). */
    static boolean hasTopLevelWord(String statement, String word) {
        SqlScanner scanner = new SqlScanner(statement);
        int depth = 0;
        while (scanner.next()) {
            if (scanner.isSymbol('(')) {
                depth++;
            } else if (scanner.isSymbol(')') && depth > 0) {
                depth--;
            } else if (depth == 0 && scanner.isWord(word)) {
                return true;
            }
        }
        return false;
    }

    private static void add(List<String> statements, String sql, int from, int to, boolean meaningful) {
        if (meaningful) {
            statements.add(sql.substring(from, to).strip());
        }
    }

    /**
     * Where a semicolon does not end the statement: inside parentheses, and inside the BEGIN ...
     * END of a function or procedure with an SQL-standard body (CREATE [OR REPLACE] FUNCTION or
     * PROCEDURE ... BEGIN ATOMIC ... END), where a CASE also ends with END. Words inside
     * parentheses (a parameter named begin) do not count.
     */
    private static final class Boundaries {

        private final String[] head = new String[4];
        private int words;
        private int parentheses;
        private int blocks;

        boolean atTop() {
            return parentheses == 0 && blocks == 0;
        }

        void see(SqlScanner token) {
            if (token.isSymbol('(')) {
                parentheses++;
            } else if (token.isSymbol(')') && parentheses > 0) {
                parentheses--;
            }
            if (token.kind() != SqlScanner.Kind.WORD) {
                return;
            }
            if (words < head.length) {
                head[words] = token.text().toUpperCase(Locale.ROOT);
                words++;
            }
            if (parentheses > 0 || !routine()) {
                return;
            }
            if (token.isWord("BEGIN")) {
                blocks++;
            } else if (token.isWord("CASE") && blocks > 0) {
                blocks++;
            } else if (token.isWord("END") && blocks > 0) {
                blocks--;
            }
        }

        private boolean routine() {
            return "CREATE".equals(head[0]) && (isRoutine(head[1])
                    || "OR".equals(head[1]) && "REPLACE".equals(head[2]) && isRoutine(head[3]));
        }

        private static boolean isRoutine(String word) {
            return "FUNCTION".equals(word) || "PROCEDURE".equals(word);
        }
    }
}
