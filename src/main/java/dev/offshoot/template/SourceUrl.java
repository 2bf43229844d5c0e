package dev.offshoot.template;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.offshoot.web.ApiException;

/**
 * A source database URI taken apart, so that pg_dump gets the password through its environment and
 * nothing secret through its arguments (which every user of the host can read in {@code ps}).
 * Only {@code postgresql://} URIs with one host are accepted.
 */
record SourceUrl(String host, int port, String database, String user, String password, Map<String, String> options) {

    /** URI query parameters pg_dump may get, with the libpq environment variable that carries each. */
    private static final Map<String, String> OPTIONS = Map.of(
            "sslmode", "PGSSLMODE",
            "connect_timeout", "PGCONNECT_TIMEOUT",
            "application_name", "PGAPPNAME",
            "options", "PGOPTIONS");

    static SourceUrl parse(String url) {
        if (!ConnectionUris.looksLikePostgresUri(url)) {
            throw invalid("sourceUrl must be a postgresql:// connection URI");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw invalid("sourceUrl is not a valid URI (one host; percent-encode special characters)");
        }
        if (uri.getHost() == null || uri.getRawAuthority().contains(",")) {
            throw invalid("sourceUrl must name exactly one host");
        }
        String path = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
        String userInfo = uri.getRawUserInfo();
        String user = "";
        String password = "";
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
            password = colon < 0 ? "" : decode(userInfo.substring(colon + 1));
        }
        Map<String, String> options = new LinkedHashMap<>();
        if (uri.getRawQuery() != null) {
            for (String pair : uri.getRawQuery().split("&")) {
                int eq = pair.indexOf('=');
                String key = decode(eq < 0 ? pair : pair.substring(0, eq));
                String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
                switch (key) {
                    case "user" -> user = value;
                    case "password" -> password = value;
                    case "dbname" -> path = value;
                    default -> {
                        if (!OPTIONS.containsKey(key)) {
                            throw invalid("sourceUrl parameter '" + key + "' is not supported; supported: "
                                    + "user, password, dbname, " + String.join(", ", OPTIONS.keySet()));
                        }
                        options.put(OPTIONS.get(key), value);
                    }
                }
            }
        }
        String host = uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1)
                : uri.getHost();
        return new SourceUrl(host, uri.getPort() < 0 ? 5432 : uri.getPort(), path.isEmpty() ? user : path,
                user, password, Map.copyOf(options));
    }

    /** libpq's environment variables for this source, password included; each name carries the prefix. */
    Map<String, String> environment(String prefix) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put(prefix + "PGHOST", host);
        env.put(prefix + "PGPORT", String.valueOf(port));
        env.put(prefix + "PGDATABASE", database);
        if (!user.isEmpty()) {
            env.put(prefix + "PGUSER", user);
        }
        if (!password.isEmpty()) {
            env.put(prefix + "PGPASSWORD", password);
        }
        options.forEach((name, value) -> env.put(prefix + name, value));
        return env;
    }

    @Override
    public String toString() {
        return "SourceUrl[" + user + "@" + host + ":" + port + "/" + database + "]";
    }

    private static String decode(String value) {
        return URLDecoder.decode(value.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static ApiException invalid(String detail) {
        return ApiException.badRequest("INVALID_SOURCE", detail);
    }
}
