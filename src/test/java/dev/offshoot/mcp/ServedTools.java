package dev.offshoot.mcp;

import java.util.List;

/** The tools the service's MCP server lists: McpIT checks them against the server, unit tests against the code. */
final class ServedTools {

    static final List<String> READ = List.of("list_templates", "list_branches", "describe_branch",
            "get_connection_string", "list_tables", "describe_table", "compare_schema", "run_sql",
            "explain_sql_statement", "list_slow_queries");
    static final List<String> ALL = List.of("list_templates", "list_branches", "create_branch",
            "describe_branch", "get_connection_string", "reset_branch", "suspend_branch", "wake_branch",
            "delete_branch", "run_sql", "list_tables", "describe_table", "apply_migrations", "check_migrations",
            "compare_schema", "explain_sql_statement", "list_slow_queries", "prepare_query_tuning",
            "complete_query_tuning");

    private ServedTools() {
    }
}
