package dev.offshoot.template;

import java.util.regex.Pattern;

/** Connection URI helpers that keep passwords out of anything shown or logged. */
final class ConnectionUris {

    private static final Pattern USERINFO_PASSWORD = Pattern.compile("^(postgres(?:ql)?://[^:/@]*):[^@]*@");
    private static final Pattern PARAM_PASSWORD = Pattern.compile("(?i)([?&]password=)[^&]*");

    private ConnectionUris() {
    }

    static String maskPassword(String uri) {
        if (uri == null) {
            return null;
        }
        String masked = USERINFO_PASSWORD.matcher(uri).replaceFirst("$1:***@");
        return PARAM_PASSWORD.matcher(masked).replaceAll("$1***");
    }

    static boolean looksLikePostgresUri(String uri) {
        return uri != null && (uri.startsWith("postgresql://") || uri.startsWith("postgres://"));
    }
}
