package dev.offshoot.template;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A friendly early look at an uploaded SQL file for psql meta-commands ({@code \c}, {@code \!},
 * {@code \o}, ...), so that a refusal names the file and line before any container starts. It is
 * not the guard: the load itself runs psql under {@code \restrict}, where every meta-command fails.
 * It therefore only looks at lines that start with a backslash outside COPY data and dollar quotes,
 * and never refuses a file psql would accept without a meta-command.
 */
final class PsqlScript {

    private static final Pattern COPY_FROM_STDIN = Pattern.compile("(?is)^\\s*COPY\\s.+\\sFROM\\s+stdin\\b.*;\\s*$");
    private static final Pattern DOLLAR_QUOTE = Pattern.compile("\\$([A-Za-z_][A-Za-z0-9_]*)?\\$");
    private static final Pattern DUMP_RESTRICTION = Pattern.compile("^\\\\(un)?restrict [A-Za-z0-9]+\\s*$");

    /** A meta-command found at a 1-based line. */
    record MetaCommand(int line, String command) {
    }

    private PsqlScript() {
    }

    static boolean startsCopyFromStdin(String line) {
        return COPY_FROM_STDIN.matcher(line).matches();
    }

    /** The first meta-command of the file, ignoring pg_dump's own {@code restrict}/{@code unrestrict} meta-commands lines. */
    static Optional<MetaCommand> firstMetaCommand(Path file) throws IOException {
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            boolean inCopyData = false;
            String dollarTag = null;
            String line;
            int number = 0;
            while ((line = in.readLine()) != null) {
                number++;
                if (inCopyData) {
                    inCopyData = !line.equals("\\.");
                    continue;
                }
                String trimmed = line.stripLeading();
                if (dollarTag == null && trimmed.startsWith("\\") && !DUMP_RESTRICTION.matcher(line).matches()) {
                    return Optional.of(new MetaCommand(number, commandOf(trimmed)));
                }
                dollarTag = dollarTagAfter(line, dollarTag);
                inCopyData = dollarTag == null && startsCopyFromStdin(line);
            }
            return Optional.empty();
        }
    }

    /** The meta-command's name as written, e.g. {@code \c} or {@code \!}. */
    static String commandOf(String trimmed) {
        int end = 1;
        if (end < trimmed.length() && !Character.isLetter(trimmed.charAt(end))) {
            end++;
        } else {
            while (end < trimmed.length() && (Character.isLetter(trimmed.charAt(end)) || trimmed.charAt(end) == '_')) {
                end++;
            }
        }
        return trimmed.substring(0, end).toLowerCase(Locale.ROOT);
    }

    private static String dollarTagAfter(String line, String openTag) {
        String tag = openTag;
        Matcher m = DOLLAR_QUOTE.matcher(line);
        while (m.find()) {
            String found = m.group();
            if (tag == null) {
                tag = found;
            } else if (tag.equals(found)) {
                tag = null;
            }
        }
        return tag;
    }
}
