package dev.offshoot.mcp;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.filter.OncePerRequestFilter;

import dev.offshoot.web.Problems;

/**
 * The MCP spec's defence against DNS rebinding for streamable HTTP: a browser page of a foreign
 * origin must not reach /mcp. Allowed: no Origin (CLI agents send none), loopback origins
 * ({@code localhost}, {@code 127.0.0.1}, {@code [::1]}, any port), the configured list, and the
 * service's own origin when it is addressed by IP literal. A name taken from the Host header is not
 * trusted as "own": under DNS rebinding Origin and Host both carry the attacker's name, so a named
 * deployment lists its public origin in {@code offshoot.mcp.allowed-origins}.
 */
final class OriginCheck extends OncePerRequestFilter {

    private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "[::1]");

    private final List<String> allowed;

    OriginCheck(List<String> allowed) {
        this.allowed = allowed.stream().map(OriginCheck::normalise).toList();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String origin = request.getHeader(HttpHeaders.ORIGIN);
        if (allows(origin, request.getScheme(), request.getHeader(HttpHeaders.HOST))) {
            chain.doFilter(request, response);
            return;
        }
        Problems.write(response, HttpStatus.FORBIDDEN, "ORIGIN_NOT_ALLOWED", "requests from this Origin may not use"
                + " /mcp; add it to offshoot.mcp.allowed-origins if it is yours");
    }

    /** Whether a request with that Origin header, arriving by that scheme with that Host header, may pass. */
    boolean allows(String origin, String scheme, String host) {
        if (origin == null) {
            return true;
        }
        URI uri;
        try {
            uri = new URI(origin.strip());
        } catch (URISyntaxException e) {
            return false;
        }
        if (uri.getScheme() == null || uri.getHost() == null || !(uri.getScheme().equalsIgnoreCase("http")
                || uri.getScheme().equalsIgnoreCase("https"))) {
            return false;
        }
        String originHost = uri.getHost().toLowerCase(Locale.ROOT);
        if (LOOPBACK.contains(originHost) || allowed.contains(normalise(origin))) {
            return true;
        }
        return host != null && isIpLiteral(originHost)
                && normalise(origin).equals(normalise(scheme + "://" + host));
    }

    private static boolean isIpLiteral(String host) {
        return host.startsWith("[") || host.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    }

    private static String normalise(String origin) {
        String o = origin.strip().toLowerCase(Locale.ROOT);
        return o.endsWith("/") ? o.substring(0, o.length() - 1) : o;
    }
}
