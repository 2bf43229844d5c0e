package dev.offshoot.mcp;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.offshoot.auth.ToolNarrowing;

/**
 * The category of each MCP tool, which {@code /mcp?category=} and a token's pinned categories
 * choose by (the names are {@link ToolNarrowing#CATEGORIES}). A tool missing here is offered
 * only to sessions that are not narrowed by category.
 */
final class ToolCategories {

    static final Map<String, List<String>> TOOLS = tools();

    private ToolCategories() {
    }

    private static Map<String, List<String>> tools() {
        Map<String, List<String>> tools = new LinkedHashMap<>();
        tools.put("branches", List.of("list_templates", "list_branches", "create_branch", "describe_branch",
                "get_connection_string", "reset_branch", "suspend_branch", "wake_branch", "delete_branch"));
        tools.put("schema", List.of("list_tables", "describe_table", "compare_schema"));
        tools.put("migrations", List.of("check_migrations", "apply_migrations"));
        tools.put("sql", List.of("run_sql"));
        tools.put("tuning", List.of("explain_sql_statement", "list_slow_queries", "prepare_query_tuning",
                "complete_query_tuning"));
        return Map.copyOf(tools);
    }

    /** The category of a tool, or null for a tool in none. */
    static String of(String tool) {
        return TOOLS.entrySet().stream().filter(e -> e.getValue().contains(tool)).map(Map.Entry::getKey)
                .findFirst().orElse(null);
    }
}
