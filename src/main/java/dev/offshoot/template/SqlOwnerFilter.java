package dev.offshoot.template;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Drops the one-line {@code ALTER ... OWNER TO ...;} statements pg_dump writes, so a plain-SQL dump
 * loads as the template's non-superuser owner role: what {@code pg_restore --no-owner} does for
 * custom-format dumps. Everything else, COPY data included, passes through untouched.
 */
final class SqlOwnerFilter {

    private static final Pattern OWNER_STATEMENT = Pattern.compile("^ALTER [A-Z ]+ .+ OWNER TO [^;]+;\\s*$");

    private SqlOwnerFilter() {
    }

    static void copyWithoutOwnerStatements(Path source, Path target) throws IOException {
        boolean inCopyData = false;
        try (BufferedReader in = Files.newBufferedReader(source, StandardCharsets.UTF_8);
                BufferedWriter out = Files.newBufferedWriter(target, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                if (inCopyData) {
                    inCopyData = !line.equals("\\.");
                } else if (line.startsWith("COPY ") && line.endsWith("FROM stdin;")) {
                    inCopyData = true;
                } else if (OWNER_STATEMENT.matcher(line).matches()) {
                    continue;
                }
                out.write(line);
                out.newLine();
            }
        }
    }
}
