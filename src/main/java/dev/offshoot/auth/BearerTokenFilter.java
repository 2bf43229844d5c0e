package dev.offshoot.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.filter.OncePerRequestFilter;

import tools.jackson.databind.json.JsonMapper;

import dev.offshoot.config.AuthProperties;
import dev.offshoot.web.Problems;

/**
 * Every /api call needs {@code Authorization: Bearer <admin token>}. A missing or wrong token is a
 * 401 with {@code WWW-Authenticate: Bearer} and problem details; the token itself is never logged.
 */
public class BearerTokenFilter extends OncePerRequestFilter {

    /** Request attribute holding the name of the authenticated principal, for created-by fields. */
    public static final String PRINCIPAL = "offshoot.principal";

    private final AuthProperties properties;
    private final JsonMapper json;

    public BearerTokenFilter(AuthProperties properties, JsonMapper json) {
        this.properties = properties;
        this.json = json;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !request.getRequestURI().startsWith("/api/") || request.getRequestURI().startsWith("/api/v1/webhooks/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            reject(response, "missing bearer token: send Authorization: Bearer <token>");
            return;
        }
        if (!matchesAdminToken(header.substring(7).strip())) {
            reject(response, "invalid bearer token");
            return;
        }
        request.setAttribute(PRINCIPAL, "admin");
        chain.doFilter(request, response);
    }

    private boolean matchesAdminToken(String presented) {
        String expected = properties.adminToken();
        return !expected.isEmpty() && MessageDigest.isEqual(
                expected.getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8));
    }

    private void reject(HttpServletResponse response, String detail) throws IOException {
        ProblemDetail problem = Problems.of(HttpStatus.UNAUTHORIZED, "UNAUTHORIZED", detail, false);
        response.setStatus(HttpStatus.UNAUTHORIZED.value());
        response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.getOutputStream().write(json.writeValueAsBytes(problem));
    }
}
