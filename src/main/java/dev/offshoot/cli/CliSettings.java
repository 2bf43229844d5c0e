package dev.offshoot.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Where the CLI finds the service: {@code OFFSHOOT_URL} and {@code OFFSHOOT_TOKEN} override the
 * config file that {@code offshoot login} writes ({@code $OFFSHOOT_CONFIG}, else
 * {@code ~/.offshoot/cli.json}, mode 0600).
 */
record CliSettings(String url, String token) {

    static final JsonMapper JSON = JsonMapper.builder().build();

    @Override
    public String toString() {
        // records print their components; the token must never reach a log or an error
        return "CliSettings[url=" + url + "]";
    }

    static Path configFile(Map<String, String> env) {
        String configured = env.get("OFFSHOOT_CONFIG");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        return Path.of(System.getProperty("user.home"), ".offshoot", "cli.json");
    }

    /** The settings to call the service with; a usage failure when no URL or token is known. */
    static CliSettings resolve(Map<String, String> env) {
        Path file = configFile(env);
        String url = null;
        String token = null;
        boolean envComplete = !blank(env.get("OFFSHOOT_URL")) && !blank(env.get("OFFSHOOT_TOKEN"));
        if (!envComplete && Files.isRegularFile(file)) {
            try {
                JsonNode saved = JSON.readTree(Files.readString(file));
                url = text(saved, "url");
                token = text(saved, "token");
            } catch (IOException | RuntimeException e) {
                throw CliFailure.usage("cannot read " + file + ": run 'offshoot login' again");
            }
        }
        url = firstNonBlank(env.get("OFFSHOOT_URL"), url);
        token = firstNonBlank(env.get("OFFSHOOT_TOKEN"), token);
        if (url == null || token == null) {
            throw CliFailure.usage("not logged in: run 'offshoot login --url URL' or set OFFSHOOT_URL and OFFSHOOT_TOKEN");
        }
        return new CliSettings(stripSlash(url), token);
    }

    /** Writes the settings readable by the owner only (the file holds a bearer token). */
    void save(Path file) throws IOException {
        String json = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(Map.of("url", url, "token", token));
        SecretFiles.write(file, json + "\n");
    }

    static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asString();
    }

    private static String firstNonBlank(String a, String b) {
        return !blank(a) ? a : (!blank(b) ? b : null);
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
