package dev.offshoot.template;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.offshoot.error.OffshootException.Kind;
import dev.offshoot.error.OffshootException;
import dev.offshoot.postgres.LogSecrets;

/**
 * Why a URL import failed, as a stable code with a fixed explanation. pg_dump's own messages never
 * reach the caller: libpq's answer tells what listens at an address ({@code password
 * authentication failed} means PostgreSQL, {@code received invalid response to SSL negotiation: H}
 * shows a banner's first byte), which would turn imports into a port scanner. They go to the
 * service log instead. A refused login stays its own code ({@code SOURCE_AUTH_FAILED}): only public
 * addresses and those an administrator allowed are reached at all, so it tells a caller no more
 * than a connection from anywhere else would, and it says what to fix.
 */
record ImportFailure(String code, String detail, boolean retryable) {

    static final String UNREACHABLE = SourceGuard.UNREACHABLE;
    static final String AUTH_FAILED = "SOURCE_AUTH_FAILED";
    static final String DUMP_FAILED = "SOURCE_DUMP_FAILED";
    static final String RESTORE_FAILED = "SOURCE_RESTORE_FAILED";
    /** Starts the helper's last line: the exit codes of both sides. */
    static final String STATUS = "offshoot-import:";

    private static final Pattern STATUS_LINE = Pattern.compile(STATUS + " dump=(\\d+) restore=(\\d+)");
    private static final List<String> CONNECTION_FAILED = List.of("connection to server", "could not connect",
            "server closed the connection unexpectedly", "could not translate host name");
    private static final List<String> REFUSED_LOGIN = List.of("password authentication failed",
            "no password supplied", "pg_hba.conf", "does not exist", "authentication failed", "scram");
    private static final int MAX_DETAIL = 300;

    static ImportFailure of(long exitCode, String helperOutput, SourceUrl source, Duration timeout) {
        String output = helperOutput == null ? "" : helperOutput;
        Matcher status = STATUS_LINE.matcher(output);
        if (!status.find()) {
            return output.startsWith("timed out")
                    ? new ImportFailure(DUMP_FAILED, "the import did not finish within offshoot.runtime.import-timeout ("
                            + timeout + ")", true)
                    : new ImportFailure(DUMP_FAILED, "the import helper ended without finishing (exit code "
                            + exitCode + "); the service log has its output", true);
        }
        String dump = side(output, "dump: ");
        String restore = side(output, "restore: ");
        int dumpCode = Integer.parseInt(status.group(1));
        if (dumpCode != 0 && containsAny(dump, CONNECTION_FAILED)) {
            return connectionFailed(dump, source);
        }
        boolean dumpWasCutOff = dumpCode == 141 || dump.contains("Broken pipe");
        if (dumpCode != 0 && !dumpWasCutOff) {
            return dumpFailed(dump);
        }
        return Integer.parseInt(status.group(2)) != 0 ? restoreFailed(restore, source) : dumpFailed(dump);
    }

    OffshootException problem() {
        return new OffshootException(Kind.UNPROCESSABLE, code, detail, retryable);
    }

    /** The helper's output for the service log: password literals, verifiers and the source's password masked. */
    static String masked(String output, SourceUrl source) {
        String masked = LogSecrets.masked(output);
        return source.password().isEmpty() ? masked : masked.replace(source.password(), "***");
    }

    private static ImportFailure connectionFailed(String dump, SourceUrl source) {
        if (!containsAny(dump, REFUSED_LOGIN)) {
            return new ImportFailure(UNREACHABLE, "no PostgreSQL server at " + source.hostAndPort() + " accepted"
                    + " the connection: nothing listens there, it timed out or has no route, it is no PostgreSQL"
                    + " server, or it does not offer the TLS that sslmode asks for", true);
        }
        String lower = dump.toLowerCase(Locale.ROOT);
        if (lower.contains("database \"") && lower.contains("does not exist")) {
            return new ImportFailure(AUTH_FAILED, "the source server at " + source.hostAndPort()
                    + " has no database '" + source.database() + "'", false);
        }
        if (lower.contains("pg_hba.conf")) {
            return new ImportFailure(AUTH_FAILED, "the source server at " + source.hostAndPort() + " does not"
                    + " admit user '" + source.user() + "' from Offshoot's address (its pg_hba.conf)", false);
        }
        return new ImportFailure(AUTH_FAILED, "the source server at " + source.hostAndPort() + " refused the"
                + " login of user '" + source.user() + "' (wrong password or unknown user)", false);
    }

    private static ImportFailure dumpFailed(String dump) {
        String lower = dump.toLowerCase(Locale.ROOT);
        if (lower.contains("server version mismatch")) {
            return new ImportFailure(DUMP_FAILED, "the source server is of a newer PostgreSQL major than the"
                    + " template: create the template with a postgresVersion at least the source's (its pg_dump is"
                    + " the template major's)", false);
        }
        if (lower.contains("permission denied")) {
            return new ImportFailure(DUMP_FAILED, "pg_dump may not read everything in the source database"
                    + " (permission denied): import as a user that can read the whole database", false);
        }
        return new ImportFailure(DUMP_FAILED, "pg_dump failed after connecting; the service log has its"
                + " messages", false);
    }

    /**
     * pg_restore's first error is the template database's own answer to SQL from the dump, which
     * the caller could read anyway: it is passed on, masked and shortened, because it says what to fix.
     */
    private static ImportFailure restoreFailed(String restore, SourceUrl source) {
        Optional<String> error = restore.lines().filter(line -> line.contains("ERROR:")).findFirst()
                .map(line -> line.substring(line.indexOf("ERROR:")).strip());
        if (error.isEmpty()) {
            return new ImportFailure(RESTORE_FAILED, "loading the dump into the template failed; the service"
                    + " log has pg_restore's messages", false);
        }
        String shown = masked(error.get(), source);
        return new ImportFailure(RESTORE_FAILED, "loading the dump into the template failed: "
                + (shown.length() > MAX_DETAIL ? shown.substring(0, MAX_DETAIL) + "..." : shown), false);
    }

    private static String side(String output, String prefix) {
        StringBuilder lines = new StringBuilder();
        output.lines().filter(line -> line.startsWith(prefix))
                .forEach(line -> lines.append(line, prefix.length(), line.length()).append('\n'));
        return lines.toString();
    }

    private static boolean containsAny(String text, List<String> needles) {
        String lower = text.toLowerCase(Locale.ROOT);
        return needles.stream().anyMatch(lower::contains);
    }
}
