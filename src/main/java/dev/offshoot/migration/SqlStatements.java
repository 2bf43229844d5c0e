package dev.offshoot.migration;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits SQL text into statements at semicolons that are outside quotes, dollar quotes and
 * comments. Enough for linting and for running a console's statements one by one; the server
 * remains the judge of what each statement means.
 */
final class SqlStatements {

    private SqlStatements() {
    }

    static List<String> split(String sql) {
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            int end;
            if (c == '\'' || c == '"') {
                end = closing(sql, i + 1, String.valueOf(c));
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                end = lineEnd(sql, i);
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                end = closing(sql, i + 2, "*/");
            } else if (c == '$' && dollarTag(sql, i) != null) {
                String tag = dollarTag(sql, i);
                end = closing(sql, i + tag.length(), tag);
            } else if (c == ';') {
                add(statements, current);
                current.setLength(0);
                i++;
                continue;
            } else {
                end = i + 1;
            }
            current.append(sql, i, end);
            i = end;
        }
        add(statements, current);
        return statements;
    }

    /** The statement without comments, in one line: what lint rules match on. */
    static String normalize(String statement) {
        String noComments = statement.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("--[^\\n]*", " ");
        return noComments.replaceAll("\\s+", " ").trim();
    }

    private static void add(List<String> statements, StringBuilder current) {
        String text = current.toString().strip();
        if (!normalize(text).isEmpty()) {
            statements.add(text);
        }
    }

    private static int closing(String sql, int from, String close) {
        int at = sql.indexOf(close, from);
        return at < 0 ? sql.length() : at + close.length();
    }

    private static int lineEnd(String sql, int from) {
        int at = sql.indexOf('\n', from);
        return at < 0 ? sql.length() : at + 1;
    }

    /** "$$" or "$tag$" starting at i, or null. */
    private static String dollarTag(String sql, int i) {
        int j = i + 1;
        while (j < sql.length() && (Character.isLetterOrDigit(sql.charAt(j)) || sql.charAt(j) == '_')) {
            j++;
        }
        if (j < sql.length() && sql.charAt(j) == '$' && (j == i + 1 || !Character.isDigit(sql.charAt(i + 1)))) {
            return sql.substring(i, j + 1);
        }
        return null;
    }
}
