package dev.offshoot.template;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Prepares a plain-SQL file for loading as the template's non-superuser owner role: drops the
 * one-line {@code ALTER ... OWNER TO ...;} statements pg_dump writes (what {@code pg_restore
 * --no-owner} does for custom-format dumps) and pg_dump's own {@code restrict}/{@code unrestrict} meta-commands
 * pair (the load runs restricted under a key of its own). Dropped lines become empty lines, so that
 * psql's line numbers still point into the file the user uploaded. Everything else, COPY data
 * included, passes through untouched.
 */
final class SqlOwnerFilter {

    private static final Pattern OWNER_STATEMENT = Pattern.compile("^ALTER [A-Z ]+ .+ OWNER TO [^;]+;\\s*$");
    private static final Pattern DUMP_RESTRICTION = Pattern.compile("^\\\\(un)?restrict [A-Za-z0-9]+\\s*$");

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
                } else if (PsqlScript.startsCopyFromStdin(line)) {
                    inCopyData = true;
                } else if (OWNER_STATEMENT.matcher(line).matches() || DUMP_RESTRICTION.matcher(line).matches()) {
                    line = "";
                }
                out.write(line);
                out.newLine();
            }
        }
    }
}
