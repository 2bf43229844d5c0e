package dev.offshoot.auth;

import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import dev.offshoot.error.OffshootException;

/**
 * Which MCP tools a session offers: only those annotated read-only, only those of some categories,
 * only some tools by name; each part left empty (or false) limits nothing. A token can be pinned to
 * one at issue time, and the MCP URL ({@code ?readonly=true&category=...&tools=...}) can add one:
 * a tool is offered only when both allow it, so a URL narrows a token's set and never widens it.
 * Narrowing chooses what a session sees; what a token may do is still its scopes.
 *
 * @param readOnly   only tools annotated read-only
 * @param categories only tools of these categories (see {@link #CATEGORIES}); empty: all
 * @param tools      only these tools; empty: all
 */
public record ToolNarrowing(boolean readOnly, Set<String> categories, Set<String> tools) {

    /** The categories tools are grouped in. */
    public static final Set<String> CATEGORIES = Set.of("branches", "schema", "migrations", "sql", "tuning");

    /** No narrowing: every tool the caller's scopes allow. */
    public static final ToolNarrowing NONE = new ToolNarrowing(false, Set.of(), Set.of());

    private static final Pattern TOOL_NAME = Pattern.compile("[a-z][a-z0-9_]{0,39}");

    public ToolNarrowing {
        categories = Set.copyOf(categories == null ? Set.of() : categories);
        tools = Set.copyOf(tools == null ? Set.of() : tools);
    }

    /**
     * A narrowing as clients write it: category and tool names, checked for their form (a tool
     * name is snake_case, at most 40 characters; a category one of {@link #CATEGORIES}).
     */
    public static ToolNarrowing of(boolean readOnly, Collection<String> categories, Collection<String> tools) {
        Set<String> cats = names(categories);
        for (String category : cats) {
            if (!CATEGORIES.contains(category)) {
                throw invalid("unknown tool category '" + category + "': use " + String.join(", ",
                        new TreeSet<>(CATEGORIES)));
            }
        }
        Set<String> names = names(tools);
        for (String tool : names) {
            if (!TOOL_NAME.matcher(tool).matches()) {
                throw invalid("'" + tool + "' is not a tool name (snake_case, at most 40 characters)");
            }
        }
        return new ToolNarrowing(readOnly, cats, names);
    }

    /** From comma-separated lists, as the URL and the token store carry them; null is empty. */
    public static ToolNarrowing parse(boolean readOnly, String categories, String tools) {
        return of(readOnly, split(categories), split(tools));
    }

    /** Whether a tool of this name, category (null: none) and annotation is offered. */
    public boolean allows(String tool, String category, boolean toolReadOnly) {
        return (!readOnly || toolReadOnly)
                && (categories.isEmpty() || category != null && categories.contains(category))
                && (tools.isEmpty() || tools.contains(tool));
    }

    public boolean narrows() {
        return readOnly || !categories.isEmpty() || !tools.isEmpty();
    }

    /**
     * Whether every tool this narrowing allows, the other allows too, read from how they are
     * written: read-only where the other is, categories and tools within the other's lists when
     * it has any. (A token whose issuer is pinned is pinned within the issuer's pin.)
     */
    public boolean within(ToolNarrowing other) {
        return (!other.readOnly || readOnly)
                && (other.categories.isEmpty() || !categories.isEmpty() && other.categories.containsAll(categories))
                && (other.tools.isEmpty() || !tools.isEmpty() && other.tools.containsAll(tools));
    }

    /** The comma-separated form the token store keeps; null for none. */
    static String join(Set<String> names) {
        return names.isEmpty() ? null : String.join(",", new TreeSet<>(names));
    }

    private static Set<String> names(Collection<String> values) {
        Set<String> out = new LinkedHashSet<>();
        if (values != null) {
            for (String value : values) {
                out.addAll(split(value));
            }
        }
        return out;
    }

    private static Set<String> split(String list) {
        Set<String> out = new LinkedHashSet<>();
        if (list != null) {
            Arrays.stream(list.split(",")).map(String::strip).filter(s -> !s.isEmpty()).forEach(out::add);
        }
        return out;
    }

    private static OffshootException invalid(String detail) {
        return OffshootException.invalid("INVALID_TOOL_SELECTION", detail);
    }
}
