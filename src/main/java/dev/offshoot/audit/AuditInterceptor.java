package dev.offshoot.audit;

import java.util.Map;
import java.util.Optional;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.multipart.MultipartHttpServletRequest;
import org.springframework.web.multipart.support.AbstractMultipartHttpServletRequest;
import org.springframework.web.servlet.HandlerInterceptor;
import org.springframework.web.servlet.HandlerMapping;
import org.springframework.web.util.ContentCachingRequestWrapper;
import org.springframework.web.util.WebUtils;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.offshoot.web.Problems;

/**
 * Records every REST call a handler answered that changes something, after it ran: actor, action
 * and target from the matched route ({@link AuditedCall}; the body's {@code name} for creates),
 * outcome by status, and the problem code of a failure. Whatever spelling of the path reached the
 * handler, the event is the same; a call that reached no handler changed nothing and is not
 * recorded. The actor is the authenticated caller: calls refused before authentication never get
 * here.
 */
final class AuditInterceptor implements HandlerInterceptor {

    private static final Logger log = LoggerFactory.getLogger(AuditInterceptor.class);

    private final AuditLog audit;
    private final JsonMapper json;

    AuditInterceptor(AuditLog audit, JsonMapper json) {
        this.audit = audit;
        this.json = json;
    }

    @Override
    public void afterCompletion(HttpServletRequest request, HttpServletResponse response, Object handler,
            Exception ex) {
        if (request.getDispatcherType() != DispatcherType.REQUEST) {
            return;
        }
        Optional<AuditedCall> call = AuditedCall.of(request.getMethod(),
                (String) request.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE), variables(request));
        Authentication actor = SecurityContextHolder.getContext().getAuthentication();
        if (call.isEmpty() || actor == null || !actor.isAuthenticated()
                || actor instanceof AnonymousAuthenticationToken) {
            return;
        }
        AuditedCall event = call.get().target() != null ? call.get() : call.get().withTarget(nameFromBody(request));
        int status = ex != null && response.getStatus() < 400 ? 500 : response.getStatus();
        Object code = request.getAttribute(Problems.CODE_ATTRIBUTE);
        try {
            audit.record(actor.getName(), "rest", event.action(), event.type(), event.target(), status < 400, status,
                    code == null ? null : code.toString());
        } catch (RuntimeException e) {
            log.error("could not record audit event {} on {}", event.action(), event.target(), e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> variables(HttpServletRequest request) {
        Object variables = request.getAttribute(HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE);
        return variables instanceof Map<?, ?> map ? (Map<String, String>) map : Map.of();
    }

    /**
     * The {@code name} of a create: a form or query parameter, or the JSON body's field. A multipart
     * body is looked at only when its handler has read it already: asking a multipart request for a
     * parameter would make the servlet container read and spool the whole body.
     */
    private String nameFromBody(HttpServletRequest request) {
        MultipartHttpServletRequest multipart = WebUtils.getNativeRequest(request, MultipartHttpServletRequest.class);
        if (multipart != null) {
            return multipart instanceof AbstractMultipartHttpServletRequest parts && !parts.isResolved() ? null
                    : multipart.getParameter("name");
        }
        String type = request.getContentType();
        if (type != null && type.regionMatches(true, 0, "multipart/", 0, 10)) {
            return null;
        }
        String param = request.getParameter("name");
        if (param != null) {
            return param;
        }
        ContentCachingRequestWrapper cached = WebUtils.getNativeRequest(request, ContentCachingRequestWrapper.class);
        byte[] body = cached == null ? new byte[0] : cached.getContentAsByteArray();
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
}
