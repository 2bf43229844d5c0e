package dev.offshoot.migration;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The SQL a statement carries for later: the body of a DO block, of a function or procedure it
 * creates (PL/pgSQL or SQL, quoted or BEGIN ATOMIC), and the strings it hands to EXECUTE. One
 * pass of {@link SqlScanner} over the statement.
 */
final class RoutineBodies {

    /**
     * @param sql     the SQL inside, or null when it is built at run time
     * @param where   where it sits, for messages ("in a DO block")
     * @param dynamic whether it runs through EXECUTE
     */
    record Body(String sql, String where, boolean dynamic) {
    }

    private RoutineBodies() {
    }

    static List<Body> of(String statement) {
        SqlScanner scanner = new SqlScanner(statement);
        Reading reading = new Reading();
        List<Body> bodies = new ArrayList<>();
        String previous = null;
        while (scanner.next()) {
            if (scanner.isBlank()) {
                continue;
            }
            String word = keyword(scanner);
            if ("EXECUTE".equals(previous)) {
                bodies.add(executed(scanner));
            } else {
                reading.see(scanner, word, previous);
            }
            previous = word;
        }
        String where = reading.where();
        if (where != null && reading.readable() && reading.quoted != null) {
            bodies.add(new Body(reading.quoted, where, false));
        }
        if (where != null && reading.atomicFrom >= 0 && reading.lastEnd > reading.atomicFrom) {
            bodies.add(new Body(statement.substring(reading.atomicFrom, reading.lastEnd), where, false));
        }
        return bodies;
    }

    private static final List<String> KEYWORDS = List.of("AS", "LANGUAGE", "BEGIN", "ATOMIC", "END", "FUNCTION",
            "PROCEDURE", "EXECUTE", "DO", "CREATE", "OR", "REPLACE");

    /** The token as one of the keywords that matter here, "" for another word, null for a non-word. */
    private static String keyword(SqlScanner token) {
        if (token.kind() != SqlScanner.Kind.WORD) {
            return null;
        }
        for (String keyword : KEYWORDS) {
            if (token.isWord(keyword)) {
                return keyword;
            }
        }
        return "";
    }

    /** What a statement's tokens say about the body it carries. */
    private static final class Reading {

        private final List<String> head = new ArrayList<>();
        private String name;
        private String quoted;
        private String language;
        private int atomicFrom = -1;
        private int lastEnd = -1;

        void see(SqlScanner token, String word, String previous) {
            boolean constant = token.kind() == SqlScanner.Kind.DOLLAR_STRING || token.kind() == SqlScanner.Kind.STRING;
            if ("LANGUAGE".equals(previous)) {
                language = token.text().replace("'", "").replace("\"", "").toLowerCase(Locale.ROOT);
            } else if (constant && quoted == null && ("AS".equals(previous) || isDo())) {
                quoted = value(token);
            } else if ("ATOMIC".equals(word) && "BEGIN".equals(previous) && atomicFrom < 0) {
                atomicFrom = token.end();
            } else if ("END".equals(word)) {
                lastEnd = token.start();
            } else if (name == null && ("FUNCTION".equals(previous) || "PROCEDURE".equals(previous))) {
                name = token.text();
            }
            if (word != null && head.size() < 4) {
                head.add(word);
            }
        }

        boolean readable() {
            return language == null || language.equals("plpgsql") || language.equals("sql");
        }

        private boolean isDo() {
            return !head.isEmpty() && head.get(0).equals("DO");
        }

        /** "in a DO block", "in function NAME", or null for a statement that carries no body. */
        String where() {
            if (isDo()) {
                return "in a DO block";
            }
            int kind = head.size() > 1 && head.get(1).equals("OR") ? 3 : 1;
            if (head.size() > kind && head.get(0).equals("CREATE")
                    && (head.get(kind).equals("FUNCTION") || head.get(kind).equals("PROCEDURE"))) {
                return "in " + head.get(kind).toLowerCase(Locale.ROOT) + " " + name;
            }
            return null;
        }
    }

    /** What EXECUTE runs: a constant string, the format string of format(...), or unknown. */
    private static Body executed(SqlScanner scanner) {
        String where = "in dynamic SQL (EXECUTE)";
        if (scanner.kind() == SqlScanner.Kind.STRING || scanner.kind() == SqlScanner.Kind.DOLLAR_STRING) {
            return new Body(value(scanner), where, true);
        }
        if (scanner.isWord("format")) {
            while (scanner.next() && scanner.isBlank()) {
                // up to the parenthesis
            }
            if (scanner.kind() == SqlScanner.Kind.SYMBOL && scanner.text().equals("(")) {
                while (scanner.next() && scanner.isBlank()) {
                    // up to the format string
                }
                if (scanner.kind() == SqlScanner.Kind.STRING || scanner.kind() == SqlScanner.Kind.DOLLAR_STRING) {
                    return new Body(value(scanner), where, true);
                }
            }
        }
        return new Body(null, where, true);
    }

    private static String value(SqlScanner scanner) {
        return scanner.kind() == SqlScanner.Kind.DOLLAR_STRING ? scanner.dollarBody() : scanner.stringValue();
    }
}
