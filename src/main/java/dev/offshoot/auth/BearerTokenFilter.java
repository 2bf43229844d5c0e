package dev.offshoot.auth;

import java.io.IOException;

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

import dev.offshoot.web.Problems;

/**
 * Every /api and /mcp call needs {@code Authorization: Bearer <token>}. A missing or unknown token is
 * a 401 with {@code WWW-Authenticate: Bearer} (no OAuth metadata: clients should not start a
 * discovery dance); a known token without the needed scope is a 403. Tokens are never logged.
 */
public class BearerTokenFilter extends OncePerRequestFilter {

    /** Request attribute holding the caller's name, for created-by fields. */
    public static final String PRINCIPAL = "offshoot.principal";
    /** Request attribute holding the caller's {@link Principal}. */
    public static final String PRINCIPAL_OBJECT = "offshoot.principal.object";

    private final TokenService tokens;
    private final JsonMapper json;

    public BearerTokenFilter(TokenService tokens, JsonMapper json) {
        this.tokens = tokens;
        this.json = json;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI();
        boolean protectedPath = path.startsWith("/api/") || path.equals("/mcp");
        return !protectedPath || path.startsWith("/api/v1/webhooks/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            reject(response, HttpStatus.UNAUTHORIZED, "UNAUTHORIZED",
                    "missing bearer token: send Authorization: Bearer <token>");
            return;
        }
        Principal principal = tokens.authenticate(header.substring(7).strip()).orElse(null);
        if (principal == null) {
            reject(response, HttpStatus.UNAUTHORIZED, "UNAUTHORIZED", "invalid, expired or revoked bearer token");
            return;
        }
        Scope needed = ScopePolicy.required(request);
        request.setAttribute(PRINCIPAL, principal.name());
        request.setAttribute(PRINCIPAL_OBJECT, principal);
        if (!principal.has(needed)) {
            request.setAttribute(Problems.CODE_ATTRIBUTE, "INSUFFICIENT_SCOPE");
            reject(response, HttpStatus.FORBIDDEN, "INSUFFICIENT_SCOPE", "token '" + principal.name()
                    + "' lacks the " + needed.wire() + " scope this call needs");
            return;
        }
        try {
            CurrentPrincipal.runAs(principal, () -> {
                try {
                    chain.doFilter(request, response);
                } catch (IOException | ServletException e) {
                    throw new FilterFailure(e);
                }
                return null;
            });
        } catch (FilterFailure e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw (ServletException) e.getCause();
        }
    }

    private void reject(HttpServletResponse response, HttpStatus status, String code, String detail)
            throws IOException {
        ProblemDetail problem = Problems.of(status, code, detail, false);
        response.setStatus(status.value());
        if (status == HttpStatus.UNAUTHORIZED) {
            response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
        }
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.getOutputStream().write(json.writeValueAsBytes(problem));
    }

    /** Carries checked exceptions of the chain through {@link CurrentPrincipal#runAs}. */
    private static final class FilterFailure extends RuntimeException {
        FilterFailure(Exception cause) {
            super(cause);
        }
    }
}
