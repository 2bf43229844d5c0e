package dev.offshoot.instance;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Where a Postgres answers: the one place connection URLs are built. An instance's own (Docker: its
 * address on the branch network; Kubernetes: its Pod's), or the gateway's that users are given.
 */
public record Endpoint(String host, int port) {

    /** A JDBC URL without credentials (they travel as connection properties). */
    public String jdbcUrl(String database) {
        return jdbcUrl(database, Map.of());
    }

    /** A JDBC URL without credentials, with these connection parameters (sslmode, options, ...). */
    public String jdbcUrl(String database, Map<String, String> parameters) {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database + query(parameters);
    }

    /** A libpq URI; the password is left out when null. */
    public String uri(String user, String password, String database) {
        return uri(user, password, database, Map.of());
    }

    /** A libpq URI with these connection parameters; the password is left out when null. */
    public String uri(String user, String password, String database, Map<String, String> parameters) {
        return "postgresql://" + enc(user) + (password == null ? "" : ":" + enc(password)) + "@" + host + ":" + port
                + "/" + enc(database) + query(parameters);
    }

    private static String query(Map<String, String> parameters) {
        return parameters.isEmpty() ? "" : parameters.entrySet().stream()
                .map(p -> enc(p.getKey()) + "=" + enc(p.getValue()))
                .collect(java.util.stream.Collectors.joining("&", "?", ""));
    }

    /** Percent-encoding as libpq reads it (which takes no '+' for a space). */
    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    @Override
    public String toString() {
        return host + ":" + port;
    }
}
