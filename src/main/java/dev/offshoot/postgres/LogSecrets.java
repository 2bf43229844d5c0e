package dev.offshoot.postgres;

import java.util.regex.Pattern;

/**
 * Takes passwords out of Postgres output before it reaches an error or a log: Postgres logs the
 * statement that failed, and an {@code ALTER ROLE ... PASSWORD} carries a plaintext password or a
 * verifier (Offshoot's own, or one a branch user typed).
 */
public final class LogSecrets {

    private static final Pattern PASSWORD_LITERAL = Pattern.compile("(?i)(PASSWORD\\s+)(E?)'(?:[^'\\\\]|''|\\\\.)*'");
    private static final Pattern SCRAM_VERIFIER = Pattern.compile("SCRAM-SHA-256\\$[^'\\s]*");
    private static final Pattern MD5_VERIFIER = Pattern.compile("md5[0-9a-f]{32}");

    private LogSecrets() {
    }

    public static String masked(String output) {
        if (output == null) {
            return "";
        }
        String withoutLiterals = PASSWORD_LITERAL.matcher(output).replaceAll("$1$2'***'");
        String withoutScram = SCRAM_VERIFIER.matcher(withoutLiterals).replaceAll("SCRAM-SHA-256\\$***");
        return MD5_VERIFIER.matcher(withoutScram).replaceAll("md5***");
    }
}
