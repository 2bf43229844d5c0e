package dev.offshoot.mcp;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

import dev.offshoot.auth.ToolCatalog;
import dev.offshoot.auth.ToolNarrowing;
import dev.offshoot.error.OffshootException;
import dev.offshoot.web.Problems;

/**
 * Reads the tool narrowing a client asks for in the MCP URL, {@code /mcp?readonly=true},
 * {@code ?category=tuning,schema}, {@code ?tools=list_tables,describe_table} (lists comma-separated
 * or repeated), and hands it to the transport context of the request. Only the query string is
 * read, never a body. A malformed one is refused before any MCP message is read: 400
 * INVALID_TOOL_SELECTION. Clients send every request of a session to the URL they were configured
 * with, so each request carries its session's narrowing.
 */
final class ToolSelection extends OncePerRequestFilter {

    static final String ATTRIBUTE = ToolSelection.class.getName();

    private final ToolCatalog catalog;

    ToolSelection(ToolCatalog catalog) {
        this.catalog = catalog;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        ToolNarrowing narrowing;
        try {
            narrowing = parse(request.getQueryString(), catalog.toolNames());
        } catch (OffshootException e) {
            Problems.write(response, HttpStatus.BAD_REQUEST, e.code(), e.getMessage());
            return;
        }
        request.setAttribute(ATTRIBUTE, narrowing);
        chain.doFilter(request, response);
    }

    /** The narrowing of the request, as the filter left it; none when it did not run. */
    static ToolNarrowing of(HttpServletRequest request) {
        return request.getAttribute(ATTRIBUTE) instanceof ToolNarrowing n ? n : ToolNarrowing.NONE;
    }

    static ToolNarrowing parse(String query, Set<String> known) {
        List<String> readOnly = new ArrayList<>();
        List<String> categories = new ArrayList<>();
        List<String> tools = new ArrayList<>();
        for (String pair : query == null ? new String[0] : query.split("&")) {
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            switch (name) {
                case "readonly" -> readOnly.add(value);
                case "category" -> categories.add(value);
                case "tools" -> tools.add(value);
                default -> { }
            }
        }
        ToolNarrowing narrowing = ToolNarrowing.of(readOnly(readOnly), categories, tools);
        for (String tool : narrowing.tools()) {
            if (!known.contains(tool)) {
                throw OffshootException.invalid("INVALID_TOOL_SELECTION", "there is no MCP tool '" + tool
                        + "': use " + String.join(", ", new TreeSet<>(known)));
            }
        }
        return narrowing;
    }

    private static boolean readOnly(List<String> values) {
        boolean on = false;
        for (String value : values) {
            switch (value) {
                case "true", "1", "" -> on = true;
                case "false", "0" -> { }
                default -> throw OffshootException.invalid("INVALID_TOOL_SELECTION", "readonly must be true or"
                        + " false, not '" + value + "'");
            }
        }
        return on;
    }

    private static String decode(String part) {
        try {
            return URLDecoder.decode(part, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw OffshootException.invalid("INVALID_TOOL_SELECTION", "the MCP URL's query is not URL-encoded");
        }
    }
}
