package dev.offshoot.instance;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Where an instance's Postgres answers: the one place connection URLs are built. Docker publishes a
 * host port on the bind address; the Kubernetes runtime gives a Pod's IP and 5432.
 */
public record Endpoint(String host, int port) {

    /** A JDBC URL without credentials (they travel as connection properties). */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    /** A libpq URI; the password is left out when null. */
    public String uri(String user, String password, String database) {
        return "postgresql://" + enc(user) + (password == null ? "" : ":" + enc(password)) + "@" + host + ":" + port
                + "/" + enc(database);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return host + ":" + port;
    }
}
