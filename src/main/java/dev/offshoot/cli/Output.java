package dev.offshoot.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;
import tools.jackson.dataformat.yaml.YAMLWriteFeature;

/**
 * What the commands print: aligned tables and key/value lines for people, the service's answer as
 * JSON or YAML with {@code -o json|yaml}, or with {@code --quiet} only what a script needs (names, a
 * URI) or nothing. Branch passwords are removed from every form: only {@code connection-string},
 * {@code psql} and {@code run} use one, so an agent's transcript or a CI log never shows it by accident.
 */
final class Output {

    private static final Pattern URI_PASSWORD = Pattern.compile("^([a-z]+://[^:@/]*):[^@/]*@");
    static final YAMLMapper YAML = YAMLMapper.builder().disable(YAMLWriteFeature.WRITE_DOC_START_MARKER).build();

    private final PrintWriter out;
    private final OutputFormat format;
    private final boolean quiet;

    Output(PrintWriter out, OutputFormat format, boolean quiet) {
        this.out = out;
        this.format = format;
        this.quiet = quiet;
    }

    /** JSON or YAML: the answer as data, whatever --quiet says. */
    boolean structured() {
        return format != OutputFormat.table;
    }

    /**
     * The one way a command answers: the data when structured, else the quiet line (none when null),
     * else the human form.
     */
    void answer(JsonNode data, String quietLine, Runnable human) {
        if (structured()) {
            printData(data);
        } else if (quiet) {
            if (quietLine != null && !quietLine.isEmpty()) {
                line(quietLine);
            }
        } else {
            human.run();
        }
    }

    void printData(JsonNode node) {
        if (format == OutputFormat.yaml) {
            out.print(YAML.writeValueAsString(node));
        } else {
            out.println(CliSettings.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node));
        }
        out.flush();
    }

    /** Nested data for people: YAML reads best. */
    void printYaml(JsonNode node) {
        out.print(YAML.writeValueAsString(node));
        out.flush();
    }

    void line(String text) {
        out.println(text);
        out.flush();
    }

    /** A note for people (e.g. "Deleted pr-1"); nothing with --quiet or structured output. */
    void note(String text) {
        if (!quiet && !structured()) {
            line(text);
        }
    }

    /** Columns padded to their widest cell; the last column is not padded. */
    void table(List<String> headers, List<List<String>> rows) {
        List<List<String>> all = new ArrayList<>();
        all.add(headers);
        all.addAll(rows);
        int[] widths = new int[headers.size()];
        for (List<String> row : all) {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], cell(row.get(i)).length());
            }
        }
        for (List<String> row : all) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.size(); i++) {
                line.append(i == row.size() - 1 ? cell(row.get(i)) : pad(cell(row.get(i)), widths[i] + 2));
            }
            out.println(line.toString().stripTrailing());
        }
        out.flush();
    }

    /** "key: value" lines, keys aligned. */
    void fields(Map<String, String> fields) {
        int width = fields.keySet().stream().mapToInt(String::length).max().orElse(0) + 2;
        fields.forEach((k, v) -> out.println(pad(k + ":", width) + cell(v)));
        out.flush();
    }

    /** A copy of a branch without passwords (in place for the given node's connections). */
    static JsonNode withoutPasswords(JsonNode branch) {
        if (branch instanceof ObjectNode object) {
            for (String key : List.of("connection", "readOnlyConnection")) {
                if (object.get(key) instanceof ObjectNode connection) {
                    connection.putNull("password");
                    if (connection.path("uri").isString()) {
                        connection.put("uri", withoutPassword(connection.get("uri").asString()));
                    }
                }
            }
        }
        return branch;
    }

    static String withoutPassword(String uri) {
        return URI_PASSWORD.matcher(uri).replaceFirst("$1@");
    }

    /** A JSON field as text, "-" when absent or null. */
    static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() || value.isMissingNode() ? "-" : value.asString();
    }

    /** The values of one field of a list's items, one per line: what --quiet prints for a list. */
    static String column(JsonNode items, String field) {
        List<String> values = new ArrayList<>();
        items.forEach(item -> values.add(text(item, field)));
        return String.join("\n", values);
    }

    private static String cell(String s) {
        return s == null || s.isEmpty() ? "-" : s;
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s + " " : s + " ".repeat(width - s.length());
    }
}
