package dev.offshoot.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What the commands print: aligned tables and key/value lines for people, or the service's JSON
 * with {@code --json}. Branch passwords are removed from both: only {@code connection-string}
 * hands one out, so an agent's transcript or a CI log never shows it by accident.
 */
final class Output {

    private static final Pattern URI_PASSWORD = Pattern.compile("^([a-z]+://[^:@/]*):[^@/]*@");

    private final PrintWriter out;
    private final boolean json;

    Output(PrintWriter out, boolean json) {
        this.out = out;
        this.json = json;
    }

    boolean json() {
        return json;
    }

    void printJson(JsonNode node) {
        out.println(CliSettings.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node));
        out.flush();
    }

    void line(String text) {
        out.println(text);
        out.flush();
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

    private static String cell(String s) {
        return s == null || s.isEmpty() ? "-" : s;
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s + " " : s + " ".repeat(width - s.length());
    }
}
