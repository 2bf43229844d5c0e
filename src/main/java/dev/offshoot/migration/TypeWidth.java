package dev.offshoot.migration;

import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Whether a column type change can lose values: fewer integer bytes, a shorter length or precision. */
final class TypeWidth {

    private static final List<List<String>> INTEGERS = List.of(List.of("smallint", "int2"),
            List.of("integer", "int", "int4"), List.of("bigint", "int8"));
    private static final Pattern LENGTH = Pattern.compile("^(character varying|varchar|character|char|numeric|decimal)"
            + "\\s*(?:\\((\\d+)(?:\\s*,\\s*(\\d+))?\\))?$");

    private TypeWidth() {
    }

    static boolean narrows(String from, String to) {
        String a = normalize(from);
        String b = normalize(to);
        int ia = integerRank(a);
        int ib = integerRank(b);
        if (ia >= 0 && ib >= 0) {
            return ib < ia;
        }
        Matcher mb = LENGTH.matcher(b);
        if (!mb.matches() || mb.group(2) == null) {
            return false;
        }
        if (a.equals("text")) {
            return true;
        }
        Matcher ma = LENGTH.matcher(a);
        if (!ma.matches()) {
            return ia >= 0 && !mb.group(1).startsWith("numeric") && !mb.group(1).startsWith("decimal");
        }
        if (ma.group(2) == null) {
            return true;
        }
        return Integer.parseInt(mb.group(2)) < Integer.parseInt(ma.group(2))
                || (mb.group(3) != null && ma.group(3) != null
                        && Integer.parseInt(mb.group(3)) < Integer.parseInt(ma.group(3)));
    }

    private static int integerRank(String type) {
        for (int i = 0; i < INTEGERS.size(); i++) {
            if (INTEGERS.get(i).contains(type)) {
                return i;
            }
        }
        return -1;
    }

    private static String normalize(String type) {
        return type.toLowerCase(Locale.ROOT).replaceAll("\\s+", " ").trim();
    }
}
