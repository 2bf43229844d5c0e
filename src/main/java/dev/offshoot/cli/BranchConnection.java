package dev.offshoot.cli;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

import tools.jackson.databind.JsonNode;

/**
 * A branch's connection with its password, as libpq's environment variables: what {@code psql},
 * {@code run} and {@code connection-string --pg-vars} hand to a program, so that the password
 * travels in an environment or a 0600 file, never in an argument list or on a terminal.
 */
record BranchConnection(String uri, String host, String port, String database, String user, String password) {

    @Override
    public String toString() {
        return "BranchConnection[host=" + host + ", port=" + port + ", database=" + database + "]";
    }

    /** The branch's owner connection (or its read-only role's), fetched from the service. */
    static BranchConnection of(OffshootClient client, String branch, boolean readOnly) {
        JsonNode answer = client.get("/api/v1/branches/" + OffshootClient.enc(branch));
        JsonNode c = answer.path(readOnly ? "readOnlyConnection" : "connection");
        if (!c.path("uri").isString()) {
            throw new CliFailure(ExitCodes.NOT_FOUND, "NO_CONNECTION",
                    "branch '" + branch + "' has no " + (readOnly ? "read-only " : "") + "connection yet");
        }
        return new BranchConnection(c.get("uri").asString(), text(c, "host"), text(c, "port"), text(c, "database"),
                text(c, "user"), text(c, "password"));
    }

    boolean hasPassword() {
        return password != null && !password.isEmpty();
    }

    /** The URI without its password fails to authenticate: say why instead of letting the program find out. */
    BranchConnection requirePassword(String branch) {
        if (!hasPassword()) {
            throw new CliFailure(ExitCodes.USAGE, "NO_PASSWORD", "this token does not see branch '" + branch
                    + "'s password (it needs the write scope, or use --read-only)");
        }
        return this;
    }

    /**
     * PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD, and PGSSLMODE and PGOPTIONS when the URI names
     * them: the gateway finds the branch by its options ({@code endpoint=<branch>}).
     */
    Map<String, String> libpqVariables() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PGHOST", host);
        env.put("PGPORT", port);
        env.put("PGDATABASE", database);
        env.put("PGUSER", user);
        if (hasPassword()) {
            env.put("PGPASSWORD", password);
        }
        String sslmode = queryParameter(uri, "sslmode");
        if (sslmode != null) {
            env.put("PGSSLMODE", sslmode);
        }
        String options = queryParameter(uri, "options");
        if (options != null) {
            env.put("PGOPTIONS", options);
        }
        env.values().removeIf(v -> v == null);
        return env;
    }

    /** {@link #libpqVariables()} and {@code DATABASE_URL}: what {@code offshoot run} sets. */
    Map<String, String> allVariables() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("DATABASE_URL", uri);
        env.putAll(libpqVariables());
        return env;
    }

    private static String queryParameter(String uri, String name) {
        try {
            String query = URI.create(uri).getQuery();
            if (query != null) {
                for (String pair : query.split("&")) {
                    if (pair.startsWith(name + "=")) {
                        return pair.substring(name.length() + 1);
                    }
                }
            }
        } catch (IllegalArgumentException e) {
            // not a URI java reads: no sslmode or options then
        }
        return null;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asString();
    }
}
