package dev.offshoot.audit;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.ContentCachingRequestWrapper;

/**
 * Keeps the first 64 KiB of what a handler reads from a request body, so that {@link AuditInterceptor}
 * can name the target of a create from the body's {@code name} after the call. It decides nothing
 * about what is audited: that follows the route Spring MVC matched.
 */
class AuditFilter extends OncePerRequestFilter {

    static final int CACHED_BYTES = 64 * 1024;

    /** Reads change nothing; MCP tool calls are audited by the tool registry. */
    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String method = request.getMethod();
        return method.equals("GET") || method.equals("HEAD") || request.getServletPath().equals("/mcp");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        chain.doFilter(new ContentCachingRequestWrapper(request, CACHED_BYTES), response);
    }
}
