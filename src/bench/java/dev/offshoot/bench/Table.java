package dev.offshoot.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Rows of measurements by column (storage driver or peer), printed as a Markdown table. */
final class Table {

    private final List<String> columns;
    private final Map<String, Map<String, String>> rows = new LinkedHashMap<>();
    private final List<String> notes = new ArrayList<>();

    Table(List<String> columns) {
        this.columns = List.copyOf(columns);
    }

    void put(String row, String column, String value) {
        rows.computeIfAbsent(row, r -> new LinkedHashMap<>()).put(column, value);
    }

    void note(String note) {
        notes.add(note);
    }

    /** Declares a row so rows print in the order the benchmark defines, whatever ran first. */
    void row(String row) {
        rows.computeIfAbsent(row, r -> new LinkedHashMap<>());
    }

    String render() {
        List<String> header = new ArrayList<>();
        header.add("measurement");
        header.addAll(columns);
        int[] widths = new int[header.size()];
        for (int i = 0; i < header.size(); i++) {
            widths[i] = header.get(i).length();
        }
        rows.forEach((row, values) -> {
            widths[0] = Math.max(widths[0], row.length());
            for (int i = 0; i < columns.size(); i++) {
                widths[i + 1] = Math.max(widths[i + 1], values.getOrDefault(columns.get(i), "").length());
            }
        });
        StringBuilder out = new StringBuilder();
        line(out, header, widths);
        List<String> rule = new ArrayList<>();
        for (int w : widths) {
            rule.add("-".repeat(w));
        }
        line(out, rule, widths);
        rows.forEach((row, values) -> {
            List<String> cells = new ArrayList<>();
            cells.add(row);
            columns.forEach(c -> cells.add(values.getOrDefault(c, "")));
            line(out, cells, widths);
        });
        notes.forEach(n -> out.append('\n').append(n));
        return out.append(notes.isEmpty() ? "" : "\n").toString();
    }

    private static void line(StringBuilder out, List<String> cells, int[] widths) {
        out.append('|');
        for (int i = 0; i < cells.size(); i++) {
            out.append(' ').append(cells.get(i)).append(" ".repeat(widths[i] - cells.get(i).length())).append(" |");
        }
        out.append('\n');
    }
}
