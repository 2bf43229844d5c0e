package dev.offshoot.audit;

import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.ContentCachingRequestWrapper;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.offshoot.web.Problems;

/**
 * Records every REST call that changes something (any method but GET/HEAD), after it ran: actor,
 * action and target derived from the path (and the body's {@code name} for creates), outcome by
 * status, and the problem code of a failure. The actor is the authenticated caller the security
 * chain left in the request; calls refused before authentication (no or a bad token, firewall) are
 * not changes and are not recorded.
 */
public class AuditFilter extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(AuditFilter.class);
    private static final Pattern PATH = Pattern.compile("/api/v1/(branches|templates|tokens)(?:/([^/]+)(?:/(.+))?)?");

    private static final SecurityContextRepository CONTEXTS = new RequestAttributeSecurityContextRepository();

    private final AuditLog audit;
    private final JsonMapper json;

    public AuditFilter(AuditLog audit, JsonMapper json) {
        this.audit = audit;
        this.json = json;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String method = request.getMethod();
        return method.equals("GET") || method.equals("HEAD") || !request.getRequestURI().startsWith("/api/v1/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        ContentCachingRequestWrapper cached = new ContentCachingRequestWrapper(request, 64 * 1024);
        try {
            chain.doFilter(cached, response);
        } finally {
            record(cached, response.getStatus());
        }
    }

    private void record(ContentCachingRequestWrapper request, int status) {
        Matcher m = PATH.matcher(request.getRequestURI());
        Authentication actor = CONTEXTS.loadDeferredContext(request).get().getAuthentication();
        if (status == 401 || !m.matches() || actor == null || !actor.isAuthenticated()
                || actor instanceof AnonymousAuthenticationToken) {
            return;
        }
        String type = singular(m.group(1));
        String target = m.group(2) != null ? m.group(2) : nameFromBody(request);
        String verb = switch (request.getMethod()) {
            case "DELETE" -> "delete";
            case "PATCH", "PUT" -> "update";
            default -> m.group(2) == null ? "create" : m.group(3) == null ? "update" : m.group(3).replace('/', '.');
        };
        Object code = request.getAttribute(Problems.CODE_ATTRIBUTE);
        try {
            audit.record(actor.getName(), "rest", type + "." + verb, type, target,
                    status < 400, status, code == null ? null : code.toString());
        } catch (RuntimeException e) {
            log.error("could not record audit event {}.{} on {}", type, verb, target, e);
        }
    }

    private String nameFromBody(ContentCachingRequestWrapper request) {
        String param = request.getParameter("name");
        if (param != null) {
            return param;
        }
        byte[] body = request.getContentAsByteArray();
        if (body.length == 0) {
            return null;
        }
        try {
            JsonNode name = json.readTree(body).get("name");
            return name == null || !name.isString() ? null : name.asString();
        } catch (RuntimeException notJson) {
            return null;
        }
    }

    private static String singular(String collection) {
        return switch (collection) {
            case "branches" -> "branch";
            case "templates" -> "template";
            default -> "token";
        };
    }
}
