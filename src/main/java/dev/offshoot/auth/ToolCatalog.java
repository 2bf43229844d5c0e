package dev.offshoot.auth;

import java.util.Set;

/** The MCP tools the service offers, so that no token is pinned to a name that no tool has. */
public interface ToolCatalog {

    Set<String> toolNames();
}
