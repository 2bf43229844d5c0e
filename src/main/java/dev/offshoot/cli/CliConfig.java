package dev.offshoot.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The config file {@code offshoot login} writes ({@code $OFFSHOOT_CONFIG}, else
 * {@code ~/.offshoot/cli.json}, mode 0600): named contexts, each a service URL and a token, and which
 * one is current, like neonctl's contexts or DBLab's {@code config switch}. A file in the older form
 * ({@code {"url", "token"}}) reads as one context named {@code default}.
 *
 * @param current  the context used when neither {@code --context} nor {@code OFFSHOOT_CONTEXT} names one
 * @param contexts by name, sorted
 */
record CliConfig(String current, Map<String, Context> contexts) {

    static final String DEFAULT = "default";

    record Context(String url, String token) {
        @Override
        public String toString() {
            // records print their components; the token must never reach a log or an error
            return "Context[url=" + url + "]";
        }
    }

    static CliConfig empty() {
        return new CliConfig(null, new TreeMap<>());
    }

    static Path file(Map<String, String> env) {
        String configured = env.get("OFFSHOOT_CONFIG");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        return Path.of(System.getProperty("user.home"), ".offshoot", "cli.json");
    }

    /** The file's contexts; an empty config when there is no file; a usage failure when it is unreadable. */
    static CliConfig read(Path file) {
        if (!Files.isRegularFile(file)) {
            return empty();
        }
        try {
            JsonNode saved = CliSettings.JSON.readTree(Files.readString(file));
            Map<String, Context> contexts = new TreeMap<>();
            if (saved.has("contexts")) {
                saved.get("contexts").properties().forEach(e -> contexts.put(e.getKey(),
                        new Context(text(e.getValue(), "url"), text(e.getValue(), "token"))));
                return new CliConfig(text(saved, "current"), contexts);
            }
            contexts.put(DEFAULT, new Context(text(saved, "url"), text(saved, "token")));
            return new CliConfig(DEFAULT, contexts);
        } catch (IOException | RuntimeException e) {
            throw CliFailure.usage("cannot read " + file + ": run 'offshoot login' again");
        }
    }

    CliConfig with(String name, Context context) {
        Map<String, Context> changed = new TreeMap<>(contexts);
        changed.put(name, context);
        return new CliConfig(name, changed);
    }

    CliConfig using(String name) {
        requireKnown(name);
        return new CliConfig(name, contexts);
    }

    CliConfig without(String name) {
        requireKnown(name);
        Map<String, Context> changed = new TreeMap<>(contexts);
        changed.remove(name);
        return new CliConfig(name.equals(current) ? null : current, changed);
    }

    void requireKnown(String name) {
        if (!contexts.containsKey(name)) {
            throw new CliFailure(ExitCodes.NOT_FOUND, "CONTEXT_NOT_FOUND", "no context named '" + name
                    + "' (known: " + String.join(", ", contexts.keySet()) + ")");
        }
    }

    /** Writes the file readable by the owner only (it holds bearer tokens). */
    void save(Path file) throws IOException {
        ObjectNode root = CliSettings.JSON.createObjectNode();
        root.put("current", current);
        ObjectNode all = root.putObject("contexts");
        Map<String, Context> sorted = new LinkedHashMap<>(new TreeMap<>(contexts));
        sorted.forEach((name, c) -> all.putObject(name).put("url", c.url()).put("token", c.token()));
        SecretFiles.write(file, CliSettings.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n");
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asString();
    }
}
