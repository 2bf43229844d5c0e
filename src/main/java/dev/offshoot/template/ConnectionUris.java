package dev.offshoot.template;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Connection URI helpers that keep passwords out of anything shown or logged. */
final class ConnectionUris {

    private static final Pattern URI_PREFIX = Pattern.compile("(?i)^postgres(?:ql)?://");
    /** A keyword/value conninfo string's secret: any keyword naming a password, quoted or not. */
    private static final Pattern KEYWORD_PASSWORD = Pattern.compile(
            "(?i)(\\b[a-z_]*password\\s*=\\s*)('(?:[^'\\\\]|\\\\.)*'?|\\S*)");
    private static final String MASK = "***";

    private ConnectionUris() {
    }

    /**
     * The connection string with every password replaced by {@code ***}: the userinfo's (all of it
     * up to the authority's last {@code @}, so an unencoded {@code @} or {@code :} in it is masked
     * too) and every query parameter whose name, percent-decoded as libpq decodes it and in any
     * case, contains {@code password} ({@code pass%77ord}, {@code PASSWORD}, {@code sslpassword}).
     * A keyword/value string ({@code host=db password=x}) is masked by keyword.
     */
    static String maskPassword(String connection) {
        if (connection == null) {
            return null;
        }
        Matcher prefix = URI_PREFIX.matcher(connection);
        if (!prefix.find()) {
            return KEYWORD_PASSWORD.matcher(connection).replaceAll("$1" + MASK);
        }
        String rest = connection.substring(prefix.end());
        int slash = rest.indexOf('/');
        int at = (slash < 0 ? rest : rest.substring(0, slash)).lastIndexOf('@');
        String authority = at < 0 ? "" : maskUserinfo(rest.substring(0, at)) + "@";
        String afterUserinfo = rest.substring(at + 1);
        int query = afterUserinfo.indexOf('?');
        if (query < 0) {
            return prefix.group() + authority + afterUserinfo;
        }
        return prefix.group() + authority + afterUserinfo.substring(0, query + 1)
                + maskParameters(afterUserinfo.substring(query + 1));
    }

    static boolean looksLikePostgresUri(String uri) {
        return uri != null && (uri.startsWith("postgresql://") || uri.startsWith("postgres://"));
    }

    private static String maskUserinfo(String userinfo) {
        int colon = userinfo.indexOf(':');
        return colon < 0 ? userinfo : userinfo.substring(0, colon + 1) + MASK;
    }

    private static String maskParameters(String query) {
        StringBuilder out = new StringBuilder();
        for (String pair : query.split("&", -1)) {
            if (!out.isEmpty()) {
                out.append('&');
            }
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            boolean secret = decodeLeniently(name).toLowerCase(Locale.ROOT).contains("password");
            out.append(secret && eq >= 0 ? name + "=" + MASK : pair);
        }
        return out.toString();
    }

    /** Percent-decoding that keeps a malformed escape as it is: for deciding, never for using. */
    private static String decodeLeniently(String value) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            int hex = c == '%' ? hexByte(value, i + 1) : -1;
            if (hex >= 0) {
                bytes.write(hex);
                i += 2;
            } else {
                bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static int hexByte(String value, int at) {
        if (at + 2 > value.length()) {
            return -1;
        }
        int high = Character.digit(value.charAt(at), 16);
        int low = Character.digit(value.charAt(at + 1), 16);
        return high < 0 || low < 0 ? -1 : high * 16 + low;
    }
}
