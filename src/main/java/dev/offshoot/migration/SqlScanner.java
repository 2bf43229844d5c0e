package dev.offshoot.migration;

/**
 * PostgreSQL's lexical structure in one forward pass, for splitting, normalising and linting SQL
 * text: each character is looked at a bounded number of times, so any input takes linear time.
 * It knows what hides a semicolon or a keyword from the server: '...' strings (with '' inside),
 * E'...' strings (backslash escapes too), U&'...' and B/X/N strings, "..." names (with ""),
 * dollar quotes $tag$...$tag$, -- comments, and nested /* comments as the server nests them.
 * Something left open (an unterminated string or comment) runs to the end of the text, where
 * the server refuses it. Plain strings are read as the server reads them by default
 * (standard_conforming_strings on). The server remains the judge of what the text means.
 */
final class SqlScanner {

    enum Kind {
        /** A keyword, an unquoted name or a number: letters, digits, _ and $ (not first). */
        WORD,
        /** A "quoted name" (U&"..." too). */
        QUOTED_NAME,
        /** A string constant in quotes, prefix included (E'...', U&'...', B'...'). */
        STRING,
        /** A $tag$...$tag$ constant, delimiters included. */
        DOLLAR_STRING,
        COMMENT,
        SPACE,
        SEMICOLON,
        /** Any other single character: punctuation, operator characters, parameters' $. */
        SYMBOL
    }

    private final String sql;
    private final int length;
    private int position;
    private Kind kind;
    private int start;

    SqlScanner(String sql) {
        this.sql = sql;
        this.length = sql.length();
    }

    /** Moves to the next token; false at the end of the text. */
    boolean next() {
        if (position >= length) {
            return false;
        }
        start = position;
        char c = sql.charAt(position);
        char d = position + 1 < length ? sql.charAt(position + 1) : 0;
        if (isSpace(c)) {
            kind = Kind.SPACE;
            while (position < length && isSpace(sql.charAt(position))) {
                position++;
            }
        } else if (c == '-' && d == '-') {
            kind = Kind.COMMENT;
            lineComment();
        } else if (c == '/' && d == '*') {
            kind = Kind.COMMENT;
            blockComment();
        } else if (c == '\'') {
            kind = Kind.STRING;
            quoted(position + 1, '\'', false);
        } else if (c == '"') {
            kind = Kind.QUOTED_NAME;
            quoted(position + 1, '"', false);
        } else if (c == '$' && dollarTagEnd(position) > 0) {
            kind = Kind.DOLLAR_STRING;
            dollarString();
        } else if (c == ';') {
            kind = Kind.SEMICOLON;
            position++;
        } else if (isWordStart(c)) {
            word(c, d);
        } else {
            kind = Kind.SYMBOL;
            position++;
        }
        return true;
    }

    Kind kind() {
        return kind;
    }

    int start() {
        return start;
    }

    int end() {
        return position;
    }

    String text() {
        return sql.substring(start, position);
    }

    /** Whether the current token is the one character {@code c} (a SYMBOL such as a parenthesis). */
    boolean isSymbol(char c) {
        return kind == Kind.SYMBOL && sql.charAt(start) == c;
    }

    /** Whether the current token is the word {@code word} (case-insensitive). */
    boolean isWord(String word) {
        return kind == Kind.WORD && position - start == word.length() && sql.regionMatches(true, start, word, 0,
                word.length());
    }

    /** Whether the token has no meaning to the server (space or comment). */
    boolean isBlank() {
        return kind == Kind.SPACE || kind == Kind.COMMENT;
    }

    /** The text of a dollar-quoted constant without its delimiters (current token must be one). */
    String dollarBody() {
        int open = dollarTagEnd(start) + 1;
        String delimiter = sql.substring(start, open);
        boolean closed = position - open >= delimiter.length() && sql.startsWith(delimiter, position - delimiter.length());
        return sql.substring(open, closed ? position - delimiter.length() : position);
    }

    /** The value of a plain '...' or E'...' constant (current token must be a STRING). */
    String stringValue() {
        boolean escapes = sql.charAt(start) == 'e' || sql.charAt(start) == 'E';
        int open = sql.indexOf('\'', start);
        StringBuilder value = new StringBuilder(position - open);
        for (int i = open + 1; i < position; i++) {
            char c = sql.charAt(i);
            if (c == '\'' && i + 1 < position && sql.charAt(i + 1) == '\'') {
                i++;
            } else if (c == '\\' && escapes && i + 1 < position) {
                c = sql.charAt(++i);
            } else if (c == '\'') {
                break;
            }
            value.append(c);
        }
        return value.toString();
    }

    private void lineComment() {
        while (position < length && sql.charAt(position) != '\n' && sql.charAt(position) != '\r') {
            position++;
        }
    }

    /** /* ... *&#47; where each inner /* opens a level the server closes with its own *&#47;. */
    private void blockComment() {
        int depth = 0;
        while (position < length) {
            char c = sql.charAt(position);
            char d = position + 1 < length ? sql.charAt(position + 1) : 0;
            if (c == '/' && d == '*') {
                depth++;
                position += 2;
            } else if (c == '*' && d == '/') {
                position += 2;
                if (--depth == 0) {
                    return;
                }
            } else {
                position++;
            }
        }
    }

    /**
     * From {@code from} to just past the closing {@code quote}; a doubled quote stays inside, and
     * so does an escaped one when {@code backslashes} (E'...').
     */
    private void quoted(int from, char quote, boolean backslashes) {
        int i = from;
        while (i < length) {
            char c = sql.charAt(i);
            if (backslashes && c == '\\') {
                i += 2;
            } else if (c == quote && i + 1 < length && sql.charAt(i + 1) == quote) {
                i += 2;
            } else if (c == quote) {
                position = i + 1;
                return;
            } else {
                i++;
            }
        }
        position = length;
    }

    /**
     * Words, and the constants a word-like prefix starts: E'...', U&'...', U&"...", B'...', X'...',
     * N'...'. A word may hold $ after its first character, so foo$bar$ is one name, never a quote.
     */
    private void word(char c, char d) {
        char lower = Character.toLowerCase(c);
        if (d == '\'' && (lower == 'e' || lower == 'b' || lower == 'x' || lower == 'n')) {
            kind = Kind.STRING;
            quoted(position + 2, '\'', lower == 'e');
            return;
        }
        if (lower == 'u' && d == '&' && position + 2 < length) {
            char q = sql.charAt(position + 2);
            if (q == '\'' || q == '"') {
                kind = q == '\'' ? Kind.STRING : Kind.QUOTED_NAME;
                quoted(position + 3, q, false);
                return;
            }
        }
        kind = Kind.WORD;
        while (position < length && isWordPart(sql.charAt(position))) {
            position++;
        }
    }

    /**
     * Just past the opening delimiter, then past the closing one. The closing delimiter is looked
     * for as the server's lexer does: at each $, read the tag-like run after it once; a run that
     * is not the tag is skipped whole, except a $ ending it, which may open the real delimiter.
     */
    private void dollarString() {
        int tagEnd = dollarTagEnd(position);
        String tag = sql.substring(position + 1, tagEnd);
        int i = tagEnd + 1;
        while (i < length) {
            int dollar = sql.indexOf('$', i);
            if (dollar < 0) {
                break;
            }
            int run = dollar + 1;
            while (run < length && isTagPart(sql.charAt(run), run == dollar + 1)) {
                run++;
            }
            if (run < length && sql.charAt(run) == '$' && run - dollar - 1 == tag.length()
                    && sql.startsWith(tag, dollar + 1)) {
                position = run + 1;
                return;
            }
            // run > dollar: the search goes on from the run's end, which may be the next delimiter's $
            i = run;
        }
        position = length;
    }

    /** The index of the $ closing a delimiter $tag$ (or $$) that starts at {@code at}, or -1. */
    private int dollarTagEnd(int at) {
        int i = at + 1;
        while (i < length && isTagPart(sql.charAt(i), i == at + 1)) {
            i++;
        }
        return i < length && sql.charAt(i) == '$' ? i : -1;
    }

    private static boolean isTagPart(char c, boolean first) {
        return c == '_' || c >= 0x80 || Character.isLetter(c) || (!first && Character.isDigit(c));
    }

    static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == 0x0B;
    }

    private static boolean isWordStart(char c) {
        return c == '_' || c >= 0x80 || Character.isLetterOrDigit(c);
    }

    private static boolean isWordPart(char c) {
        return c == '_' || c == '$' || c >= 0x80 || Character.isLetterOrDigit(c);
    }
}
