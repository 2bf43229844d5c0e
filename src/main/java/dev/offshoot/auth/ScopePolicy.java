package dev.offshoot.auth;

import jakarta.servlet.http.HttpServletRequest;

/** The scope a request needs, from its path and method. Tool calls over MCP are checked per tool. */
final class ScopePolicy {

    private ScopePolicy() {
    }

    static Scope required(HttpServletRequest request) {
        String path = request.getRequestURI();
        String method = request.getMethod();
        if (path.startsWith("/api/v1/tokens") || path.startsWith("/api/v1/audit")) {
            return Scope.ADMIN;
        }
        if (path.equals("/mcp") || method.equals("GET") || method.equals("HEAD")) {
            return Scope.READ;
        }
        // running SQL is reading for read-only tokens: their statements run in a read-only transaction
        if (method.equals("POST") && path.matches("/api/v1/branches/[^/]+/sql")) {
            return Scope.READ;
        }
        return Scope.WRITE;
    }
}
