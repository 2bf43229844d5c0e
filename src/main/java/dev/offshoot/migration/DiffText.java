package dev.offshoot.migration;

import java.util.List;

/** The diff for people and pull-request comments: one line per change, +, - and ~ in front. */
final class DiffText {

    private DiffText() {
    }

    static String render(SchemaDiff diff) {
        if (diff.isEmpty()) {
            return "No schema changes.\n";
        }
        StringBuilder out = new StringBuilder();
        diff.schemas().added().forEach(s -> out.append("+ schema ").append(s).append('\n'));
        diff.schemas().removed().forEach(s -> out.append("- schema ").append(s).append('\n'));
        diff.tables().added().forEach(t -> out.append("+ table ").append(t).append('\n'));
        diff.tables().removed().forEach(t -> out.append("- table ").append(t).append('\n'));
        for (SchemaDiff.TableChange t : diff.tables().changed()) {
            out.append("~ table ").append(t.name()).append('\n');
            t.columns().added().forEach(c -> out.append("    + column ").append(column(c)).append('\n'));
            t.columns().removed().forEach(c -> out.append("    - column ").append(column(c)).append('\n'));
            t.columns().changed().forEach(c -> out.append("    ~ column ").append(c.name()).append(": ")
                    .append(column(c.before()).substring(c.name().length() + 1)).append(" -> ")
                    .append(column(c.after()).substring(c.name().length() + 1)).append('\n'));
            definitions(out, "    ", "index", t.indexes());
            definitions(out, "    ", "constraint", t.constraints());
        }
        definitions(out, "", "view", diff.views());
        definitions(out, "", "function", diff.functions());
        definitions(out, "", "extension", diff.extensions());
        definitions(out, "", "sequence", diff.sequences());
        return out.toString();
    }

    private static String column(Schema.Column c) {
        return c.name() + " " + c.type() + (c.nullable() ? " NULL" : " NOT NULL")
                + (c.defaultValue() == null ? "" : " DEFAULT " + c.defaultValue());
    }

    private static void definitions(StringBuilder out, String indent, String kind, SchemaDiff.Definitions d) {
        line(out, indent, "+ ", kind, d.added());
        line(out, indent, "- ", kind, d.removed());
        d.changed().forEach(c -> out.append(indent).append("~ ").append(kind).append(' ').append(c.name())
                .append(": ").append(oneLine(c.before())).append(" -> ").append(oneLine(c.after())).append('\n'));
    }

    private static void line(StringBuilder out, String indent, String sign, String kind,
            List<SchemaDiff.Definition> items) {
        items.forEach(i -> out.append(indent).append(sign).append(kind).append(' ').append(i.name()).append(": ")
                .append(oneLine(i.definition())).append('\n'));
    }

    private static String oneLine(String s) {
        String flat = s.replaceAll("\\s+", " ").trim();
        return flat.length() > 200 ? flat.substring(0, 200) + "..." : flat;
    }
}
