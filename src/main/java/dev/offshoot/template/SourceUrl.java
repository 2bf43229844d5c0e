package dev.offshoot.template;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import dev.offshoot.error.OffshootException;

/**
 * A source database URI taken apart the way libpq takes it apart (userinfo up to the first
 * {@code @} before any {@code /}, a bracketed IPv6 host, every component percent-decoded, {@code %00}
 * refused), so that pg_dump gets the password through its environment and nothing secret through
 * its arguments (which every user of the host can read in {@code ps}). Only {@code postgresql://}
 * URIs with exactly one TCP host are accepted: no host lists, no Unix-socket paths, and no
 * {@code host}, {@code hostaddr} or {@code port} parameters, because the host is resolved and
 * checked once by Offshoot and pg_dump connects to exactly the checked address.
 *
 * @param host the host as libpq would read it: decoded, without the brackets of an IPv6 literal
 */
record SourceUrl(String host, int port, String database, String user, String password, Map<String, String> options) {

    /** URI query parameters pg_dump may get, with the libpq environment variable that carries each. */
    private static final Map<String, String> OPTIONS = Map.of(
            "sslmode", "PGSSLMODE",
            "connect_timeout", "PGCONNECT_TIMEOUT",
            "application_name", "PGAPPNAME",
            "options", "PGOPTIONS");
    /** Host names and IPv4 forms (dotted, hex, octal, short); anything else is no TCP host name. */
    private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,253}");
    private static final Pattern IPV6_LITERAL = Pattern.compile("[0-9A-Fa-f:.]+(%[A-Za-z0-9_.-]+)?");
    private static final Pattern PORT = Pattern.compile("[0-9]{1,5}");

    static SourceUrl parse(String url) {
        if (!ConnectionUris.looksLikePostgresUri(url)) {
            throw invalid("sourceUrl must be a postgresql:// connection URI");
        }
        String rest = url.substring(url.indexOf("://") + 3);
        String user = "";
        String password = "";
        int userinfoEnd = indexOfAny(rest, "@/", 0);
        if (userinfoEnd >= 0 && rest.charAt(userinfoEnd) == '@') {
            String userinfo = rest.substring(0, userinfoEnd);
            int colon = userinfo.indexOf(':');
            user = decode(colon < 0 ? userinfo : userinfo.substring(0, colon));
            password = colon < 0 ? "" : decode(userinfo.substring(colon + 1));
            rest = rest.substring(userinfoEnd + 1);
        }
        int hostEnd = rest.startsWith("[") ? rest.indexOf(']') + 1 : endOf(rest, ":/?,", 0);
        if (hostEnd == 0) {
            throw invalid("sourceUrl has an unclosed '[' in its host");
        }
        String host = host(rest.substring(0, hostEnd));
        int portEnd = rest.startsWith(":", hostEnd) ? endOf(rest, "/?,", hostEnd) : hostEnd;
        int port = port(rest.substring(Math.min(hostEnd + 1, portEnd), portEnd));
        if (portEnd < rest.length() && "/?".indexOf(rest.charAt(portEnd)) < 0) {
            throw invalid(rest.charAt(portEnd) == ',' ? "sourceUrl must name exactly one host (no host lists)"
                    : "sourceUrl is malformed after its host");
        }
        int queryStart = endOf(rest, "?", portEnd);
        String path = portEnd < queryStart ? decode(rest.substring(portEnd + 1, queryStart)) : "";
        Parameters parameters = parameters(queryStart < rest.length() ? rest.substring(queryStart + 1) : "");
        user = parameters.user() != null ? parameters.user() : user;
        password = parameters.password() != null ? parameters.password() : password;
        path = parameters.database() != null ? parameters.database() : path;
        return new SourceUrl(host, port, path.isEmpty() ? user : path, user, password, parameters.options());
    }

    /**
     * libpq's environment variables for this source, password included; each name carries the
     * prefix. pg_dump connects to exactly {@code addresses} ({@code PGHOSTADDR}, so it resolves
     * nothing itself); a host name stays in {@code PGHOST} for TLS verification and SNI only.
     */
    Map<String, String> environment(String prefix, List<InetAddress> addresses) {
        Map<String, String> env = new LinkedHashMap<>();
        if (!HostAddresses.isLiteral(host)) {
            env.put(prefix + "PGHOST", String.join(",", Collections.nCopies(addresses.size(), host)));
        }
        env.put(prefix + "PGHOSTADDR", String.join(",", addresses.stream().map(InetAddress::getHostAddress).toList()));
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

    /** host:port for messages, with an IPv6 literal in brackets. */
    String hostAndPort() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public String toString() {
        return "SourceUrl[" + user + "@" + hostAndPort() + "/" + database + "]";
    }

    private static String host(String raw) {
        boolean bracketed = raw.startsWith("[");
        String host = decode(bracketed ? raw.substring(1, raw.length() - 1) : raw);
        if (host.isEmpty()) {
            throw invalid("sourceUrl must name a host");
        }
        if (host.startsWith("/") || host.startsWith("@")) {
            throw invalid("sourceUrl must name a TCP host: Unix-domain sockets are no import source");
        }
        if (!(bracketed ? IPV6_LITERAL : HOST_NAME).matcher(host).matches()) {
            throw invalid("sourceUrl's host is neither a host name nor an IP address");
        }
        return host;
    }

    private static int port(String text) {
        if (text.isEmpty()) {
            return 5432;
        }
        int port = PORT.matcher(text).matches() ? Integer.parseInt(text) : 0;
        if (port < 1 || port > 65535) {
            throw invalid("sourceUrl's port must be a number from 1 to 65535");
        }
        return port;
    }

    private record Parameters(String user, String password, String database, Map<String, String> options) {
    }

    private static Parameters parameters(String query) {
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, String> options = new LinkedHashMap<>();
        for (String pair : query.isEmpty() ? new String[0] : query.split("&")) {
            int eq = pair.indexOf('=');
            if (eq < 0) {
                throw invalid("sourceUrl parameters must be name=value pairs");
            }
            String key = decode(pair.substring(0, eq));
            String value = decode(pair.substring(eq + 1));
            switch (key) {
                case "user", "password", "dbname" -> values.put(key, value);
                case "host", "hostaddr", "port" -> throw invalid("sourceUrl parameter '" + key + "' is not"
                        + " supported: give exactly one host and port in the URI itself");
                default -> {
                    if (!OPTIONS.containsKey(key)) {
                        throw invalid("sourceUrl parameter '" + key + "' is not supported; supported: "
                                + "user, password, dbname, " + String.join(", ", OPTIONS.keySet()));
                    }
                    options.put(OPTIONS.get(key), value);
                }
            }
        }
        return new Parameters(values.get("user"), values.get("password"), values.get("dbname"), Map.copyOf(options));
    }

    /** libpq's percent-decoding: every {@code %} starts two hex digits, and {@code %00} is refused. */
    private static String decode(String value) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c != '%') {
                bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
                continue;
            }
            int high = i + 2 < value.length() ? Character.digit(value.charAt(i + 1), 16) : -1;
            int low = i + 2 < value.length() ? Character.digit(value.charAt(i + 2), 16) : -1;
            if (high < 0 || low < 0 || high + low == 0) {
                throw invalid("sourceUrl has an invalid percent-encoded character (%00, or % without two hex digits)");
            }
            bytes.write(high * 16 + low);
            i += 2;
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** The first index at or after {@code from} of any of {@code chars}, or -1. */
    private static int indexOfAny(String text, String chars, int from) {
        for (int i = from; i < text.length(); i++) {
            if (chars.indexOf(text.charAt(i)) >= 0) {
                return i;
            }
        }
        return -1;
    }

    /** Like {@link #indexOfAny}, but the text's length when none is found. */
    private static int endOf(String text, String chars, int from) {
        int index = indexOfAny(text, chars, from);
        return index < 0 ? text.length() : index;
    }

    private static OffshootException invalid(String detail) {
        return OffshootException.invalid("INVALID_SOURCE", detail);
    }
}
